package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the combined access log format of nginx and Apache httpd into request events:
 * <pre>
 * $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" [extra]
 * %h %l %u %t "%r" %&gt;s %b "%{Referer}i" "%{User-agent}i" [extra]
 * </pre>
 * gunicorn's default {@code access_log_format} is the same line ({@code %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s
 * "%(f)s" "%(a)s"}).
 * After the user agent, the first number among the remaining fields (optionally written
 * {@code rt=0.123} or {@code request_time=0.123}; quoted fields such as
 * {@code $http_x_forwarded_for} are skipped) is the request time: seconds for
 * {@link Flavor#NGINX} ({@code $request_time}, e.g. {@code 0.123}), microseconds for
 * {@link Flavor#APACHE} ({@code %D}); for {@link Flavor#GUNICORN} a number with a decimal point is
 * seconds ({@code %(L)s}), a whole number microseconds ({@code %(D)s}). It becomes
 * {@code event.duration} in nanoseconds. The line itself is kept in {@code event.original}.
 *
 * <p>A line that does not have the combined format becomes a {@code parse_error} log event.
 * A request line that is not {@code METHOD TARGET PROTOCOL} (a TLS handshake sent to the
 * HTTP port, {@code "-"}) still yields a request event, without method, tagged
 * {@code malformed_request}.
 *
 * <p>Thread-safe.
 */
public final class AccessLogParser implements LineParser {
    /** Which server wrote the log: decides the unit of the request time. */
    public enum Flavor {
        /** nginx: request time in seconds. */
        NGINX("nginx", "nginx.access"),
        /** Apache httpd: request time in microseconds. */
        APACHE("apache", "apache.access"),
        /** gunicorn: {@code %(L)s} seconds with a decimal point, or {@code %(D)s} microseconds. */
        GUNICORN("gunicorn", "gunicorn.access");

        private final String format;
        private final String dataset;

        Flavor(String format, String dataset) {
            this.format = format;
            this.dataset = dataset;
        }
    }

    private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";
    private static final Pattern COMBINED = Pattern.compile(
            "^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)] " + QUOTED + " (\\d{3}) (\\d+|-) " + QUOTED + " " + QUOTED + "(.*)$");
    private static final Pattern REQUEST = Pattern.compile("^([A-Za-z]+) (\\S+)(?: (HTTP/[0-9.]+))?$");
    private static final Pattern EXTRA = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|(?:(?:rt|request_time)=)?(\\d+(?:\\.\\d+)?)|\\S+");
    private static final DateTimeFormatter TIME_LOCAL = DateTimeFormatter.ofPattern("dd/MMM/uuuu:HH:mm:ss Z", Locale.ENGLISH)
            .withResolverStyle(ResolverStyle.STRICT);

    private final Flavor flavor;
    private final Enrichment enrichment;
    private final Clock clock;

    /**
     * @param flavor nginx or apache: decides the unit of the request time
     * @param enrichment service, environment and host
     * @param clock the time of reading, for parse-error events
     */
    public AccessLogParser(Flavor flavor, Enrichment enrichment, Clock clock) {
        this.flavor = Objects.requireNonNull(flavor, "flavor");
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ParsedEvent parse(byte[] bytes, int offset, int length, LineOrigin origin) {
        String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
        Matcher m = COMBINED.matcher(line);
        if (!m.matches()) {
            return ParseErrors.event(bytes, offset, length, "not in the combined access log format", enrichment, origin, clock);
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(m.group(4), TIME_LOCAL).toInstant();
        } catch (DateTimeParseException e) {
            return ParseErrors.event(bytes, offset, length, "unreadable time " + m.group(4), enrichment, origin, clock);
        }
        EventWriter w = new EventWriter()
                .timestamp(at)
                .string("event.original", line)
                .string("event.kind", "event")
                .string("event.category", "web")
                .string("event.dataset", flavor.dataset)
                .string("weir.format", flavor.format)
                .string("source.ip", m.group(1))
                .string("user.name", dash(m.group(3)));
        boolean malformed = !requestLine(w, unescape(m.group(5)));
        w.number("http.response.status_code", Integer.parseInt(m.group(6)))
                .number("http.response.body.bytes", "-".equals(m.group(7)) ? 0 : Long.parseLong(m.group(7)))
                .string("http.request.referrer", dash(unescape(m.group(8))))
                .string("user_agent.original", dash(unescape(m.group(9))));
        long durationNanos = requestTimeNanos(m.group(10));
        if (durationNanos >= 0) {
            w.number("event.duration", durationNanos);
        }
        if (malformed) {
            w.tags(List.of("malformed_request"));
        }
        return new ParsedEvent(EventKind.REQUEST, enrichment.serviceName(), w.finish(enrichment, origin));
    }

    /**
     * Writes the method, {@code url.*} and {@code http.version} of a request line ({@code GET /a?b=1 HTTP/1.1}).
     *
     * @return false when the line is not {@code METHOD TARGET [PROTOCOL]}: then it is written as {@code url.original} only
     */
    static boolean requestLine(EventWriter w, String request) {
        Matcher r = REQUEST.matcher(request);
        if (!r.matches()) {
            w.string("url.original", request);
            return false;
        }
        String target = r.group(2);
        int q = target.indexOf('?');
        w.string("http.request.method", r.group(1).toUpperCase(Locale.ROOT))
                .string("url.original", target)
                .string("url.path", q < 0 ? target : target.substring(0, q))
                .string("url.query", q < 0 ? null : target.substring(q + 1))
                .string("http.version", r.group(3) == null ? null : r.group(3).substring(5));
        return true;
    }

    private long requestTimeNanos(String extra) {
        Matcher e = EXTRA.matcher(extra);
        while (e.find()) {
            if (e.group(1) != null) {
                double value = Double.parseDouble(e.group(1));
                boolean seconds = flavor == Flavor.NGINX || flavor == Flavor.GUNICORN && e.group(1).indexOf('.') >= 0;
                return seconds ? Math.round(value * 1e9) : Math.round(value * 1e3);
            }
        }
        return -1;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() || "-".equals(s) ? null : s;
    }

    /** Undoes the {@code \"} and {@code \\} escapes nginx and httpd write inside quoted fields. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
