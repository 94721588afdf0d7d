package dev.weir.agent.parse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads syslog lines from sshd ({@code /var/log/auth.log}, {@code /var/log/secure}) into log
 * events; authentication lines become login events with {@code event.category:
 * authentication}, {@code event.outcome}, {@code event.action}, {@code user.name},
 * {@code source.ip} and {@code source.port}:
 * <ul>
 * <li>{@code Failed password for [invalid user] NAME from IP port N} — failure, action {@code ssh_login}</li>
 * <li>{@code Accepted password|publickey for NAME from IP port N} — success, action {@code ssh_login}</li>
 * <li>{@code Invalid user NAME from IP [port N]} — failure, action {@code invalid_user}. sshd writes this
 *     line before the {@code Failed password for invalid user} line of the same attempt, so a
 *     count of password failures should select {@code event.action: ssh_login}.</li>
 * <li>{@code maximum authentication attempts exceeded for …} and {@code Disconnecting … Too many
 *     authentication failures} — failure, action {@code too_many_failures}</li>
 * </ul>
 * Other sshd lines become plain log events with the syslog time, host and message. A line
 * that is not a syslog line becomes a {@code parse_error} event.
 *
 * <p>Timestamps: RFC 3339 ({@code 2024-03-03T14:22:01.123+00:00}, rsyslog's high-precision
 * format) or BSD ({@code Mar  3 14:22:01}) in the configured zone. A BSD timestamp has no
 * year; it takes the latest year that does not put it after the time of reading, allowing
 * {@link #CLOCK_SKEW} for clocks that disagree slightly (without it, a line stamped one second
 * ahead of the reader would be dated a year back).
 *
 * <p>Thread-safe.
 */
