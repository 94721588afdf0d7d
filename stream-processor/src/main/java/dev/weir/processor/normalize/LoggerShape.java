package dev.weir.processor.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.processor.validate.RawEvent;
import dev.weir.processor.validate.Timestamps.TimeKeys;
import dev.weir.schemas.LogLevel;
import java.util.Locale;

/**
 * The JSON of other languages' popular loggers, detected per event by a few keys only they write, and moved to the
 * names Weir reads ({@link #apply}): each logger's time (and its unit), level scale, message, logger name, error type,
 * message and stack trace, and the fields ECS defines (process id, host, caller).
 *
 * <table>
 *   <tr><th>shape</th><th>detected by</th><th>time</th><th>level</th><th>message</th><th>error</th></tr>
 *   <tr><td>{@link #SERILOG} (.NET, Serilog's compact JSON, CLEF)</td><td>{@code @t}</td><td>{@code @t} ISO-8601 (7 decimals)</td>
 *       <td>{@code @l} Verbose…Fatal, absent = Information</td><td>{@code @m}, else {@code @mt} rendered with the properties</td>
 *       <td>{@code @x}</td></tr>
 *   <tr><td>{@link #PINO} (Node)</td><td>{@code level} a number</td><td>{@code time} epoch ms</td><td>10 trace … 60 fatal</td>
 *       <td>{@code msg}</td><td>{@code err.type}, {@code err.message}, {@code err.stack}</td></tr>
 *   <tr><td>{@link #ZAP} (Go)</td><td>{@code ts}</td><td>{@code ts} epoch seconds (or ISO-8601)</td><td>debug … dpanic, panic, fatal</td>
 *       <td>{@code msg}</td><td>{@code error}, {@code stacktrace}</td></tr>
 *   <tr><td>{@link #LOGRUS} (Go)</td><td>{@code time} text and {@code msg}</td><td>{@code time} RFC 3339</td>
 *       <td>trace … warning, error, fatal, panic</td><td>{@code msg}</td><td>{@code error}</td></tr>
 *   <tr><td>{@link #PYTHON} (python-json-logger)</td><td>{@code levelname}, {@code asctime} or {@code exc_info}</td>
 *       <td>{@code timestamp} ISO-8601, {@code created} epoch seconds, or {@code asctime} ({@code 2025-03-14 09:26:53,589}, read as UTC)</td>
 *       <td>{@code levelname} DEBUG … CRITICAL (or {@code levelno} 10 … 50)</td><td>{@code message}</td><td>{@code exc_info}</td></tr>
 *   <tr><td>{@link #STRUCTLOG} (Python)</td><td>{@code event} a string, without {@code message}</td>
 *       <td>{@code timestamp} ISO-8601 or epoch seconds</td><td>{@code level}</td><td>{@code event}</td><td>{@code exception}</td></tr>
 *   <tr><td>{@link #WINSTON} (Node)</td><td>{@code stack} beside {@code message}</td><td>{@code timestamp}</td>
 *       <td>npm's error … silly</td><td>{@code message}</td><td>{@code stack}</td></tr>
 * </table>
 *
 * An event with {@code @timestamp} and a {@code level} or {@code log.level} text is taken as ECS or
 * logstash-logback-encoder JSON ({@link #STANDARD}) without looking further, so the usual event costs three lookups here.
 */
enum LoggerShape {
    /** ECS, logstash-logback-encoder, plain JSON: nothing to move. */
    STANDARD(null, dev.weir.processor.validate.Timestamps.DEFAULT),
    SERILOG("serilog", TimeKeys.of("@t", "ms", "@timestamp", "ms", "timestamp", "ms")),
    PINO("pino", TimeKeys.of("time", "ms", "@timestamp", "ms", "timestamp", "ms")),
    ZAP("zap", TimeKeys.of("ts", "s", "@timestamp", "ms", "timestamp", "ms", "time", "ms")),
    LOGRUS("logrus", TimeKeys.of("time", "ms", "@timestamp", "ms", "timestamp", "ms")),
    PYTHON("python", TimeKeys.of("@timestamp", "ms", "timestamp", "ms", "created", "s", "asctime", "ms")),
    STRUCTLOG("structlog", TimeKeys.of("@timestamp", "ms", "timestamp", "s")),
    WINSTON("winston", TimeKeys.of("@timestamp", "ms", "timestamp", "ms"));

    private final String format;
    private final TimeKeys time;

    LoggerShape(String format, TimeKeys time) {
        this.format = format;
        this.time = time;
    }

    /** @return {@code weir.format} / {@code source.format} of this shape, or null for the standard ones (detected apart) */
    String format() {
        return format;
    }

    /** @return where this shape's time is */
    TimeKeys time() {
        return time;
    }

    /** @return the shape of the event, from the presence of a few keys */
    static LoggerShape of(RawEvent e) {
        JsonNode level = e.peek("level");
        if (level != null && level.isNumber()) {
            return PINO;
        }
        if (e.has("@timestamp") && (level != null || e.has("log.level"))) {
            return STANDARD; // ECS and logstash-logback-encoder, the usual event: two lookups
        }
        if (e.has("@t")) {
            return SERILOG;
        }
        if (e.has("ts")) {
            return ZAP;
        }
        if (e.has("levelname", "asctime", "exc_info", "levelno")) {
            return PYTHON;
        }
        JsonNode event = e.peek("event");
        if (event != null && event.isTextual() && !e.has("message", "msg")) {
            return STRUCTLOG;
        }
        JsonNode time = e.peek("time");
        if (time != null && time.isTextual() && e.has("msg")) {
            return LOGRUS;
        }
        if (e.has("stack") && e.has("message")) {
            return WINSTON;
        }
        return STANDARD;
    }

