package dev.weir.console.logs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A search of the Logs page, from its query parameters.
 *
 * @param text    Elasticsearch query-string syntax ({@code message:timeout AND NOT level:debug}), or empty
 * @param service {@code service.name}, or empty
 * @param level   {@code log.level} (lower case), or empty
 * @param range   {@code 15m}, {@code 1h}, {@code 6h}, {@code 24h}, {@code 7d}, or {@code custom}
 * @param from    start of the range
 * @param to      end of the range
 * @param eventId an exemplar's event id ({@code event.id}), or empty
 * @param traceId a trace id ({@code trace.id}), or empty
 * @param page    0-based page
 */
public record LogQuery(String text, String service, String level, String range, Instant from, Instant to, String eventId,
                       String traceId, int page) {
    /** Lines per page. */
    public static final int PAGE_SIZE = 50;
    /** The ranges offered, by name. */
    public static final Map<String, Duration> RANGES = Map.of("15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1),
            "6h", Duration.ofHours(6), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7));
    /** Deepest page offered: Elasticsearch's default result window is 10 000 hits. */
    public static final int MAX_PAGE = 10_000 / PAGE_SIZE - 1;

    /**
     * Reads the page's parameters; unknown ranges and bad times fall back to the last hour, with no error,
     * as a search box should. Event and trace lookups cover the last 7 days unless a range is given.
     *
     * @param get  a query parameter by name, or null
     * @param now  the current time
     * @return the query
     */
    public static LogQuery of(java.util.function.Function<String, String> get, Instant now) {
        String eventId = value(get.apply("event"));
        String traceId = value(get.apply("trace"));
        String range = value(get.apply("range"));
        if (range.isEmpty()) {
            range = eventId.isEmpty() && traceId.isEmpty() ? "1h" : "7d";
        }
        Instant from;
        Instant to = now;
        if ("custom".equals(range)) {
            from = time(get.apply("from"), now.minus(Duration.ofHours(1)));
            to = time(get.apply("to"), now);
        } else {
            Duration d = RANGES.get(range);
            if (d == null) {
                range = "1h";
                d = Duration.ofHours(1);
            }
            from = now.minus(d);
        }
        int page = 0;
        try {
            page = Math.max(0, Math.min(MAX_PAGE, Integer.parseInt(value(get.apply("page")).isEmpty() ? "0" : get.apply("page").trim())));
        } catch (NumberFormatException e) {
            page = 0;
        }
        return new LogQuery(value(get.apply("q")), value(get.apply("service")), value(get.apply("level")).toLowerCase(java.util.Locale.ROOT),
                range, from, to, eventId, traceId, page);
    }

    private static String value(String v) {
        return v == null ? "" : v.strip();
    }

    /** Accepts ISO instants and the browser's {@code datetime-local} value (taken as UTC). */
    private static Instant time(String v, Instant fallback) {
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(v.strip());
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(v.strip()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return fallback;
            }
        }
    }

    /** @return the browser's {@code datetime-local} value of an instant (UTC, minutes) */
    public static String local(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC).withSecond(0).withNano(0).toString();
    }
}
