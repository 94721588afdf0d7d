package dev.weir.agent.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.http.Handoff;
import dev.weir.agent.parse.JsonLineParser;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.agent.ship.Destinations;
import dev.weir.common.ecs.EcsFields;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns OTLP export requests into the raw JSON events the rest of the agent ships, in the shape Weir's own intake
 * writes (flat dotted ECS keys):
 * <ul>
 * <li>a log record becomes a log event: {@code @timestamp} (the record's time, else its observed time, else now),
 *     {@code message} (the body; a structured body as JSON text), {@code log.level} (the severity number's range, else
 *     the severity text), {@code trace.id} and {@code span.id} (hex), {@code log.logger} (the instrumentation
 *     scope), and the resource's and record's attributes ({@link #place});</li>
 * <li>a server span ({@code SPAN_KIND_SERVER}) with an HTTP method becomes a request event: method, path (from
 *     {@code url.path}, {@code http.target}, {@code url.full}/{@code http.url} or {@code http.route}), status, the
 *     duration from its start and end, trace and span ids; other spans are counted as ignored.</li>
 * </ul>
 * An attribute keeps its name when ECS defines it; OpenTelemetry names ECS spells differently move to the ECS name
 * ({@code deployment.environment} to {@code service.environment}, {@code exception.stacktrace} to
 * {@code error.stack_trace}, {@code http.status_code} to {@code http.response.status_code}, ...); any other attribute
 * becomes a label ({@code labels.<name with _ for .>}), as text. Resource attributes win over record attributes of the
 * same name. Event ids are derived from the content, so a retried export carries the same {@code event.id}s.
 *
 * <p>Thread-safe.
 */
public final class OtlpMapping {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** OpenTelemetry semantic-convention names and the ECS field (or Weir key) they go to. */
    static final Map<String, String> RENAMES = Map.ofEntries(
            Map.entry("deployment.environment", "service.environment"),
            Map.entry("deployment.environment.name", "service.environment"),
            Map.entry("service.instance.id", "service.node.name"),
            Map.entry("exception.type", "error.type"),
            Map.entry("exception.message", "error.message"),
            Map.entry("exception.stacktrace", "error.stack_trace"),
            Map.entry("thread.name", "process.thread.name"),
            Map.entry("thread.id", "process.thread.id"),
            Map.entry("code.function", "log.origin.function"),
            Map.entry("code.function.name", "log.origin.function"),
            Map.entry("code.filepath", "log.origin.file.name"),
            Map.entry("code.file.path", "log.origin.file.name"),
            Map.entry("code.lineno", "log.origin.file.line"),
            Map.entry("code.line.number", "log.origin.file.line"),
            Map.entry("enduser.id", "user.id"),
            Map.entry("event.name", "event.action"),
            Map.entry("http.method", "http.request.method"),
            Map.entry("http.status_code", "http.response.status_code"),
            Map.entry("http.user_agent", "user_agent.original"),
            Map.entry("http.url", "url.full"),
            Map.entry("http.target", "url.original"),
            Map.entry("http.request.body.size", "http.request.body.bytes"),
            Map.entry("http.response.body.size", "http.response.body.bytes"),
            Map.entry("http.request_content_length", "http.request.body.bytes"),
            Map.entry("http.response_content_length", "http.response.body.bytes"),
            Map.entry("host.arch", "host.architecture"),
            Map.entry("os.type", "host.os.type"),
            Map.entry("os.name", "host.os.name"),
            Map.entry("os.version", "host.os.version"),
            Map.entry("os.description", "host.os.full"));
    /** Keys Weir's processor reads that ECS does not list (it sets them itself from these). */
    private static final java.util.Set<String> WEIR_KEYS = java.util.Set.of("service.name", "service.environment", "host.name",
            "log.level", "message", "trace.id", "span.id", "event.id", "log.logger");

    private final JsonLineParser logs;
    private final JsonLineParser requests;
    private final Destinations destinations;
    private final Clock clock;

    /**
     * What one export request became.
     *
     * @param events     the events to ship, numbered by record (span) in the request, from 1
     * @param rejections why each rejected record was refused, e.g. {@code log record 3: trace_id has 5 bytes ...}
     * @param ignored    spans that are no request, by reason ({@code not_server}, {@code not_http})
     */
    public record Batch(List<Handoff.Numbered> events, List<String> rejections, Map<String, Integer> ignored) {
    }

    /**
     * @param logs         enriches log events (service, environment and host when the resource names none)
     * @param requests     enriches request events
     * @param destinations the event size limit
     * @param clock        the time of log records that carry none
     */
    public OtlpMapping(JsonLineParser logs, JsonLineParser requests, Destinations destinations, Clock clock) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param request an export request
     * @param idPrefix what the ids of records without trace context start with (derived from the body)
     * @return the log events and rejections
     */
    public Batch logs(ExportLogsServiceRequest request, String idPrefix) {
        List<Handoff.Numbered> events = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        int n = 0;
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Map<String, Object> resource = new LinkedHashMap<>();
            for (KeyValue kv : rl.getResource().getAttributesList()) {
                place(resource, kv.getKey(), value(kv.getValue()));
            }
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) {
                    n++;
                    String what = "log record " + n;
                    String problem = ids(r.getTraceId().size(), r.getSpanId().size());
                    if (problem != null) {
                        rejections.add(what + ": " + problem);
                        continue;
                    }
                    Map<String, Object> e = new LinkedHashMap<>();
                    long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
                    e.put("@timestamp", nanos != 0 ? instant(nanos).toString() : clock.instant().toString());
                    e.put("event.id", idPrefix + n);
                    e.put("message", text(value(r.getBody())));
                    String level = level(r.getSeverityText(), r.getSeverityNumberValue());
                    if (level != null) {
                        e.put("log.level", level);
                    }
                    if (!r.getTraceId().isEmpty()) {
                        e.put("trace.id", HexFormat.of().formatHex(r.getTraceId().toByteArray()));
                    }
                    if (!r.getSpanId().isEmpty()) {
                        e.put("span.id", HexFormat.of().formatHex(r.getSpanId().toByteArray()));
                    }
                    if (!sl.getScope().getName().isEmpty()) {
                        e.put("log.logger", sl.getScope().getName());
                    }
                    resource.forEach(e::putIfAbsent);
                    for (KeyValue kv : r.getAttributesList()) {
                        place(e, kv.getKey(), value(kv.getValue()));
                    }
                    add(logs, e, n, what, events, rejections);
                }
            }
        }
        return new Batch(events, rejections, Map.of());
    }

    /**
     * @param request an export request
     * @param idPrefix what the ids of spans without valid ids start with (derived from the body)
     * @return the request events of its HTTP server spans, rejections, and the other spans counted by reason
     */
    public Batch traces(ExportTraceServiceRequest request, String idPrefix) {
        List<Handoff.Numbered> events = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        Map<String, Integer> ignored = new LinkedHashMap<>();
        int n = 0;
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = new LinkedHashMap<>();
            for (KeyValue kv : rs.getResource().getAttributesList()) {
                place(resource, kv.getKey(), value(kv.getValue()));
            }
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    n++;
                    String what = "span " + n + " (" + s.getName() + ")";
                    if (s.getKind() != Span.SpanKind.SPAN_KIND_SERVER) {
                        ignored.merge("not_server", 1, Integer::sum);
                        continue;
                    }
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    for (KeyValue kv : s.getAttributesList()) {
                        place(attributes, kv.getKey(), value(kv.getValue()));
                    }
                    Object method = attributes.get("http.request.method");
                    if (method == null) {
                        ignored.merge("not_http", 1, Integer::sum);
                        continue;
                    }
                    String problem = ids(s.getTraceId().size(), s.getSpanId().size());
                    if (problem == null) {
                        problem = requestProblem(s, attributes);
                    }
                    if (problem != null) {
                        rejections.add(what + ": " + problem);
                        continue;
                    }
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("@timestamp", instant(s.getStartTimeUnixNano()).toString());
                    String trace = HexFormat.of().formatHex(s.getTraceId().toByteArray());
                    String span = HexFormat.of().formatHex(s.getSpanId().toByteArray());
                    e.put("event.id", s.getTraceId().isEmpty() || s.getSpanId().isEmpty() ? idPrefix + n : "otlp-" + trace + "-" + span);
                    e.put("http.request.method", method.toString().toUpperCase(Locale.ROOT));
                    e.put("url.path", path(attributes));
                    e.put("http.response.status_code", attributes.get("http.response.status_code"));
                    e.put("duration_ms", (s.getEndTimeUnixNano() - s.getStartTimeUnixNano()) / 1e6);
                    if (!trace.isEmpty()) {
                        e.put("trace.id", trace);
                    }
                    if (!span.isEmpty()) {
                        e.put("span.id", span);
                    }
                    resource.forEach(e::putIfAbsent);
                    attributes.forEach(e::putIfAbsent);
                    add(requests, e, n, what, events, rejections);
                }
            }
        }
        return new Batch(events, rejections, ignored);
    }

    private void add(JsonLineParser parser, Map<String, Object> fields, int n, String what, List<Handoff.Numbered> events,
                     List<String> rejections) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings, numbers, booleans and lists is always JSON", e);
        }
        JsonLineParser.Attempt a = parser.attempt(json, 0, json.length, LineOrigin.of(fields.get("event.id").toString()));
        if (a.error() != null) {
            throw new IllegalStateException("the agent wrote an event it cannot read back: " + a.error());
        }
        ParsedEvent event = a.event();
        if (!destinations.fits(event)) {
            rejections.add(what + ": " + destinations.tooLarge(event));
            return;
        }
        events.add(new Handoff.Numbered(event, n));
    }

    /** @return why the ids are not OTLP ids, or null */
    private static String ids(int traceBytes, int spanBytes) {
        if (traceBytes != 0 && traceBytes != 16) {
            return "trace_id has " + traceBytes + " bytes; an OTLP trace id has 16 (32 hex digits in JSON)";
        }
        if (spanBytes != 0 && spanBytes != 8) {
            return "span_id has " + spanBytes + " bytes; an OTLP span id has 8 (16 hex digits in JSON)";
        }
        return null;
    }

    private static String requestProblem(Span s, Map<String, Object> attributes) {
        if (!(attributes.get("http.response.status_code") instanceof Long status) || status < 100 || status > 599) {
            return "a server span with an HTTP method needs http.response.status_code (or http.status_code) from 100 to 599 to"
                    + " become a request event, got " + attributes.get("http.response.status_code");
        }
        if (path(attributes) == null) {
            return "a server span with an HTTP method needs url.path, http.target, url.full or http.route to become a request event";
        }
        if (s.getStartTimeUnixNano() == 0 || s.getEndTimeUnixNano() < s.getStartTimeUnixNano()) {
            return "start_time_unix_nano must be set and end_time_unix_nano not before it (got " + s.getStartTimeUnixNano() + " and "
                    + s.getEndTimeUnixNano() + ")";
        }
        return null;
    }

    /** @return the request's path: url.path, else the target's or the full URL's path, else the route; or null */
    private static String path(Map<String, Object> attributes) {
        if (attributes.get("url.path") instanceof String p && !p.isEmpty()) {
            return p;
        }
        if (attributes.get("url.original") instanceof String target && target.startsWith("/")) {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
        if (attributes.get("url.full") instanceof String full) {
            try {
                String p = URI.create(full).getRawPath();
                if (p != null && !p.isEmpty()) {
                    return p;
                }
            } catch (IllegalArgumentException e) {
                // not a URI: try the route
            }
        }
        return attributes.get("labels.http_route") instanceof String route && !route.isEmpty() ? route : null;
    }

    /**
     * Puts one attribute where Weir reads it: its ECS name (after {@link #RENAMES}) when ECS defines it with a matching
     * type, else a label {@code labels.<name with _ for .>} as text. The first value for a key wins.
     */
    static void place(Map<String, Object> out, String name, Object value) {
        if (value == null) {
            return;
        }
        String target = RENAMES.getOrDefault(name, name);
        EcsFields.Field field = EcsFields.get(target);
        boolean fits = field == null ? WEIR_KEYS.contains(target) && value instanceof String : switch (field.kind()) {
            case LONG -> value instanceof Long;
            case DOUBLE -> value instanceof Long || value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
            case STRING, IP, DATE -> value instanceof String || value instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
        };
        if (fits) {
            out.putIfAbsent(target, value);
        } else {
            out.putIfAbsent("labels." + name.replace('.', '_'), text(value));
        }
    }

    /** @return the value as Java: String, Long, Double, Boolean, List or Map; bytes as base64; null when unset */
    static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpMapping::value).toList();
            case KVLIST_VALUE -> {
                Map<String, Object> m = new LinkedHashMap<>();
                v.getKvlistValue().getValuesList().forEach(kv -> m.put(kv.getKey(), value(kv.getValue())));
                yield m;
            }
            case VALUE_NOT_SET -> null;
        };
    }

    /** @return a value as text: strings as they are, anything else as JSON; empty for null */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a value of strings, numbers, booleans, lists and maps is always JSON", e);
        }
    }

    /**
     * @return the level of the severity number's range (OTLP: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR,
     *         21-24 FATAL), else the severity text, else null
     */
    static String level(String severityText, int severityNumber) {
        if (severityNumber > 0) {
            String[] levels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
            return levels[Math.min(5, (severityNumber - 1) / 4)];
        }
        return severityText == null || severityText.isBlank() ? null : severityText.trim();
    }

    private static Instant instant(long unixNanos) {
        return Instant.ofEpochSecond(Long.divideUnsigned(unixNanos, 1_000_000_000L), Long.remainderUnsigned(unixNanos, 1_000_000_000L));
    }
}
