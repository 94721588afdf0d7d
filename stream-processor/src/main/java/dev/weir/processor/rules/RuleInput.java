package dev.weir.processor.rules;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.util.Map;

/**
 * What the rules read of one clean event: a request or a log line reduced to the labels and
 * measures rules use; or one sample of a log metric ({@link #sample}), which only {@code metric} rules read.
 * Lives only inside the rules processor (never serialized).
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
 * @param probe       the probe's name when this is a probe result ({@code event.category: probe}), else null
 * @param probeUp     for a probe result, whether the probe found its target up
 * @param metric      for a metric sample, the metric's name, else null
 * @param value       for a metric sample, the measured number (1 for a count; NaN for distinct)
 * @param distinct    for a sample of a distinct metric, the value counted, else null
 * @param metricLabels for a metric sample, the series' labels (service included), else null
 */
public record RuleInput(boolean request, String id, String traceId, long timestamp, String service, String route,
                        String method, int status, Double durationMs, String sourceIp, String userName, LogLevel level,
                        String fingerprint, String errorType, boolean failedLogin, boolean successLogin, long count,
                        String probe, boolean probeUp, String metric, double value, String distinct,
                        Map<String, String> metricLabels) {

    /** @return the request as rule input */
    public static RuleInput of(RequestEvent e) {
        boolean failed = e.getLoginAttempt() && (e.getStatus() == 401 || e.getStatus() == 403);
        boolean success = e.getLoginAttempt() && e.getStatus() >= 200 && e.getStatus() < 400;
        return new RuleInput(true, str(e.getId()), str(e.getTraceId()), e.getTimestamp().toEpochMilli(), str(e.getService()),
                str(e.getRoute()), str(e.getMethod()), e.getStatus(), e.getDurationMs(), str(e.getClientIp()),
                str(e.getUserName()), null, null, null, failed, success, 1, null, false, null, 0, null, null);
    }

    /** @return the log line as rule input */
    public static RuleInput of(LogEvent e) {
        boolean authentication = e.getEvent() != null && "authentication".equals(str(e.getEvent().getCategory()));
        String outcome = authentication ? str(e.getEvent().getOutcome()) : null;
        String fingerprint = e.getError() == null ? null : str(e.getError().getFingerprint());
        String type = e.getError() == null ? null : str(e.getError().getType());
        String route = e.getHttp() == null ? null : str(e.getHttp().getRoute());
        String probe = probeName(e);
        boolean up = probe != null && "success".equals(str(e.getEvent().getOutcome()));
        // a probe result carries its run time and status; other log lines' http fields are not the rules' business
        Double duration = probe != null && e.getHttp() != null ? e.getHttp().getDurationMs() : null;
        if (probe != null && duration == null && e.getEvent().getDurationNs() != null) {
            duration = e.getEvent().getDurationNs() / 1e6;
        }
        int status = probe != null && e.getHttp() != null && e.getHttp().getStatus() != null ? e.getHttp().getStatus() : 0;
        return new RuleInput(false, str(e.getId()), str(e.getTraceId()), e.getTimestamp().toEpochMilli(), str(e.getService()),
                route, null, status, duration, str(e.getSourceIp()), str(e.getUserName()), e.getLevel(), fingerprint, type,
                "failure".equals(outcome), "success".equals(outcome), e.getCount(), probe, up, null, 0, null, null);
    }

    /**
     * @param metric    the metric's name
     * @param id        the event's id
     * @param traceId   the event's trace id, or null
     * @param timestamp the event's time, epoch millis
     * @param labels    the series' labels, {@code service} first
     * @param value     the measured number (1 for a count, NaN for distinct)
     * @param distinct  the distinct value counted, or null
     * @param count     the occurrences the event stands for (a log's {@code count}), at least 1
     * @return a sample of a log metric, as {@code metric} rules read it
     */
    public static RuleInput sample(String metric, String id, String traceId, long timestamp, Map<String, String> labels,
                                   double value, String distinct, long count) {
        return new RuleInput(false, id, traceId, timestamp, labels.get("service"), null, null, 0, null, null, null, null, null, null,
                false, false, count, null, false, metric, value, distinct, labels);
    }

    /**
     * @param e a log event
     * @return the probe's name when {@code e} is a probe result (as the agent writes them: {@code event.category: probe}
     *         and label {@code probe}), else null
     */
    public static String probeName(LogEvent e) {
        if (e.getEvent() == null || !"probe".equals(str(e.getEvent().getCategory()))) {
            return null;
        }
        String name = e.getLabels().get("probe");
        return name == null || name.isEmpty() ? null : name;
    }

    private static String str(CharSequence s) {
        return s == null ? null : s.toString();
    }

    /**
     * @param label one of {@link RuleSet#LABELS}
     * @return this event's value of it, or null when it has none
     */
    public String label(String label) {
        if (metric != null) {
            return metricLabels.get(label);
        }
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
            case "probe" -> probe;
            default -> null;
        };
    }
}
