package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads uvicorn's access log into request events. uvicorn writes {@code %(client_addr)s - "%(request_line)s"
 * %(status_code)s} after a prefix that depends on how it runs:
 * <pre>
 * INFO:     203.0.113.7:52114 - "GET /orders/1042?page=2 HTTP/1.1" 200 OK                      (uvicorn's own logging)
 * [2025-03-14 09:26:53 +0000] [4242] [INFO] 203.0.113.7:52114 - "GET /orders HTTP/1.1" 200   (gunicorn -k uvicorn.workers.UvicornWorker)
 * 2025-03-14 09:26:53,589 - uvicorn.access - INFO - 203.0.113.7:52114 - "GET / HTTP/1.1" 404  (a dictConfig with %(asctime)s)
 * </pre>
 * The time is gunicorn's {@code [%Y-%m-%d %H:%M:%S %z]}, or Python's {@code asctime} ({@code 2025-03-14 09:26:53,589}, the
 * producing host's local time: read in the input's {@code timezone}); a line without one (uvicorn's default) is stamped
 * with the time of reading. uvicorn writes no response size or duration. The client is {@code host:port}
 * ({@code ::1:52114} for IPv6). The line itself is kept in {@code event.original}.
 *
 * <p>A line without the access-log part becomes a {@code parse_error} log event (uvicorn's other lines, such as
 * {@code INFO:     Application startup complete.}, belong in a {@code json} or raw input). Thread-safe.
 */
public final class UvicornParser implements LineParser {
    private static final Pattern ACCESS = Pattern.compile(
            "^(.*?)(\\S+):(\\d{1,5}) - \"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3})(?: .*)?$");
    private static final Pattern GUNICORN_PREFIX = Pattern.compile(
            "^\\[(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4})] \\[(\\d+)] \\[([A-Z]+)] $");
    private static final Pattern ASCTIME_PREFIX = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:,\\d{3})?)\\b.*?");
    private static final Pattern LEVEL = Pattern.compile("\\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\\b");
    private static final DateTimeFormatter GUNICORN_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss Z", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[,SSS]", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private final Enrichment enrichment;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param enrichment service, environment and host
     * @param clock      the time of reading: the time of lines without one
     * @param zone       the zone of {@code asctime} times
     */
    public UvicornParser(Enrichment enrichment, Clock clock, ZoneId zone) {
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ParsedEvent parse(byte[] bytes, int offset, int length, LineOrigin origin) {
        String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
        Matcher m = ACCESS.matcher(line);
        if (!m.matches()) {
            return ParseErrors.event(bytes, offset, length, "not a uvicorn access line (client - \"request\" status)", enrichment,
                    origin, clock);
        }
        String prefix = m.group(1);
        Instant at = clock.instant();
        String pid = null;
        String level = null;
        try {
            Matcher p;
            if ((p = GUNICORN_PREFIX.matcher(prefix)).matches()) {
                at = OffsetDateTime.parse(p.group(1), GUNICORN_TIME).toInstant();
                pid = p.group(2);
                level = p.group(3);
            } else if ((p = ASCTIME_PREFIX.matcher(prefix)).lookingAt()) {
                at = LocalDateTime.parse(p.group(1), ASCTIME).atZone(zone).toInstant();
            }
        } catch (DateTimeException e) {
            return ParseErrors.event(bytes, offset, length, "unreadable time in " + prefix.strip(), enrichment, origin, clock);
        }
        if (level == null) {
            Matcher l = LEVEL.matcher(prefix);
            level = l.find() ? l.group(1) : null;
        }
        EventWriter w = new EventWriter()
                .timestamp(at)
                .string("event.original", line)
                .string("event.kind", "event")
                .string("event.category", "web")
                .string("event.dataset", "uvicorn.access")
                .string("weir.format", "uvicorn")
                .string("log.level", level == null ? null : level.toLowerCase(Locale.ROOT))
                .string(SshdParser.isIp(m.group(2)) ? "source.ip" : "source.domain", m.group(2));
        int port = Integer.parseInt(m.group(3));
        if (port <= 65_535) {
            w.number("source.port", port);
        }
        if (pid != null && pid.length() <= 18) {
            w.number("process.pid", Long.parseLong(pid));
        }
        if (!AccessLogParser.requestLine(w, m.group(4))) {
            w.tags(java.util.List.of("malformed_request"));
        }
        w.number("http.response.status_code", Integer.parseInt(m.group(5)));
        return new ParsedEvent(EventKind.REQUEST, enrichment.serviceName(), w.finish(enrichment, origin));
    }
}
