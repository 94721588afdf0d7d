package dev.weir.sink.document;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns Weir's Avro events into ECS documents. Fields are written with dotted names
 * ({@code "log.level": "error"}), as ECS logging libraries do; {@code labels} and alert
 * annotations are objects (mapped {@code flattened}). The field list is in the module README.
 * Thread-safe.
 */
public final class EcsDocuments {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Map<String, SerializedString> NAMES = new ConcurrentHashMap<>();
    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);
    /** Nanoseconds per millisecond, for durations given in milliseconds. */
    static final long NANOS_PER_MILLI = 1_000_000L;
    /** Longest text {@link #iso} writes. */
    static final int ISO_MAX = 30;

    private final DataStreams streams;

    /** @param streams decides each document's data stream */
    public EcsDocuments(DataStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** @return the data stream rules these documents follow */
    DataStreams streams() {
        return streams;
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
            Map<String, Object> ecs = e.getEcs();
            time(g, "@timestamp", e.getTimestamp());
            field(g, "message", e.getMessage());
            if (e.getLevel() != LogLevel.UNKNOWN) {
                field(g, "log.level", e.getLevel().name().toLowerCase(Locale.ROOT));
            }
            str(g, "log.logger", e.getLogger());
            dataStream(g, "logs", dataset, namespace);
            field(g, "ecs.version", "8.11.0");
            field(g, "event.id", e.getId());
            field(g, "event.kind", own(ecs, "event.kind", "event"));
            field(g, "event.dataset", own(ecs, "event.dataset", dataset));
            time(g, "event.ingested", e.getReceivedAt());
            field(g, "service.name", e.getService());
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
                field(g, "weir.format", src.getFormat());
                str(g, "weir.input", src.getInput());
                str(g, "log.file.path", src.getFile());
                num(g, "log.offset", src.getOffset());
            }
            if (e.getRedactions() > 0) {
                number(g, "weir.redactions", e.getRedactions());
            }
            if (e.getCount() != 1) {
                number(g, "weir.count", e.getCount());
            }
            ecs(g, ecs, LOG_FIELDS);
            tags(g, e.getTags());
            labels(g, "labels", e.getLabels());
        }), e.getTimestamp().toEpochMilli());
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
            Map<String, Object> ecs = e.getEcs();
            time(g, "@timestamp", e.getTimestamp());
            field(g, "message", e.getMethod() + " " + e.getPath() + " " + e.getStatus());
            dataStream(g, "logs", dataset, namespace);
            field(g, "ecs.version", "8.11.0");
            field(g, "event.id", e.getId());
            field(g, "event.kind", own(ecs, "event.kind", "event"));
            field(g, "event.category", "web");
            field(g, "event.dataset", own(ecs, "event.dataset", dataset));
            field(g, "event.outcome", e.getStatus() >= 400 ? "failure" : "success");
            time(g, "event.ingested", e.getReceivedAt());
            if (e.getDurationMs() != null) {
                number(g, "event.duration", Math.round(e.getDurationMs() * NANOS_PER_MILLI));
            }
            field(g, "service.name", e.getService());
            str(g, "service.environment", e.getEnvironment());
            str(g, "host.name", e.getHost());
            field(g, "http.request.method", e.getMethod());
            number(g, "http.response.status_code", e.getStatus());
            num(g, "http.response.body.bytes", e.getBytes());
            field(g, "url.path", e.getPath());
            field(g, "weir.route", e.getRoute());
            str(g, "client.ip", e.getClientIp());
            str(g, "source.ip", e.getClientIp());
            str(g, "user_agent.original", e.getUserAgent());
            str(g, "user.name", e.getUserName());
            str(g, "trace.id", e.getTraceId());
            bool(g, "weir.login_attempt", e.getLoginAttempt());
            ecs(g, ecs, REQUEST_FIELDS);
            labels(g, "labels", e.getLabels());
        }), e.getTimestamp().toEpochMilli());
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
            time(g, "@timestamp", a.getUpdatedAt());
            String summary = a.getAnnotations().get("summary");
            field(g, "message", summary != null ? summary : a.getRule() + " " + status);
            field(g, "event.id", id);
            field(g, "event.kind", "alert");
            field(g, "event.action", status);
            field(g, "rule.name", a.getRule());
            str(g, "service.name", a.getLabels().get("service"));
            field(g, "weir.alert.fingerprint", a.getFingerprint());
            field(g, "weir.alert.status", status);
            field(g, "weir.alert.severity", a.getSeverity());
            number(g, "weir.alert.value", finite(a.getValue()));
            number(g, "weir.alert.threshold", finite(a.getThreshold()));
            time(g, "weir.alert.starts_at", a.getStartsAt());
            Instant ends = a.getEndsAt();
            if (ends != null) {
                time(g, "weir.alert.ends_at", ends);
            }
            str(g, "weir.alert.kibana_url", a.getKibanaUrl());
            field(g, "weir.alert.generator", a.getGenerator());
            array(g, "weir.alert.exemplar_event_ids", a.getExemplarEventIds());
            array(g, "weir.alert.exemplar_trace_ids", a.getExemplarTraceIds());
            labels(g, "weir.alert.annotations", a.getAnnotations());
            labels(g, "labels", a.getLabels());
        }), a.getUpdatedAt().toEpochMilli());
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
        Buffer out = BUFFER.get();
        out.length = 0;
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing JSON to memory failed", e);
        }
        return Arrays.copyOf(out.bytes, out.length);
    }

    /**
     * A field with a name from this code: its quoted UTF-8 form is encoded once and kept. Never
     * for names taken from data (label keys), which would grow the cache without bound.
     */
    static void field(JsonGenerator g, String name, String value) throws IOException {
        g.writeFieldName(NAMES.computeIfAbsent(name, SerializedString::new));
        g.writeString(value);
    }

    static void number(JsonGenerator g, String name, long value) throws IOException {
        g.writeFieldName(NAMES.computeIfAbsent(name, SerializedString::new));
        g.writeNumber(value);
    }

    static void number(JsonGenerator g, String name, double value) throws IOException {
        number(g, name, Double.toString(value));
    }

    static void bool(JsonGenerator g, String name, boolean value) throws IOException {
        number(g, name, value ? "true" : "false");
    }

    /** A field whose value is {@code literal} as it stands: a number or a boolean. */
    private static void number(JsonGenerator g, String name, String literal) throws IOException {
        g.writeFieldName(NAMES.computeIfAbsent(name, SerializedString::new));
        g.writeRawValue(literal);
    }

    /** An instant as {@link Instant#toString()} writes it, without its formatter's cost. */
    static void time(JsonGenerator g, String name, Instant t) throws IOException {
        g.writeFieldName(NAMES.computeIfAbsent(name, SerializedString::new));
        byte[] b = new byte[ISO_MAX];
        int n = iso(t.getEpochSecond(), t.getNano(), b, 0);
        if (n < 0) {
            g.writeString(t.toString());
        } else {
            g.writeRawUTF8String(b, 0, n); // ASCII digits and separators: nothing to escape
        }
    }

    /**
     * Writes an instant as {@code yyyy-MM-ddTHH:mm:ss[.SSS[SSS[SSS]]]Z} in ASCII, exactly like
     * {@link Instant#toString()} (fraction in groups of three digits, as many as needed).
     *
     * @param secs seconds since the epoch
     * @param nano nanoseconds within the second, 0..999 999 999
     * @param c    receives the text; at least {@value #ISO_MAX} bytes from {@code at}
     * @param at   where to start writing
     * @return bytes written, or -1 for a year outside 0..9999 (left to {@link Instant#toString()})
     */
    static int iso(long secs, int nano, byte[] c, int at) {
        long days = Math.floorDiv(secs, 86_400L);
        int sod = (int) Math.floorMod(secs, 86_400L);
        // civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible low-level date algorithms")
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return -1;
        }
        digits(c, at, (int) year, 4);
        c[at + 4] = '-';
        digits(c, at + 5, month, 2);
        c[at + 7] = '-';
        digits(c, at + 8, day, 2);
        c[at + 10] = 'T';
        digits(c, at + 11, sod / 3600, 2);
        c[at + 13] = ':';
        digits(c, at + 14, sod / 60 % 60, 2);
        c[at + 16] = ':';
        digits(c, at + 17, sod % 60, 2);
        int n = at + 19;
        if (nano != 0) {
            c[n++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(c, n, nano / 1_000_000, 3);
                n += 3;
            } else if (nano % 1000 == 0) {
                digits(c, n, nano / 1000, 6);
                n += 6;
            } else {
                digits(c, n, nano, 9);
                n += 9;
            }
        }
        c[n++] = 'Z';
        return n - at;
    }

    private static void digits(byte[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** A reusable, unsynchronised output for one thread's documents. */
    private static final class Buffer extends OutputStream {
        byte[] bytes = new byte[2048];
        int length;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }

    static void dataStream(JsonGenerator g, String type, String dataset, String namespace) throws IOException {
        field(g, "data_stream.type", type);
        field(g, "data_stream.dataset", dataset);
        field(g, "data_stream.namespace", namespace);
    }

    static void str(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            field(g, name, value);
        }
    }

    static void num(JsonGenerator g, String name, Long value) throws IOException {
        if (value != null) {
            number(g, name, value.longValue());
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

    /**
     * Fields of a log document that come from the event's own Avro fields or are the sink's: an {@code ecs} map entry
     * of one of these names (written by something else than the processor, which never does) is left out, so that no
     * document has a field twice. {@code event.kind} and {@code event.dataset} are taken from the map when it has them.
     */
    static final Set<String> LOG_FIELDS = Set.of("@timestamp", "message", "tags", "labels", "log.level", "log.logger",
            "data_stream.type", "data_stream.dataset", "data_stream.namespace", "ecs.version", "event.id", "event.kind",
            "event.dataset", "event.ingested", "service.name", "service.environment", "host.name", "process.thread.name",
            "trace.id", "span.id", "error.type", "error.message", "error.stack_trace", "event.category", "event.action",
            "event.outcome", "event.duration", "user.name", "source.ip", "source.port", "http.request.method",
            "http.response.status_code", "http.response.body.bytes", "url.path", "log.file.path", "log.offset");
    /** The same for request documents. */
    static final Set<String> REQUEST_FIELDS = Set.of("@timestamp", "message", "labels", "data_stream.type", "data_stream.dataset",
            "data_stream.namespace", "ecs.version", "event.id", "event.kind", "event.category", "event.dataset", "event.outcome",
            "event.ingested", "event.duration", "service.name", "service.environment", "host.name", "http.request.method",
            "http.response.status_code", "http.response.body.bytes", "url.path", "client.ip", "source.ip",
            "user_agent.original", "user.name", "trace.id");

    /** @return the map's text under {@code key}, or {@code otherwise} */
    private static String own(Map<String, Object> ecs, String key, String otherwise) {
        return ecs.get(key) instanceof CharSequence s ? s.toString() : otherwise;
    }

    /**
     * Writes the event's ECS fields at their dotted names, sorted by name, as their types say: text, numbers,
     * booleans, arrays of text. Names the document writes from elsewhere ({@code taken}) and Weir's own
     * ({@code weir.*}) are left out, as is a number that is not finite (JSON has none).
     */
    static void ecs(JsonGenerator g, Map<String, Object> ecs, Set<String> taken) throws IOException {
        if (ecs.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Object> f : new TreeMap<>(ecs).entrySet()) {
            String name = f.getKey();
            Object v = f.getValue();
            if (taken.contains(name) || name.startsWith("weir.") || name.startsWith("labels.")
                    || v instanceof Double d && !Double.isFinite(d)) {
                continue;
            }
            g.writeFieldName(name); // names from data: not cached
            if (v instanceof CharSequence s) {
                g.writeString(s.toString());
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Double d) {
                g.writeRawValue(Double.toString(d));
            } else if (v instanceof Boolean b) {
                g.writeRawValue(b ? "true" : "false");
            } else if (v instanceof List<?> items) {
                g.writeStartArray();
                for (Object item : items) {
                    g.writeString(String.valueOf(item));
                }
                g.writeEndArray();
            } else {
                g.writeString(String.valueOf(v));
            }
        }
    }

    static void labels(JsonGenerator g, String name, Map<String, String> labels) throws IOException {
        if (labels.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> l : labels.entrySet()) {
            g.writeStringField(l.getKey(), l.getValue()); // user keys: not cached
        }
        g.writeEndObject();
    }
}
