package dev.weir.processor.measure;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;

/**
 * What the error-rate and latency measures need of one clean event. Lives only inside one
 * sub-topology (never serialized).
 *
 * @param request     true for a request event, false for a log event
 * @param service     service, after the cardinality cap
 * @param route       templated route after the cap; {@code null} for log events
 * @param method      upper-case HTTP method; {@code null} for log events
 * @param status      HTTP status; 0 for log events
 * @param durationMs  request duration, {@code null} when unknown or for log events
 * @param errorLog    log event at level ERROR or FATAL
 * @param count       occurrences the event stands for (a log's {@code count}; 1 for requests)
 * @param timestampMs event time
 */
public record Observation(boolean request, String service, String route, String method, int status,
                          Double durationMs, boolean errorLog, long count, long timestampMs) {

    static Observation of(RequestEvent e) {
        return new Observation(true, e.getService(), e.getRoute(), e.getMethod(), e.getStatus(), e.getDurationMs(),
                false, 1, e.getTimestamp().toEpochMilli());
    }

    static Observation of(LogEvent e) {
        boolean error = e.getLevel() == LogLevel.ERROR || e.getLevel() == LogLevel.FATAL;
        return new Observation(false, e.getService(), null, null, 0, null, error, e.getCount(), e.getTimestamp().toEpochMilli());
    }

    /** @return a copy with capped service and route */
    Observation capped(String newService, String newRoute) {
        return new Observation(request, newService, newRoute, method, status, durationMs, errorLog, count, timestampMs);
    }
}
