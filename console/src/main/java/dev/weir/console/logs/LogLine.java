package dev.weir.console.logs;

import java.time.Instant;
import java.util.Map;

/**
 * One document of the log data streams, as the Logs page lists it.
 *
 * @param index     the backing index it is in
 * @param id        its {@code _id} (the event id)
 * @param timestamp {@code @timestamp}
 * @param service   {@code service.name}
 * @param level     {@code log.level}, or for a request event its status ({@code 200}, {@code 503})
 * @param message   {@code message}
 * @param traceId   {@code trace.id}, or null
 * @param fields    every field, flattened to dotted names, sorted
 */
public record LogLine(String index, String id, Instant timestamp, String service, String level, String message,
                      String traceId, Map<String, String> fields) {

    /** @return a CSS class for the level: {@code error}, {@code warn}, {@code info}, {@code debug} */
    public String levelClass() {
        String l = level == null ? "" : level.toLowerCase(java.util.Locale.ROOT);
        if (l.startsWith("err") || l.startsWith("fatal") || l.startsWith("crit") || l.startsWith("5")) {
            return "error";
        }
        if (l.startsWith("warn") || l.startsWith("4")) {
            return "warn";
        }
        if (l.startsWith("debug") || l.startsWith("trace")) {
            return "debug";
        }
        return "info";
    }
}
