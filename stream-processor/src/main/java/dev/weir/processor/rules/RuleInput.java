package dev.weir.processor.rules;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;

/**
 * What the rules read of one clean event: a request or a log line reduced to the labels and
 * measures rules use. Lives only inside the rules processor (never serialized).
 *
 * @param request     true for a {@link RequestEvent}, false for a {@link LogEvent}
 * @param id          event id
 * @param traceId     trace id, or null
 * @param timestamp   event time, epoch millis
 * @param service     service
 * @param route       templated route (requests), or null
 * @param method      HTTP method (requests), or null
 * @param status      HTTP status, or 0
 * @param durationMs  request duration in ms, or null
 * @param sourceIp    client / source IP, or null
 * @param userName    user name, or null
 * @param level       log level (logs), or null
 * @param fingerprint error fingerprint (logs), or null
 * @param errorType   error type (logs), or null
 * @param failedLogin whether this is a failed login (see DESIGN.md)
 * @param successLogin whether this is a successful login (a 2xx/3xx on a login route, an authentication success)
 * @param count       occurrences the event stands for: 1, or a log's {@code count} (a syslog line repeated N times)
 */
public record RuleInput(boolean request, String id, String traceId, long timestamp, String service, String route,
                        String method, int status, Double durationMs, String sourceIp, String userName, LogLevel level,
                        String fingerprint, String errorType, boolean failedLogin, boolean successLogin, long count) {

    /** @return the request as rule input */
    public static RuleInput of(RequestEvent e) {
        boolean failed = e.getLoginAttempt() && (e.getStatus() == 401 || e.getStatus() == 403);
        boolean success = e.getLoginAttempt() && e.getStatus() >= 200 && e.getStatus() < 400;
        return new RuleInput(true, str(e.getId()), str(e.getTraceId()), e.getTimestamp().toEpochMilli(), str(e.getService()),
                str(e.getRoute()), str(e.getMethod()), e.getStatus(), e.getDurationMs(), str(e.getClientIp()),
                str(e.getUserName()), null, null, null, failed, success, 1);
    }

    /** @return the log line as rule input */
    public static RuleInput of(LogEvent e) {
        boolean authentication = e.getEvent() != null && "authentication".equals(str(e.getEvent().getCategory()));
        String outcome = authentication ? str(e.getEvent().getOutcome()) : null;
        String fingerprint = e.getError() == null ? null : str(e.getError().getFingerprint());
        String type = e.getError() == null ? null : str(e.getError().getType());
        String route = e.getHttp() == null ? null : str(e.getHttp().getRoute());
        return new RuleInput(false, str(e.getId()), str(e.getTraceId()), e.getTimestamp().toEpochMilli(), str(e.getService()),
                route, null, 0, null, str(e.getSourceIp()), str(e.getUserName()), e.getLevel(), fingerprint, type,
                "failure".equals(outcome), "success".equals(outcome), e.getCount());
    }

    private static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }

    /**
     * @param label one of {@link RuleSet#LABELS}
     * @return this event's value of it, or null when it has none
     */
    public String label(String label) {
        return switch (label) {
            case "service" -> service;
            case "route" -> route;
            case "method" -> method;
            case "status" -> status == 0 ? null : Integer.toString(status);
            case "source_ip" -> sourceIp;
            case "user_name" -> userName;
            case "level" -> level == null ? null : level.name();
            case "fingerprint" -> fingerprint;
            case "error_type" -> errorType;
            default -> null;
        };
    }
}
