package dev.weir.sink.document;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns Weir's Avro events into ECS documents. Fields are written with dotted names
 * ({@code "log.level": "error"}), as ECS logging libraries do; {@code labels} and alert
 * annotations are objects (mapped {@code flattened}). The field list is in the module README.
 * Thread-safe.
 */
public final class EcsDocuments {
    private static final JsonFactory JSON = new JsonFactory();
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final DataStreams streams;

    /** @param streams decides each document's data stream */
    public EcsDocuments(DataStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /**
     * @param e a log event
     * @return its document in {@code logs-<service>[.security]-<env>}, {@code _id} = event id
     */
    public IndexDoc log(LogEvent e) {
        EventInfo ev = e.getEvent();
        String dataset = streams.logDataset(e.getService(), ev == null ? null : ev.getCategory(), e.getTags());
        String namespace = streams.namespace(e.getEnvironment());
        String target = DataStreams.logs(dataset, namespace);
        return new IndexDoc(target, e.getId(), write(g -> {
            g.writeStringField("@timestamp", e.getTimestamp().toString());
            g.writeStringField("message", e.getMessage());
            g.writeStringField("log.level", e.getLevel().name().toLowerCase(Locale.ROOT));
            str(g, "log.logger", e.getLogger());
            dataStream(g, "logs", dataset, namespace);
            g.writeStringField("ecs.version", "8.11.0");
            g.writeStringField("event.id", e.getId());
            g.writeStringField("event.kind", "event");
            g.writeStringField("event.dataset", dataset);
            g.writeStringField("event.ingested", e.getReceivedAt().toString());
            g.writeStringField("service.name", e.getService());
            str(g, "service.environment", e.getEnvironment());
            str(g, "host.name", e.getHost());
            str(g, "process.thread.name", e.getThread());
            str(g, "trace.id", e.getTraceId());
            str(g, "span.id", e.getSpanId());
            ErrorInfo err = e.getError();
            if (err != null) {
                str(g, "error.type", err.getType());
                str(g, "error.message", err.getMessage());
                str(g, "error.stack_trace", err.getStackTrace());
                str(g, "weir.error_fingerprint", err.getFingerprint());
            }
            HttpInfo http = e.getHttp();
            Long durationNs = ev == null ? null : ev.getDurationNs();
            if (durationNs == null && http != null && http.getDurationMs() != null) {
                durationNs = Math.round(http.getDurationMs() * NANOS_PER_MILLI);
            }
            if (ev != null) {
                str(g, "event.category", ev.getCategory());
                str(g, "event.action", ev.getAction());
                str(g, "event.outcome", ev.getOutcome());
            }
            num(g, "event.duration", durationNs);
            str(g, "user.name", e.getUserName());
            str(g, "source.ip", e.getSourceIp());
            num(g, "source.port", e.getSourcePort() == null ? null : e.getSourcePort().longValue());
            if (http != null) {
                str(g, "http.request.method", http.getMethod());
                num(g, "http.response.status_code", http.getStatus() == null ? null : http.getStatus().longValue());
                num(g, "http.response.body.bytes", http.getBytes());
                str(g, "url.path", http.getPath());
                str(g, "weir.route", http.getRoute());
            }
            SourceInfo src = e.getSource();
            if (src != null) {
                g.writeStringField("weir.format", src.getFormat());
                str(g, "weir.input", src.getInput());
                str(g, "log.file.path", src.getFile());
                num(g, "log.offset", src.getOffset());
            }
            if (e.getRedactions() > 0) {
                g.writeNumberField("weir.redactions", e.getRedactions());
            }
            tags(g, e.getTags());
            labels(g, "labels", e.getLabels());
        }));
    }

    /**
     * @param e a request event
     * @return its document in {@code logs-<service>.access-<env>}, {@code _id} = event id
     */
    public IndexDoc request(RequestEvent e) {
        String dataset = streams.accessDataset(e.getService());
        String namespace = streams.namespace(e.getEnvironment());
        String target = DataStreams.logs(dataset, namespace);
        return new IndexDoc(target, e.getId(), write(g -> {
            g.writeStringField("@timestamp", e.getTimestamp().toString());
            g.writeStringField("message", e.getMethod() + " " + e.getPath() + " " + e.getStatus());
            dataStream(g, "logs", dataset, namespace);
            g.writeStringField("ecs.version", "8.11.0");
            g.writeStringField("event.id", e.getId());
            g.writeStringField("event.kind", "event");
            g.writeStringField("event.category", "web");
            g.writeStringField("event.dataset", dataset);
            g.writeStringField("event.outcome", e.getStatus() >= 400 ? "failure" : "success");
            g.writeStringField("event.ingested", e.getReceivedAt().toString());
            if (e.getDurationMs() != null) {
                g.writeNumberField("event.duration", Math.round(e.getDurationMs() * NANOS_PER_MILLI));
            }
            g.writeStringField("service.name", e.getService());
            str(g, "service.environment", e.getEnvironment());
            str(g, "host.name", e.getHost());
            g.writeStringField("http.request.method", e.getMethod());
            g.writeNumberField("http.response.status_code", e.getStatus());
            num(g, "http.response.body.bytes", e.getBytes());
            g.writeStringField("url.path", e.getPath());
            g.writeStringField("weir.route", e.getRoute());
            str(g, "client.ip", e.getClientIp());
            str(g, "source.ip", e.getClientIp());
            str(g, "user_agent.original", e.getUserAgent());
            str(g, "user.name", e.getUserName());
            str(g, "trace.id", e.getTraceId());
            g.writeBooleanField("weir.login_attempt", e.getLoginAttempt());
            labels(g, "labels", e.getLabels());
        }));
    }

    /**
     * @param a an alert state change
     * @return its document in {@value DataStreams#ALERTS}; {@code _id} = fingerprint, status, starts_at
     *         and updated_at, so every state change of the alert is kept as history
     */
    public IndexDoc alert(AlertEvent a) {
        String id = alertId(a);
        String status = a.getStatus().name().toLowerCase(Locale.ROOT);
        return new IndexDoc(DataStreams.ALERTS, id, write(g -> {
            g.writeStringField("@timestamp", a.getUpdatedAt().toString());
            String summary = a.getAnnotations().get("summary");
            g.writeStringField("message", summary != null ? summary : a.getRule() + " " + status);
            g.writeStringField("event.id", id);
            g.writeStringField("event.kind", "alert");
            g.writeStringField("event.action", status);
            g.writeStringField("rule.name", a.getRule());
            str(g, "service.name", a.getLabels().get("service"));
            g.writeStringField("weir.alert.fingerprint", a.getFingerprint());
            g.writeStringField("weir.alert.status", status);
            g.writeStringField("weir.alert.severity", a.getSeverity());
            g.writeNumberField("weir.alert.value", finite(a.getValue()));
            g.writeNumberField("weir.alert.threshold", finite(a.getThreshold()));
            g.writeStringField("weir.alert.starts_at", a.getStartsAt().toString());
            Instant ends = a.getEndsAt();
            str(g, "weir.alert.ends_at", ends == null ? null : ends.toString());
            str(g, "weir.alert.kibana_url", a.getKibanaUrl());
            g.writeStringField("weir.alert.generator", a.getGenerator());
            array(g, "weir.alert.exemplar_event_ids", a.getExemplarEventIds());
            array(g, "weir.alert.exemplar_trace_ids", a.getExemplarTraceIds());
            labels(g, "weir.alert.annotations", a.getAnnotations());
            labels(g, "labels", a.getLabels());
        }));
    }

    /** @return {@code <fingerprint>-<status>-<starts_at ms>-<updated_at ms>} */
    public static String alertId(AlertEvent a) {
        return a.getFingerprint() + "-" + a.getStatus().name().toLowerCase(Locale.ROOT) + "-"
                + a.getStartsAt().toEpochMilli() + "-" + a.getUpdatedAt().toEpochMilli();
    }

    // JSON numbers cannot be NaN or infinite; an alert on a NaN ratio still gets indexed.
    private static double finite(double d) {
        return Double.isFinite(d) ? d : 0.0;
    }

    /** Writes the body of one JSON object. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    static void dataStream(JsonGenerator g, String type, String dataset, String namespace) throws IOException {
        g.writeStringField("data_stream.type", type);
        g.writeStringField("data_stream.dataset", dataset);
        g.writeStringField("data_stream.namespace", namespace);
    }

    static void str(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    static void num(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    private static void tags(JsonGenerator g, List<String> tags) throws IOException {
        if (!tags.isEmpty()) {
            array(g, "tags", tags);
        }
    }

    static void array(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    static void labels(JsonGenerator g, String name, Map<String, String> labels) throws IOException {
        if (labels.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> l : labels.entrySet()) {
            g.writeStringField(l.getKey(), l.getValue());
        }
        g.writeEndObject();
    }
}