    /**
     * Moves the shape's own keys to the names Weir reads (ECS's), so that the rest of normalisation is the same for
     * every shape. A key whose target is present already stays where it is (and becomes a label).
     */
    void apply(RawEvent e) {
        switch (this) {
            case STANDARD -> {
            }
            case SERILOG -> {
                e.rename("@l", "log.level");
                if (!e.has("log.level")) {
                    e.putText("log.level", "Information"); // Serilog leaves the most common level out
                }
                e.rename("@m", "message");
                JsonNode template = e.peek("@mt");
                if (!e.has("message") && template != null && template.isTextual()) {
                    e.putText("message", MessageTemplates.render(template.textValue(), e));
                }
                e.rename("@x", "error.stack_trace");
                e.rename("@i", "event.code");
                e.rename("@tr", "trace.id");
                e.rename("@sp", "span.id");
                e.rename("SourceContext", "log.logger");
                e.rename("ThreadId", "process.thread.id");
                e.rename("ThreadName", "process.thread.name");
                e.rename("ProcessId", "process.pid");
                e.rename("ProcessName", "process.name");
                e.rename("MachineName", "host.name");
                e.rename("EnvironmentName", "service.environment");
                e.rename("RequestPath", "url.path");
            }
            case PINO -> {
                e.rename("pid", "process.pid");
                e.rename("hostname", "host.name");
                e.rename("name", "log.logger");
                e.rename("err.type", "error.type");
                e.rename("err.message", "error.message");
                e.rename("err.stack", "error.stack_trace");
                e.rename("err.code", "error.code");
                e.rename("req.id", "http.request.id");
                e.rename("req.method", "http.request.method");
                e.rename("req.url", "url.original");
                e.rename("res.statusCode", "http.response.status_code");
                e.rename("responseTime", "duration_ms");
            }
            case ZAP -> {
                e.rename("logger", "log.logger");
                e.rename("stacktrace", "error.stack_trace");
                errorText(e);
                caller(e, "caller");
            }
            case LOGRUS -> {
                errorText(e);
                e.rename("func", "log.origin.function");
                caller(e, "file");
            }
            case PYTHON -> {
                e.rename("levelname", "log.level");
                if (!e.has("log.level", "level")) {
                    pythonLevelNumber(e);
                }
                e.rename("name", "log.logger");
                e.rename("exc_info", "error.stack_trace");
                e.rename("threadName", "process.thread.name");
                e.rename("thread", "process.thread.id");
                e.rename("process", "process.pid");
                e.rename("processName", "process.name");
                e.rename("funcName", "log.origin.function");
                e.rename("lineno", "log.origin.file.line");
                e.rename("filename", "log.origin.file.name");
            }
            case STRUCTLOG -> {
                e.rename("event", "message");
                e.rename("logger", "log.logger");
                e.rename("exception", "error.stack_trace");
                e.rename("filename", "log.origin.file.name");
                e.rename("lineno", "log.origin.file.line");
                e.rename("func_name", "log.origin.function");
            }
            case WINSTON -> e.rename("stack", "error.stack_trace");
        }
    }

    /** zap's and logrus's {@code error} is the error's text (ECS {@code error} is an object: its fields are dotted). */
    private static void errorText(RawEvent e) {
        JsonNode error = e.peek("error");
        if (error != null && error.isTextual()) {
            e.rename("error", "error.message");
        }
    }

    /** {@code server/handler.go:42} to {@code log.origin.file.name} and {@code log.origin.file.line}. */
    private static void caller(RawEvent e, String key) {
        JsonNode caller = e.peek(key);
        if (caller == null || !caller.isTextual() || e.has("log.origin.file.name")) {
            return;
        }
        String text = caller.textValue();
        int colon = text.lastIndexOf(':');
        if (colon > 0 && colon < text.length() - 1 && text.length() - colon <= 10
                && text.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            e.remove(key);
            e.putText("log.origin.file.name", text.substring(0, colon));
            e.putNumber("log.origin.file.line", Long.parseLong(text.substring(colon + 1)));
        } else {
            e.rename(key, "log.origin.file.name");
        }
    }

    /** Python's {@code levelno}: 10 DEBUG, 20 INFO, 30 WARNING, 40 ERROR, 50 CRITICAL. */
    private static void pythonLevelNumber(RawEvent e) {
        JsonNode n = e.peek("levelno");
        if (n != null && n.canConvertToInt()) {
            int v = n.intValue();
            e.putText("log.level", v >= 50 ? "CRITICAL" : v >= 40 ? "ERROR" : v >= 30 ? "WARNING" : v >= 20 ? "INFO" : v >= 10 ? "DEBUG" : "TRACE");
            e.remove("levelno"); // it is the level now
        }
    }

    /**
     * The level of a shape's level text or number where it differs from the common names ({@link EventNormalizer#level}).
     *
     * @return the level, or null when the common names decide
     */
    LogLevel level(JsonNode node) {
        if (this == PINO && node != null && node.isNumber()) {
            int v = node.intValue();
            return v >= 60 ? LogLevel.FATAL : v >= 50 ? LogLevel.ERROR : v >= 40 ? LogLevel.WARN : v >= 30 ? LogLevel.INFO
                    : v >= 20 ? LogLevel.DEBUG : LogLevel.TRACE;
        }
        if (node == null || !node.isTextual()) {
            return null;
        }
        String text = node.textValue().trim().toUpperCase(Locale.ROOT);
        if (text.equals("VERBOSE")) {
            return this == SERILOG ? LogLevel.TRACE : LogLevel.DEBUG; // Serilog's lowest; npm's is between http and debug
        }
        return null;
    }
}
