package dev.weir.processor.rules;

import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A field of a clean event named by its ECS path, as log metrics select on it, measure it and keep it as a
 * label: {@code service}, {@code event.action}, {@code labels.plan}, {@code http.route} … ({@link #PATHS}).
 * Resolved once when a rule file is read, so reading it from an event is a switch and a getter. Immutable.
 */
public final class EventField {
    /** Every path besides {@code labels.NAME}, with what it reads. */
    public static final Map<String, String> PATHS = new TreeMap<>(Map.ofEntries(
            Map.entry("service", "the service (service.name)"),
            Map.entry("service.environment", "the environment"),
            Map.entry("host.name", "the host"),
            Map.entry("log.level", "the level: TRACE … FATAL"),
            Map.entry("message", "the message, redacted"),
            Map.entry("log.logger", "the logger"),
            Map.entry("user.name", "the user"),
            Map.entry("source.ip", "the source or client address"),
            Map.entry("trace.id", "the trace id"),
            Map.entry("event.category", "ECS event.category"),
            Map.entry("event.action", "ECS event.action"),
            Map.entry("event.outcome", "ECS event.outcome"),
            Map.entry("event.duration", "ECS event.duration, nanoseconds (requests: their duration)"),
            Map.entry("error.type", "the error type"),
            Map.entry("error.fingerprint", "the error fingerprint"),
            Map.entry("http.request.method", "the HTTP method"),
            Map.entry("http.route", "the templated route (cardinality-capped)"),
            Map.entry("url.path", "the request path"),
            Map.entry("http.response.status_code", "the HTTP status"),
            Map.entry("http.response.body.bytes", "the response body size"),
            Map.entry("http.request.body.bytes", "the request body size"),
            Map.entry("user_agent.original", "the user agent")));
    private static final Pattern LABEL_NAME = Pattern.compile("[^A-Za-z0-9_]");

    private final String path;
    /** The label's name for {@code labels.NAME}, else null. */
    private final String label;

    private EventField(String path, String label) {
        this.path = path;
        this.label = label;
    }

    /**
     * @param path an ECS path, e.g. {@code event.action}, {@code labels.plan}; {@code service.name} and {@code level} are
     *             read as {@code service} and {@code log.level}
     * @return the field, or null when Weir's events have no such field
     */
    public static EventField of(String path) {
        String p = switch (path) {
            case "service.name" -> "service";
            case "level" -> "log.level";
            case "client.ip" -> "source.ip";
            default -> path;
        };
        if (p.startsWith("labels.") && p.length() > "labels.".length()) {
            return new EventField(p, p.substring("labels.".length()));
        }
        return PATHS.containsKey(p) ? new EventField(p, null) : null;
    }

    /** @return the path as written after aliases: {@code service}, {@code labels.plan} */
    public String path() {
        return path;
    }

    /** @return the Prometheus label name this field is kept under unless renamed: {@code labels.} dropped, other characters {@code _} */
    public String defaultLabelName() {
        String name = LABEL_NAME.matcher(label != null ? label : path).replaceAll("_");
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    /** @return whether the field is a label ({@code labels.NAME}) */
    public boolean isLabel() {
        return label != null;
    }

    /**
     * @param e a log event
     * @return the field's value as text, or null when the event has none
     */
    public String text(LogEvent e) {
        if (label != null) {
            return e.getLabels().get(label);
        }
        EventInfo ev = e.getEvent();
        ErrorInfo err = e.getError();
        HttpInfo http = e.getHttp();
        return switch (path) {
            case "service" -> e.getService();
            case "service.environment" -> e.getEnvironment();
            case "host.name" -> e.getHost();
            case "log.level" -> e.getLevel() == null ? null : e.getLevel().name();
            case "message" -> e.getMessage();
            case "log.logger" -> e.getLogger();
            case "user.name" -> e.getUserName();
            case "source.ip" -> e.getSourceIp();
            case "trace.id" -> e.getTraceId();
            case "event.category" -> ev == null ? null : ev.getCategory();
            case "event.action" -> ev == null ? null : ev.getAction();
            case "event.outcome" -> ev == null ? null : ev.getOutcome();
            case "event.duration" -> ev == null || ev.getDurationNs() == null ? null : ev.getDurationNs().toString();
            case "error.type" -> err == null ? null : err.getType();
            case "error.fingerprint" -> err == null ? null : err.getFingerprint();
            case "http.request.method" -> http == null ? null : http.getMethod();
            case "http.route" -> http == null ? null : http.getRoute();
            case "url.path" -> http == null ? null : http.getPath();
            case "http.response.status_code" -> http == null || http.getStatus() == null ? null : http.getStatus().toString();
            case "http.response.body.bytes" -> http == null || http.getBytes() == null ? null : http.getBytes().toString();
            default -> ecs(e.getEcs(), path);
        };
    }

    /**
     * @return an ECS field's value as text from an event's {@code ecs} map (where the processor keeps the ECS fields
     *         without a place of their own, e.g. {@code http.request.body.bytes}, {@code user_agent.original} of logs),
     *         or null
     */
    private static String ecs(Map<String, Object> ecs, String path) {
        Object v = ecs == null ? null : ecs.get(path);
        return v == null || v instanceof List<?> ? null : v.toString();
    }

    /**
     * @param e a request event
     * @return the field's value as text, or null when the event has none
     */
    public String text(RequestEvent e) {
        if (label != null) {
            return e.getLabels().get(label);
        }
        return switch (path) {
            case "service" -> e.getService();
            case "service.environment" -> e.getEnvironment();
            case "host.name" -> e.getHost();
            case "user.name" -> e.getUserName();
            case "source.ip" -> e.getClientIp();
            case "trace.id" -> e.getTraceId();
            case "http.request.method" -> e.getMethod();
            case "http.route" -> e.getRoute();
            case "url.path" -> e.getPath();
            case "http.response.status_code" -> Integer.toString(e.getStatus());
            case "user_agent.original" -> e.getUserAgent();
            default -> ecs(e.getEcs(), path);
        };
    }

    /**
     * @param e a log event
     * @return the field's value as a number; {@code NaN} when the event has none or it is not a finite number
     */
    public double number(LogEvent e) {
        if (label == null) {
            EventInfo ev = e.getEvent();
            HttpInfo http = e.getHttp();
            switch (path) {
                case "event.duration":
                    return ev == null || ev.getDurationNs() == null ? Double.NaN : ev.getDurationNs();
                case "http.response.status_code":
                    return http == null || http.getStatus() == null ? Double.NaN : http.getStatus();
                case "http.response.body.bytes":
                    return http == null || http.getBytes() == null ? Double.NaN : http.getBytes();
                default:
                    break;
            }
        }
        return parse(text(e));
    }

    /**
     * @param e a request event
     * @return the field's value as a number; {@code NaN} when the event has none or it is not a finite number
     */
    public double number(RequestEvent e) {
        return switch (path) {
            case "event.duration" -> e.getDurationMs() == null ? Double.NaN : e.getDurationMs() * 1e6;
            case "http.response.status_code" -> e.getStatus();
            case "http.response.body.bytes" -> e.getBytes() == null ? Double.NaN : e.getBytes();
            default -> parse(text(e));
        };
    }

    /** @return the number in {@code text}, or {@code NaN} when it holds none (or an infinite one) */
    static double parse(String text) {
        if (text == null || text.isEmpty()) {
            return Double.NaN;
        }
        char c = text.charAt(0);
        if (!(c >= '0' && c <= '9') && c != '-' && c != '+' && c != '.') {
            return Double.NaN; // also keeps "NaN" and "Infinity" out
        }
        try {
            double d = Double.parseDouble(text);
            return Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventField f && f.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
