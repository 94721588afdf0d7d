package dev.weir.processor.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.common.ecs.EcsFields;
import dev.weir.common.redact.Redactor;
import dev.weir.processor.fingerprint.ErrorFingerprinter;
import dev.weir.processor.route.RouteCardinality;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.route.RouteTemplater;
import dev.weir.processor.validate.Limits;
import dev.weir.processor.validate.RawEvent;
import dev.weir.processor.validate.RawEventParser;
import dev.weir.processor.validate.Rejection;
import dev.weir.processor.validate.Timestamps;
import dev.weir.schemas.DeadLetterReason;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one raw JSON record into a {@link LogEvent} or {@link RequestEvent}, or says why it
 * cannot (a {@link Rejection}). The field mapping is the JSON input contract of
 * {@code schemas/README.md}; this class is its implementation.
 *
 * <p>Order of work: structural limits and parse ({@link RawEventParser}), timestamp, shape
 * detection, typed fields, then redaction of free text (before it is cut to the string limit, so
 * a secret is never half-kept), route templating and cap, and the error fingerprint over the
 * redacted text.
 *
 * <p>Not thread-safe: one per stream task (it holds the task's {@link RouteCardinality}).
 */
public final class EventNormalizer {
    /** Tag added to an event whose message, error message or stack trace was cut. */
    public static final String TRUNCATED_TAG = "truncated";

    private static final Set<String> REQUEST_FORMATS = Set.of("request", "nginx", "apache", "gunicorn", "uvicorn");
    private static final Set<String> LOG_FORMATS = Set.of("logstash", "ecs", "sshd", "raw", "python", "structlog", "pino", "winston",
            "zap", "logrus", "serilog");
    private static final Pattern METHOD = Pattern.compile("[A-Za-z]{1,16}");
    private static final String[] SERVICE_KEYS = {"service.name", "service", "app"};
    private static final String[] ENVIRONMENT_KEYS = {"service.environment", "environment", "env"};
    private static final String[] HOST_KEYS = {"host.name", "host", "HOSTNAME"};
    private static final String[] TRACE_KEYS = {"trace.id", "trace_id", "traceId"};
    /** ECS fields the sink sets from the document's data stream and Weir's own ECS version: input values are ignored. */
    private static final String[] SET_BY_WEIR = {"ecs.version", "data_stream.type", "data_stream.dataset",
        "data_stream.namespace", "event.ingested"};
    /**
     * Keys of a log event whose object would otherwise vanish into labels: the message would be empty. An object there
     * is {@code wrong_type}, as an array of several values is.
     */
    private static final String[] LOG_LEAVES = {"message", "msg"};
    /** The largest {@code weir.count} taken: more repetitions than a syslog daemon reports of one line. */
    static final long MAX_COUNT = 1_000_000;
    /** The longest duration Elasticsearch's {@code event.duration} (a long of nanoseconds) holds, in milliseconds: 292 years. */
    static final double MAX_DURATION_MS = Long.MAX_VALUE / 1_000_000.0;
    /**
     * The most UTF-8 bytes of a label's name and value together (plus one separator): Elasticsearch indexes each label
     * of its {@code flattened} field as one term {@code name\0value}, and Lucene refuses a term over 32 766 bytes.
     */
    static final int MAX_LABEL_BYTES = 32_766;

    private final Limits limits;
    private final RawEventParser parser;
    private final Timestamps timestamps;
    private final Redactor redactor;
    private final RouteTemplater templater = new RouteTemplater();
    private final RouteCardinality routes;
    private final RouteSettings routeSettings;
    private final ErrorFingerprinter fingerprinter;
    private final Clock clock;
    private final ServiceOwners owners;
    private final String rawRequests;

    /**
     * @param settings   normalise settings
     * @param redactor   the shared redactor
     * @param routes     the task's route cap
     * @param clock      processing time, for the timestamp window
     * @param owners     which task owns which service, for {@link Outcome#owned()}
     * @param rawRequests the raw requests topic: an event without a shape of its own read there is a request
     */
    public EventNormalizer(NormalizeSettings settings, Redactor redactor, RouteCardinality routes, Clock clock,
                           ServiceOwners owners, String rawRequests) {
        this.limits = settings.limits();
        this.parser = new RawEventParser(settings.limits());
        this.timestamps = new Timestamps(settings.limits());
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.routeSettings = settings.routes();
        this.fingerprinter = new ErrorFingerprinter(settings.fingerprint());
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.rawRequests = Objects.requireNonNull(rawRequests, "rawRequests");
    }

    /** Where a raw record came from. */
    public record Source(String topic, int partition, long offset, long timestampMillis) {
    }

    /**
     * @param key    raw key bytes (the service set by the agent), may be {@code null}
     * @param value  raw value bytes
     * @param source where the record was read
     * @return the log or request event
     * @throws Rejection when the record must go to the dead-letter topic
     */
    public Outcome normalize(byte[] key, byte[] value, Source source) {
        RawEvent e = parser.parse(value);
        LoggerShape shape = LoggerShape.of(e);
        shape.apply(e);
        Instant timestamp = timestamps.read(e, clock.instant(), shape.time());
        String id = e.text("event.id");
        if (id == null || id.isBlank()) {
            id = EventIds.of(source.topic(), source.partition(), source.offset());
        }
        String format = lower(e.text("weir.format"));
        String service = service(e, key);
        if (isRequest(e, format, source.topic())) {
            RequestEvent r = request(e, id, timestamp, source, service);
            return new Outcome.Request(r, owners.owns(r.getService(), source.partition()));
        }
        LogEvent l = log(e, id, timestamp, source, service, format, shape);
        return new Outcome.Log(l, owners.owns(l.getService(), source.partition()));
    }

    private boolean isRequest(RawEvent e, String format, String topic) {
        if (format != null && REQUEST_FORMATS.contains(format)) {
            return true;
        }
        if (format != null && LOG_FORMATS.contains(format) || e.has("message", "msg")) {
            return false;
        }
        if (e.has("method", "path", "status", "http.request.method", "http.response.status_code")) {
            return true;
        }
        return rawRequests.equals(topic);
    }

    private String service(RawEvent e, byte[] key) {
        e.noObjectAt("service.name", "app"); // "service" itself is an ECS object
        String s = trimToNull(e.text(SERVICE_KEYS));
        if (s == null && key != null) {
            s = trimToNull(utf8OrNull(key));
        }
        if (s == null) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "service.name",
                    "The event names no service (service.name, service or app) and the record has no key.");
        }
        return s;
    }

    private LogEvent log(RawEvent e, String id, Instant timestamp, Source source, String service, String format, LoggerShape shape) {
        e.noObjectAt(LOG_LEAVES);
        Redactor.Tally tally = new Redactor.Tally();
        List<String> tags = new ArrayList<>();
        LogEvent.Builder b = LogEvent.newBuilder()
                .setId(id)
                .setTimestamp(timestamp)
                .setReceivedAt(Instant.ofEpochMilli(source.timestampMillis()))
                .setService(service)
                .setEnvironment(e.text(ENVIRONMENT_KEYS))
                .setHost(e.text(HOST_KEYS));
        JsonNode levelNode = e.peek("log.level");
        LogLevel shaped = shape == LoggerShape.STANDARD ? null : shape.level(levelNode != null ? levelNode : e.peek("level"));
        String levelText = e.text("log.level", "level");
        Long levelValue = e.wholeNumber(Long.MIN_VALUE, Long.MAX_VALUE, "level_value");
        LogLevel level = shaped != null ? shaped
                : levelText == null && levelValue == null ? syslogLevel(e) : level(levelText, levelValue);
        b.setLevel(level);
        String message = e.text("message", "msg");
        b.setMessage(cut(redactor.redact(message == null ? "" : message, tally), tags));
        b.setLogger(e.text("log.logger", "logger_name", "logger"));
        b.setThread(e.text("process.thread.name", "thread_name", "thread"));
        b.setTraceId(e.text(TRACE_KEYS));
        b.setSpanId(e.text("span.id", "span_id", "spanId"));

        String errorType = e.text("error.type");
        String errorMessage = cut(redactor.redact(e.text("error.message"), tally), tags);
        String stack = cut(redactor.redact(e.text("error.stack_trace", "stack_trace"), tally), tags);
        if (errorType == null && stack != null) {
            errorType = ErrorFingerprinter.exceptionType(stack);
        }
        if (errorMessage == null && stack != null) {
            errorMessage = cut(ErrorFingerprinter.exceptionMessage(stack), tags); // from the redacted trace
        }
        if (errorType != null || errorMessage != null || stack != null) {
            b.setError(new ErrorInfo(errorType, errorMessage, stack, fingerprinter.fingerprint(errorType, errorMessage, stack)));
        } else if (level == LogLevel.ERROR || level == LogLevel.FATAL) {
            // an error log without error fields still groups by its message, for the new-error rule
            b.setError(new ErrorInfo(null, null, null, fingerprinter.fingerprint(null, b.getMessage(), null)));
        }

        String category = lower(e.firstText("event.category"));
        String action = e.text("event.action");
        String outcome = lower(e.text("event.outcome"));
        Long durationNs = e.wholeNumber(0, Long.MAX_VALUE, "event.duration");
        if (category != null || action != null || outcome != null || durationNs != null) {
            b.setEvent(new EventInfo(category, action, outcome, durationNs));
        }
        b.setUserName(e.text("user.name", "user_name"));
        b.setSourceIp(e.ip("source.ip", "client.ip", "client_ip"));
        Long port = e.wholeNumber(0, 65_535, "source.port");
        b.setSourcePort(port == null ? null : port.intValue());

        String method = upper(e.text("http.request.method"));
        String path = e.text("url.path");
        if (path == null) {
            path = textOf(e.peek("url.original"));
        }
        Long status = e.wholeNumber(100, 599, "http.response.status_code");
        Double durationMs = durationMs(e);
        Long bytes = e.wholeNumber(0, Long.MAX_VALUE, "http.response.body.bytes");
        if (method != null || path != null || status != null || durationMs != null || bytes != null) {
            String cleanPath = path == null ? null : redactor.redact(RouteTemplater.stripQuery(path), tally);
            String route = cleanPath == null ? null : routes.admit(service, templater.template(cleanPath), timestamp.toEpochMilli());
            if (durationMs == null && durationNs != null) {
                durationMs = durationNs / 1_000_000.0;
            }
            b.setHttp(new HttpInfo(method, route, cleanPath, status == null ? null : status.intValue(), durationMs, bytes));
        }

        SourceInfo.Builder src = SourceInfo.newBuilder()
                .setFormat(format != null && (LOG_FORMATS.contains(format) || REQUEST_FORMATS.contains(format)) ? format
                        : shape.format() != null ? shape.format() : detectFormat(e))
                .setFile(e.text("log.file.path"))
                .setOffset(e.wholeNumber(0, Long.MAX_VALUE, "log.offset"))
                .setInput(e.text("weir.input"));
        b.setSource(src.build());

        Long count = e.wholeNumber(1, MAX_COUNT, "weir.count");
        b.setCount(count == null ? 1 : count);

        tags.addAll(0, tags(e, tally));
        e.ignore("@version");
        e.ignore(SET_BY_WEIR);
        Extras extras = extras(e, tally);
        b.setLabels(extras.labels());
        b.setEcs(extras.ecs());
        b.setTags(distinct(tags));
        b.setRedactions(tally.count());
        return b.build();
    }

    private RequestEvent request(RawEvent e, String id, Instant timestamp, Source source, String service) {
        Redactor.Tally tally = new Redactor.Tally();
        String method = e.text("method", "http.request.method");
        if (method == null) {
            throw missing("method", "a request event needs method (or http.request.method)");
        }
        if (!METHOD.matcher(method).matches()) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, "method", "method must be an HTTP method such as GET, not \""
                    + (method.length() > 40 ? method.substring(0, 40) + "…" : method) + "\".");
        }
        method = method.toUpperCase(Locale.ROOT);
        // url.original (the target with its query) stays for the ecs map; it gives the path only when there is none
        String rawPath = e.text("path", "url.path");
        if (rawPath == null) {
            rawPath = textOf(e.peek("url.original"));
        }
        if (rawPath == null) {
            throw missing("path", "a request event needs path (or url.path)");
        }
        Long status = e.wholeNumber(100, 599, "status", "http.response.status_code");
        if (status == null) {
            throw missing("status", "a request event needs status (or http.response.status_code)");
        }
        Double durationMs = durationMs(e);
        if (durationMs == null) {
            Long ns = e.wholeNumber(0, Long.MAX_VALUE, "event.duration");
            durationMs = ns == null ? null : ns / 1_000_000.0;
        } else {
            e.ignore("event.duration");
        }
        Long bytes = e.wholeNumber(0, Long.MAX_VALUE, "bytes", "http.response.body.bytes");
        String path = redactor.redact(RouteTemplater.stripQuery(rawPath), tally);
        String templated = templater.template(path);
        String route = routes.admit(service, templated, timestamp.toEpochMilli());
        RequestEvent.Builder b = RequestEvent.newBuilder()
                .setId(id)
                .setTimestamp(timestamp)
                .setReceivedAt(Instant.ofEpochMilli(source.timestampMillis()))
                .setService(service)
                .setEnvironment(e.text(ENVIRONMENT_KEYS))
                .setHost(e.text(HOST_KEYS))
                .setMethod(method)
                .setRoute(route)
                .setPath(path)
                .setStatus(status.intValue())
                .setDurationMs(durationMs)
                .setBytes(bytes)
                .setClientIp(e.ip("client_ip", "client.ip", "source.ip"))
                .setUserAgent(redactor.redact(e.text("user_agent", "user_agent.original"), tally))
                .setUserName(e.text("user_name", "user.name"))
                .setTraceId(e.text(TRACE_KEYS))
                .setLoginAttempt(routeSettings.isLogin(method, templated));
        // provenance has no place in RequestEvent; offsets would make labels unbounded
        e.ignore("@version", "weir.format", "log.file.path", "log.offset", "weir.input", "span.id", "span_id", "spanId");
        e.ignore(SET_BY_WEIR);
        Extras extras = extras(e, tally);
        b.setLabels(extras.labels());
        b.setEcs(extras.ecs());
        return b.build();
    }

    /** @return {@code duration_ms}, finite, not negative and within what Elasticsearch's {@code event.duration} holds */
    private static Double durationMs(RawEvent e) {
        Double ms = e.nonNegativeNumber("duration_ms");
        if (ms != null && ms > MAX_DURATION_MS) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, "duration_ms", "duration_ms must be at most " + (long) MAX_DURATION_MS
                    + " (292 years in milliseconds, the most event.duration holds in nanoseconds), got " + ms + ".");
        }
        return ms;
    }

    private static Rejection missing(String field, String what) {
        return new Rejection(DeadLetterReason.MISSING_FIELD, field, "The event looks like a request but " + what + ".");
    }

    private List<String> tags(RawEvent e, Redactor.Tally tally) {
        RawEvent.Field f = e.first("tags");
        if (f == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (f.node().isArray()) {
            for (JsonNode n : f.node()) {
                if (!n.isNull()) {
                    out.add(redactor.redact(n.isTextual() ? n.textValue() : n.asText(), tally));
                }
            }
        } else {
            out.add(redactor.redact(f.node().asText(), tally));
        }
        return out;
    }

    /**
     * The fields no reader took: those ECS defines, typed, for the {@code ecs} map, the rest as labels.
     *
     * @param labels label name (without {@code labels.}) to text
     * @param ecs    dotted ECS name to its typed value
     */
    private record Extras(Map<String, String> labels, Map<String, Object> ecs) {
    }

    private Extras extras(RawEvent e, Redactor.Tally tally) {
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, Object> ecs = null;
        for (Map.Entry<String, JsonNode> entry : e.unconsumed().entrySet()) {
            String name = entry.getKey();
            EcsFields.Field field = EcsFields.get(name);
            if (field != null) {
                if (ecs == null) {
                    ecs = new LinkedHashMap<>();
                }
                ecs.put(name, EcsValues.of(name, entry.getValue(), field, redactor, tally, limits.maxStringLength()));
                continue;
            }
            String key = name.startsWith("labels.") ? name.substring("labels.".length()) : name;
            JsonNode v = entry.getValue();
            String text;
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(n -> parts.add(n.isTextual() ? n.textValue() : n.asText()));
                text = String.join(",", parts);
            } else {
                text = v.isTextual() ? v.textValue() : v.asText();
            }
            text = redactor.redactLabel(key, text, tally);
            if (text.length() > limits.maxStringLength()) {
                text = text.substring(0, limits.maxStringLength());
            }
            if (key.length() + 1 + text.length() > MAX_LABEL_BYTES / 3) { // only then can the UTF-8 bytes be too many
                int bytes = utf8Length(key) + 1 + utf8Length(text);
                if (bytes > MAX_LABEL_BYTES) {
                    throw new Rejection(DeadLetterReason.STRING_TOO_LONG, entry.getKey(), "The label " + entry.getKey() + " takes "
                            + bytes + " bytes in UTF-8 with its name, more than the " + MAX_LABEL_BYTES
                            + " Elasticsearch indexes in one term; send it shorter, or as message text.");
                }
            }
            labels.putIfAbsent(key, text);
        }
        return new Extras(labels, ecs == null ? Map.of() : ecs);
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private String cut(String text, List<String> tags) {
        if (text == null || text.length() <= limits.maxStringLength()) {
            return text;
        }
        tags.add(TRUNCATED_TAG);
        int end = limits.maxStringLength();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    private static String detectFormat(RawEvent e) {
        if (e.has("ecs.version", "log.level", "service.name", "event.category", "event.outcome", "error.stack_trace",
                "process.thread.name", "log.logger", "trace.id")) {
            return "ecs";
        }
        if (e.has("@version", "logger_name", "thread_name", "level_value", "stack_trace")) {
            return "logstash";
        }
        return "raw";
    }

    /** Log levels by syslog severity code (RFC 5424: 0 emergency … 7 debug). */
    private static final LogLevel[] SYSLOG_LEVELS = {LogLevel.FATAL, LogLevel.FATAL, LogLevel.FATAL, LogLevel.ERROR, LogLevel.WARN,
        LogLevel.INFO, LogLevel.INFO, LogLevel.DEBUG};

    /**
     * @return the level of an event without one of its own from its ECS {@code log.syslog.severity.code} or
     *         {@code .name} (left in place, for the ecs map), else UNKNOWN
     */
    private static LogLevel syslogLevel(RawEvent e) {
        JsonNode code = e.peek("log.syslog.severity.code");
        if (code != null && code.canConvertToInt() && code.intValue() >= 0 && code.intValue() < SYSLOG_LEVELS.length) {
            return SYSLOG_LEVELS[code.intValue()];
        }
        JsonNode name = e.peek("log.syslog.severity.name");
        return name != null && name.isTextual() ? level(name.textValue(), null) : LogLevel.UNKNOWN;
    }

    /**
     * @param text  a level name, may be {@code null}
     * @param value logback's level_value, may be {@code null}
     * @return the normalised level
     */
    static LogLevel level(String text, Long value) {
        if (text != null) {
            return switch (text.trim().toUpperCase(Locale.ROOT)) {
                case "TRACE", "SILLY" -> LogLevel.TRACE;
                case "DEBUG", "VERBOSE" -> LogLevel.DEBUG;
                case "INFO", "INFORMATION", "INFORMATIONAL", "NOTICE", "HTTP" -> LogLevel.INFO;
                case "WARN", "WARNING" -> LogLevel.WARN;
                case "ERROR", "ERR", "DPANIC" -> LogLevel.ERROR;
                case "FATAL", "CRITICAL", "CRIT", "PANIC", "EMERG", "EMERGENCY", "ALERT" -> LogLevel.FATAL;
                default -> LogLevel.UNKNOWN;
            };
        }
        if (value != null) {
            long v = value;
            if (v >= 50_000) {
                return LogLevel.FATAL;
            }
            if (v >= 40_000) {
                return LogLevel.ERROR;
            }
            if (v >= 30_000) {
                return LogLevel.WARN;
            }
            if (v >= 20_000) {
                return LogLevel.INFO;
            }
            if (v >= 10_000) {
                return LogLevel.DEBUG;
            }
            return LogLevel.TRACE;
        }
        return LogLevel.UNKNOWN;
    }

    private static List<String> distinct(List<String> tags) {
        return List.copyOf(new java.util.LinkedHashSet<>(tags));
    }

    /** @return a scalar's text, or null for an absent value, JSON null or an array (which the ecs map judges) */
    private static String textOf(JsonNode n) {
        return n == null || n.isNull() || n.isContainerNode() ? null : n.isTextual() ? n.textValue() : n.asText();
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