public final class SshdParser implements LineParser {
    /** How far after the time of reading a BSD timestamp may be and still be this year's. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Pattern BSD = Pattern.compile(
            "^([A-Z][a-z]{2}) ([ \\d]\\d) (\\d{2}:\\d{2}:\\d{2}) (\\S+) ([^\\[:\\s]+)(?:\\[(\\d+)])?: (.*)$");
    private static final Pattern RFC3339 = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})) (\\S+) ([^\\[:\\s]+)(?:\\[(\\d+)])?: (.*)$");
    private static final Pattern LOGIN = Pattern.compile(
            "^(Failed|Accepted) (\\S+) for (invalid user )?(.*?) from (\\S+) port (\\d+)(?: .*)?$");
    private static final Pattern INVALID_USER = Pattern.compile("^Invalid user (.*?) from (\\S+)(?: port (\\d+))?\\s*$");
    private static final Pattern MAX_ATTEMPTS = Pattern.compile(
            "^error: maximum authentication attempts exceeded for (invalid user )?(.*?) from (\\S+) port (\\d+)(?: .*)?$");
    private static final Pattern TOO_MANY = Pattern.compile(
            "^Disconnecting (?:authenticating|invalid) user (.*?) (\\S+) port (\\d+): Too many authentication failures.*$");

    private static final DateTimeFormatter YEAR_MONTH_DAY_TIME = DateTimeFormatter.ofPattern("uuuu MMM d HH:mm:ss", Locale.ENGLISH)
            .withResolverStyle(ResolverStyle.STRICT);

    private final Enrichment enrichment;
    private final Clock clock;
    private final ZoneId zone;

    /**
     * @param enrichment service, environment and host (the syslog host name wins for {@code host.name})
     * @param clock the time of reading: decides the year of BSD timestamps
     * @param zone the zone BSD timestamps are written in (the logging host's local time)
     */
    public SshdParser(Enrichment enrichment, Clock clock, ZoneId zone) {
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    @Override
    public ParsedEvent parse(byte[] bytes, int offset, int length, LineOrigin origin) {
        String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
        Instant at;
        String host;
        String program;
        String pid;
        String message;
        Matcher m = BSD.matcher(line);
        try {
            if (m.matches()) {
                at = inferYear(m.group(1) + " " + m.group(2).trim() + " " + m.group(3));
                host = m.group(4);
                program = m.group(5);
                pid = m.group(6);
                message = m.group(7);
            } else if ((m = RFC3339.matcher(line)).matches()) {
                at = OffsetDateTime.parse(m.group(1).replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2")).toInstant();
                host = m.group(2);
                program = m.group(3);
                pid = m.group(4);
                message = m.group(5);
            } else {
                return ParseErrors.event(bytes, offset, length, "not a syslog line", enrichment, origin, clock);
            }
        } catch (DateTimeException e) {
            return ParseErrors.event(bytes, offset, length, "unreadable syslog time: " + e.getMessage(), enrichment, origin, clock);
        }
        EventWriter w = new EventWriter()
                .timestamp(at)
                .string("message", message)
                .string("event.kind", "event")
                .string("event.dataset", "system.auth")
                .string("process.name", program)
                .string("log.syslog.hostname", host);
        if (pid != null) {
            w.number("process.pid", Long.parseLong(pid));
        }
        login(w, message);
        // The syslog host is the host the event happened on.
        Enrichment e = new Enrichment(enrichment.serviceName(), enrichment.environment(), host);
        return new ParsedEvent(EventKind.LOG, enrichment.serviceName(), w.finish(e, origin));
    }

    private static void login(EventWriter w, String message) {
        Matcher m;
        if ((m = LOGIN.matcher(message)).matches()) {
            auth(w, "Failed".equals(m.group(1)) ? "failure" : "success", "ssh_login", m.group(4), m.group(5), m.group(6));
            w.string("ssh.method", m.group(2));
            if (m.group(3) != null) {
                w.tags(List.of("invalid_user"));
            }
        } else if ((m = INVALID_USER.matcher(message)).matches()) {
            auth(w, "failure", "invalid_user", m.group(1), m.group(2), m.group(3));
            w.tags(List.of("invalid_user"));
        } else if ((m = MAX_ATTEMPTS.matcher(message)).matches()) {
            auth(w, "failure", "too_many_failures", m.group(2), m.group(3), m.group(4));
        } else if ((m = TOO_MANY.matcher(message)).matches()) {
            auth(w, "failure", "too_many_failures", m.group(1), m.group(2), m.group(3));
        }
    }

    private static void auth(EventWriter w, String outcome, String action, String user, String ip, String port) {
        w.string("event.category", "authentication")
                .string("event.outcome", outcome)
                .string("event.action", action)
                .string("user.name", user == null || user.isEmpty() ? null : user)
                .string("source.ip", ip);
        if (port != null) {
            w.number("source.port", Integer.parseInt(port));
        }
    }

    /** The latest year that does not put {@code monthDayTime} after now (plus {@link #CLOCK_SKEW}). */
    private Instant inferYear(String monthDayTime) {
        LocalDateTime parsed;
        try {
            // Parse with a leap year so that Feb 29 is accepted; the real year is chosen below.
            parsed = LocalDateTime.parse("2000 " + monthDayTime,
                    YEAR_MONTH_DAY_TIME);
        } catch (DateTimeParseException e) {
            throw new DateTimeException("'" + monthDayTime + "' is not a syslog timestamp");
        }
        Instant limit = clock.instant().plus(CLOCK_SKEW);
        int year = ZonedDateTime.ofInstant(limit, zone).getYear();
        MonthDay md = MonthDay.from(parsed);
        for (int y = year; y > year - 8; y--) {
            if (!md.isValidYear(y)) {
                continue; // Feb 29 outside a leap year
            }
            Instant candidate = parsed.withYear(y).atZone(zone).toInstant();
            if (!candidate.isAfter(limit)) {
                return candidate;
            }
        }
        throw new DateTimeException("no recent year has " + monthDayTime);
    }
}
