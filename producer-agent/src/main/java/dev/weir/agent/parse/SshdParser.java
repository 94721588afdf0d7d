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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads syslog lines ({@code /var/log/auth.log}, {@code /var/log/secure}, or syslog forwarded with
 * its {@code <PRI>}) into log events, with sshd's and PAM's authentication lines made into ECS
 * authentication events. The rule is <b>one password attempt counts once</b>: only the line that
 * reports an attempt's result carries {@code event.outcome}, so a count of failures (by the
 * processor, or in Kibana over {@code event.outcome: failure}) counts each attempt once.
 * <ul>
 * <li>{@code Failed password|keyboard-interactive/pam|publickey for [invalid user ]NAME from IP port N ssh2}:
 *     action {@code ssh_login}, outcome {@code failure}. {@code Failed none} (a client asking which
 *     methods exist) has no outcome: it is no attempt.</li>
 * <li>{@code Accepted password|publickey|… for NAME from IP port N ssh2}: action {@code ssh_login}, outcome
 *     {@code success}.</li>
 * <li>{@code message repeated N times: [ …]} (rsyslog's repeated-message reduction: the first occurrence
 *     was a line of its own, this one stands for N more): the inner message, read as above, with
 *     {@code weir.count: N}, which every count of the processor honours.</li>
 * <li>Lines that describe an attempt whose result another line reports carry category
 *     {@code authentication}, the user and the source, but <b>no outcome</b>: {@code Invalid user X from IP}
 *     (sshd writes it before {@code Failed password for invalid user X} of the same attempt; action
 *     {@code invalid_user}), PAM's {@code pam_unix(sshd:auth): authentication failure; … rhost=IP user=X}
 *     and {@code PAM N more authentication failures} (written beside sshd's own {@code Failed password};
 *     action {@code pam_authentication_failure}), {@code error: PAM: Authentication failure for X from HOST},
 *     and the ends of a connection that ran out of attempts ({@code error: maximum authentication attempts
 *     exceeded}, {@code Disconnecting … Too many authentication failures}: action {@code too_many_failures}).</li>
 * <li>Ends of connections carry the source and user without a category: {@code Connection closed by
 *     [authenticating|invalid user X] IP port N [preauth]} ({@code connection_closed}), {@code Disconnected
 *     from [user X] IP port N} ({@code disconnected}), {@code Received disconnect from IP port N:11: …}
 *     ({@code received_disconnect}). PAM session lines are category {@code session}
 *     ({@code session_opened}, {@code session_closed}).</li>
 * </ul>
 * A host name where sshd writes an address ({@code UseDNS yes}) becomes {@code source.domain}, not
 * {@code source.ip}. Every event carries {@code process.name}, {@code process.pid},
 * {@code log.syslog.hostname}, {@code log.syslog.appname}, {@code log.syslog.procid},
 * {@code event.dataset: system.auth}, {@code event.module: system} and {@code weir.format: sshd}.
 *
 * <p>Level: a {@code <PRI>} gives the severity ({@code log.syslog.severity.*}, {@code log.syslog.facility.*},
 * {@code log.syslog.priority}) and {@code log.level}. Without one, sshd's own prefixes tell it exactly
 * ({@code error: } is LOG_ERR, {@code fatal: } LOG_CRIT, anything else sshd writes unprefixed at LOG_INFO),
 * PAM's authentication failures are LOG_NOTICE; other programs' lines get no {@code log.level}.
 *
 * <p>Not counted, since it names no line it repeats: the {@code last message repeated N times} of
 * sysklogd (a line without program); it passes as a plain log event.
 *
 * <p>Timestamps: RFC 3339 ({@code 2024-03-03T14:22:01.123+00:00}, rsyslog's high-precision format, or
 * RFC 5424's) or BSD ({@code Mar  3 14:22:01}) in the configured zone. A BSD timestamp has no year;
 * it takes the latest year that does not put it after the time of reading, allowing
 * {@link #CLOCK_SKEW} for clocks that disagree slightly (without it, a line stamped one second ahead
 * of the reader would be dated a year back).
 *
 * <p>Thread-safe.
 */
public final class SshdParser implements LineParser {
    /** How far after the time of reading a BSD timestamp may be and still be this year's. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** The largest {@code message repeated N times} count taken; a larger N is cut to it (and tagged). */
    public static final int MAX_REPEAT = 1_000_000;

    private static final Pattern PRI = Pattern.compile("^<(\\d{1,3})>");
    private static final Pattern BSD = Pattern.compile(
            "^([A-Z][a-z]{2}) ([ \\d]\\d) (\\d{2}:\\d{2}:\\d{2}) (\\S+) ([^\\[:\\s]+)(?:\\[(\\d+)])?: (.*)$");
    private static final Pattern RFC3339 = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2})) (\\S+) ([^\\[:\\s]+)(?:\\[(\\d+)])?: (.*)$");
    /** RFC 5424 after its PRI: VERSION TIMESTAMP HOST APP PROCID MSGID SD MSG. */
    private static final Pattern RFC5424 = Pattern.compile(
            "^1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (-|\\[.*?]) ?(.*)$");
    private static final Pattern REPEATED = Pattern.compile("^message repeated (\\d+) times: \\[ ?(.*)]$");
    private static final Pattern LOGIN = Pattern.compile(
            "^(Failed|Accepted) (\\S+) for (invalid user )?(.*?) from (\\S+) port (\\d+)(?: .*)?$");
    private static final Pattern INVALID_USER = Pattern.compile("^Invalid user (.*?) from (\\S+)(?: port (\\d+))?\\s*$");
    private static final Pattern MAX_ATTEMPTS = Pattern.compile(
            "^error: maximum authentication attempts exceeded for (invalid user )?(.*?) from (\\S+) port (\\d+)(?: .*)?$");
    private static final Pattern TOO_MANY = Pattern.compile(
            "^Disconnecting (?:authenticating|invalid) user (.*?) (\\S+) port (\\d+): Too many authentication failures.*$");
    private static final Pattern CLOSED = Pattern.compile(
            "^Connection closed by (?:(?:authenticating|invalid) user (.*?) )?(\\S+) port (\\d+)(?: \\[preauth])?$");
    private static final Pattern DISCONNECTED = Pattern.compile(
            "^Disconnected from (?:(?:authenticating |invalid )?user (.*?) )?(\\S+) port (\\d+)(?: \\[preauth])?$");
    private static final Pattern RECEIVED_DISCONNECT = Pattern.compile(
            "^Received disconnect from (\\S+) port (\\d+):\\d+:.*$");
    private static final Pattern PAM_FAILURE = Pattern.compile("^pam_unix\\([^:)]+:auth\\): authentication failure; (.*)$");
    private static final Pattern PAM_MORE = Pattern.compile("^PAM \\d+ more authentication failures?; (.*)$");
    private static final Pattern PAM_SSHD = Pattern.compile(
            "^error: PAM: Authentication failure for (?:illegal user |invalid user )?(.*?) from (\\S+)$");
    private static final Pattern SESSION = Pattern.compile(
            "^pam_unix\\([^:)]+:session\\): session (opened|closed) for user ([^\\s(]+).*$");
    private static final Pattern PAM_PAIR = Pattern.compile("(\\w+)=(\\S*)");
    private static final Pattern IPV4 = Pattern.compile(
            "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[\\w.-]+)?");

    /** ECS {@code log.syslog.severity.name} by code (RFC 5424's names). */
    private static final String[] SEVERITIES = {"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
            "Informational", "Debug"};
    /** {@code log.level} by severity code. */
    private static final String[] LEVELS = {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"};
    private static final String[] FACILITIES = {"kernel", "user-level", "mail", "daemon", "security/authorization",
            "syslogd", "line printer", "network news", "UUCP", "clock", "security/authorization", "FTP", "NTP",
            "log audit", "log alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final int SEVERITY_ERROR = 3;
    private static final int SEVERITY_CRITICAL = 2;
    private static final int SEVERITY_NOTICE = 5;
    private static final int SEVERITY_INFO = 6;

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

    /** The parts of one syslog line. */
    private record Syslog(Instant at, int priority, String host, String program, String pid, String message) {
    }

    @Override
    public ParsedEvent parse(byte[] bytes, int offset, int length, LineOrigin origin) {
        String line = new String(bytes, offset, length, StandardCharsets.UTF_8);
        Syslog s;
        try {
            s = syslog(line);
        } catch (DateTimeException e) {
            return ParseErrors.event(bytes, offset, length, "unreadable syslog time: " + e.getMessage(), enrichment, origin, clock);
        }
        if (s == null) {
            return ParseErrors.event(bytes, offset, length, "not a syslog line", enrichment, origin, clock);
        }
        String message = s.message();
        long count = 1;
        boolean cut = false;
        Matcher repeated = REPEATED.matcher(message);
        if (repeated.matches()) {
            message = repeated.group(2).stripTrailing();
            String n = repeated.group(1);
            cut = n.length() > 7 || Long.parseLong(n) > MAX_REPEAT;
            count = cut ? MAX_REPEAT : Long.parseLong(n);
        }
        boolean sshd = s.program().startsWith("sshd");
        EventWriter w = new EventWriter()
                .timestamp(s.at())
                .string("message", message)
                .string("event.kind", "event")
                .string("event.dataset", "system.auth")
                .string("event.module", "system")
                .string("process.name", s.program())
                .string("log.syslog.hostname", s.host())
                .string("log.syslog.appname", s.program())
                .string("log.syslog.procid", s.pid())
                .string("weir.format", "sshd");
        if (s.pid() != null && s.pid().chars().allMatch(Character::isDigit) && s.pid().length() <= 18) {
            w.number("process.pid", Long.parseLong(s.pid()));
        }
        int severity = s.priority() >= 0 ? s.priority() % 8 : -1;
        if (s.priority() >= 0) {
            int facility = s.priority() / 8;
            w.number("log.syslog.priority", s.priority())
                    .number("log.syslog.facility.code", facility)
                    .string("log.syslog.facility.name", facility < FACILITIES.length ? FACILITIES[facility] : null)
                    .number("log.syslog.severity.code", severity)
                    .string("log.syslog.severity.name", SEVERITIES[severity]);
        }
        if (count != 1) {
            w.number("weir.count", count);
        }
        List<String> tags = new ArrayList<>(2);
        int implied = authentication(w, message, sshd, tags);
        if (severity < 0) {
            severity = implied;
        }
        if (severity >= 0) {
            w.string("log.level", LEVELS[severity]);
        }
        if (cut) {
            tags.add("repeat_count_cut");
        }
        w.tags(tags);
        // The syslog host is the host the event happened on.
        Enrichment e = new Enrichment(enrichment.serviceName(), enrichment.environment(), s.host());
        return new ParsedEvent(EventKind.LOG, enrichment.serviceName(), w.finish(e, origin));
    }

    private Syslog syslog(String line) {
        int priority = -1;
        String rest = line;
        Matcher pri = PRI.matcher(line);
        if (pri.find()) {
            int p = Integer.parseInt(pri.group(1));
            if (p <= 191) {
                priority = p;
                rest = line.substring(pri.end());
            }
        }
        Matcher m = BSD.matcher(rest);
        if (m.matches()) {
            return new Syslog(inferYear(m.group(1) + " " + m.group(2).trim() + " " + m.group(3)), priority, m.group(4), m.group(5),
                    m.group(6), m.group(7));
        }
        if ((m = RFC3339.matcher(rest)).matches()) {
            return new Syslog(rfc3339(m.group(1)), priority, m.group(2), m.group(3), m.group(4), m.group(5));
        }
        if (priority >= 0 && (m = RFC5424.matcher(rest)).matches()) {
            return new Syslog(rfc3339(m.group(1)), priority, nil(m.group(2)), m.group(3), nil(m.group(4)), m.group(7));
        }
        return null;
    }

    private static Instant rfc3339(String text) {
        try {
            return OffsetDateTime.parse(text.replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2")).toInstant();
        } catch (DateTimeParseException e) {
            throw new DateTimeException("'" + text + "' is not an RFC 3339 time");
        }
    }

    private static String nil(String s) {
        return "-".equals(s) ? null : s;
    }

    /**
     * Writes the authentication fields of an sshd or PAM message.
     *
     * @return the syslog severity the message implies, or -1 when it does not say
     */
    private static int authentication(EventWriter w, String message, boolean sshd, List<String> tags) {
        Matcher m;
        if ((m = PAM_FAILURE.matcher(message)).matches() || (m = PAM_MORE.matcher(message)).matches()) {
            String user = null;
            String rhost = null;
            Matcher pair = PAM_PAIR.matcher(m.group(1));
            while (pair.find()) {
                if ("rhost".equals(pair.group(1))) {
                    rhost = pair.group(2);
                } else if ("user".equals(pair.group(1))) {
                    user = pair.group(2);
                }
            }
            w.string("event.category", "authentication").string("event.action", "pam_authentication_failure");
            user(w, user);
            source(w, rhost, null);
            return SEVERITY_NOTICE;
        }
        if ((m = SESSION.matcher(message)).matches()) {
            w.string("event.category", "session").string("event.action", "session_" + m.group(1));
            user(w, m.group(2));
            return sshd ? SEVERITY_INFO : -1;
        }
        if (!sshd) {
            return -1;
        }
        if ((m = LOGIN.matcher(message)).matches()) {
            boolean failed = "Failed".equals(m.group(1));
            w.string("event.category", "authentication").string("event.action", "ssh_login");
            if (!failed || !"none".equals(m.group(2))) {
                w.string("event.outcome", failed ? "failure" : "success");
            }
            user(w, m.group(4));
            source(w, m.group(5), m.group(6));
            w.string("ssh.method", m.group(2));
            if (m.group(3) != null) {
                tags.add("invalid_user");
            }
        } else if ((m = INVALID_USER.matcher(message)).matches()) {
            w.string("event.category", "authentication").string("event.action", "invalid_user");
            user(w, m.group(1));
            source(w, m.group(2), m.group(3));
            tags.add("invalid_user");
        } else if ((m = MAX_ATTEMPTS.matcher(message)).matches()) {
            w.string("event.category", "authentication").string("event.action", "too_many_failures");
            user(w, m.group(2));
            source(w, m.group(3), m.group(4));
        } else if ((m = TOO_MANY.matcher(message)).matches()) {
            w.string("event.category", "authentication").string("event.action", "too_many_failures");
            user(w, m.group(1));
            source(w, m.group(2), m.group(3));
        } else if ((m = PAM_SSHD.matcher(message)).matches()) {
            w.string("event.category", "authentication").string("event.action", "pam_authentication_failure");
            user(w, m.group(1));
            source(w, m.group(2), null);
        } else if ((m = CLOSED.matcher(message)).matches()) {
            w.string("event.action", "connection_closed");
            user(w, m.group(1));
            source(w, m.group(2), m.group(3));
        } else if ((m = DISCONNECTED.matcher(message)).matches()) {
            w.string("event.action", "disconnected");
            user(w, m.group(1));
            source(w, m.group(2), m.group(3));
        } else if ((m = RECEIVED_DISCONNECT.matcher(message)).matches()) {
            w.string("event.action", "received_disconnect");
            source(w, m.group(1), m.group(2));
        }
        if (message.startsWith("error: ")) {
            return SEVERITY_ERROR;
        }
        return message.startsWith("fatal: ") ? SEVERITY_CRITICAL : SEVERITY_INFO;
    }

    private static void user(EventWriter w, String user) {
        w.string("user.name", user == null || user.isEmpty() ? null : user);
    }

    /** An address goes to {@code source.ip}, a host name (sshd with {@code UseDNS yes}) to {@code source.domain}. */
    private static void source(EventWriter w, String host, String port) {
        if (host != null && !host.isEmpty()) {
            w.string(isIp(host) ? "source.ip" : "source.domain", host);
        }
        if (port != null && port.length() <= 5 && Integer.parseInt(port) <= 65_535) {
            w.number("source.port", Integer.parseInt(port));
        }
    }

    /** @return whether {@code host} is an IPv4 or IPv6 literal (the processor checks it exactly) */
    static boolean isIp(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0 && IPV6.matcher(host).matches();
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
