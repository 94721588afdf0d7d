package dev.weir.processor.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.schemas.DeadLetterReason;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads the event time from {@code @timestamp} or {@code timestamp}: an ISO-8601 string
 * ({@code 2025-03-14T09:26:53.589Z}, {@code …+01:00}, {@code …+0100}; without an offset UTC) or
 * epoch milliseconds as a number or a string of digits; then checks it against the accepted
 * window around processing time.
 *
 * <p>Thread-safe.
 */
public final class Timestamps {
    /** The keys looked at, in precedence order. */
    public static final String[] KEYS = {"@timestamp", "timestamp"};
    /** {@link #KEYS}, both holding epoch milliseconds when a number. */
    public static final TimeKeys DEFAULT = new TimeKeys(KEYS, new boolean[KEYS.length]);

    /**
     * Where an event's time is, in precedence order, and the unit of each when it is a number.
     *
     * @param keys    the keys
     * @param seconds per key: true when a number there counts seconds since the epoch (with a fraction: zap's {@code ts},
     *                Python's {@code created}), false for milliseconds (pino's {@code time}, {@code @timestamp})
     */
    public record TimeKeys(String[] keys, boolean[] seconds) {
        /**
         * @param keysAndUnits key, then {@code "s"} or {@code "ms"}, repeated
         * @return the keys
         */
        public static TimeKeys of(String... keysAndUnits) {
            String[] keys = new String[keysAndUnits.length / 2];
            boolean[] seconds = new boolean[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = keysAndUnits[2 * i];
                seconds[i] = "s".equals(keysAndUnits[2 * i + 1]);
            }
            return new TimeKeys(keys, seconds);
        }
    }

    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,19}");
    private static final DateTimeFormatter ISO = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private final Limits limits;

    /** @param limits supplies the accepted window */
    public Timestamps(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param event the raw event; the timestamp keys are consumed
     * @param now   processing time
     * @return the event time
     * @throws Rejection {@code missing_timestamp}, {@code bad_timestamp}, {@code not_finite} or
     *                   {@code timestamp_out_of_range}
     */
    public Instant read(RawEvent event, Instant now) {
        return read(event, now, DEFAULT);
    }

    /**
     * @param event the raw event; the timestamp keys are consumed
     * @param now   processing time
     * @param where the keys to look at and their units
     * @return the event time
     * @throws Rejection {@code missing_timestamp}, {@code bad_timestamp}, {@code not_finite} or
     *                   {@code timestamp_out_of_range}
     */
    public Instant read(RawEvent event, Instant now, TimeKeys where) {
        String[] keys = where.keys();
        RawEvent.Field f = event.first(keys);
        if (f == null) {
            for (String key : keys) {
                if (event.keyUnder(key) != null) {
                    throw new Rejection(DeadLetterReason.BAD_TIMESTAMP, key, key + " is an object; it must be an ISO-8601 string "
                            + "or epoch milliseconds.");
                }
            }
            throw new Rejection(DeadLetterReason.MISSING_TIMESTAMP, "@timestamp", "The event has no " + String.join(", ", keys)
                    .replaceFirst(", ([^,]*)$", " or $1") + " field.");
        }
        boolean seconds = false;
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(f.key())) {
                seconds = where.seconds()[i];
            }
        }
        Instant t = seconds && f.node().isNumber() ? epochSeconds(f) : parse(f);
        if (t.isBefore(now.minus(limits.maxPast())) || t.isAfter(now.plus(limits.maxFuture()))) {
            throw new Rejection(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, f.key(), f.key() + " " + t
                    + " is outside the accepted window of " + limits.maxPast() + " before to " + limits.maxFuture()
                    + " after processing time " + now + ".");
        }
        return t;
    }

    /**
     * @param f a field holding a time: an ISO-8601 string or epoch milliseconds
     * @return the instant, without the window check
     * @throws Rejection {@code bad_timestamp} or {@code not_finite} naming the field
     */
    public static Instant parse(RawEvent.Field f) {
        JsonNode n = f.node();
        if (n.isNumber()) {
            BigDecimal millis = RawEvent.decimal(f);
            return epochMillis(f, millis);
        }
        if (!n.isTextual()) {
            throw new Rejection(DeadLetterReason.BAD_TIMESTAMP, f.key(), f.key() + " must be an ISO-8601 string or epoch milliseconds, not "
                    + n.getNodeType().name().toLowerCase() + ".");
        }
        String s = n.textValue().trim();
        Instant fast = parseCanonicalUtc(s);
        if (fast != null) {
            return fast;
        }
        if (DIGITS.matcher(s).matches()) {
            return epochMillis(f, new BigDecimal(s));
        }
        if (s.length() == 23 && s.charAt(10) == ' ' && s.charAt(19) == ',') {
            s = s.substring(0, 19) + '.' + s.substring(20); // Python's asctime: 2025-03-14 09:26:53,589
        }
        try {
            return parseIso(s);
        } catch (DateTimeException e) {
            String shown = s.length() > 64 ? s.substring(0, 64) + "…" : s;
            throw new Rejection(DeadLetterReason.BAD_TIMESTAMP, f.key(), f.key() + " \"" + shown
                    + "\" is not an ISO-8601 date-time such as 2025-03-14T09:26:53.589Z.");
        }
    }

    /**
     * @param s an ISO-8601 date-time, with or without offset (then UTC)
     * @return the instant
     * @throws DateTimeException when {@code s} is not one
     */
    static Instant parseIso(String s) {
        TemporalAccessor parsed = ISO.parse(s);
        LocalDateTime local = LocalDateTime.from(parsed);
        ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                ? ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
        return local.toInstant(offset);
    }

    /**
     * The common shape {@code 2025-03-14T09:26:53.589Z} (4-digit year, seconds, 0–9 fraction
     * digits, {@code Z}) without the general formatter, which costs several times more. Anything
     * else, including impossible dates, returns {@code null} and takes the formatter's path, so
     * the results (and rejections) are the formatter's.
     *
     * @return the instant, or {@code null} when {@code s} is not exactly of that shape and valid
     */
    static Instant parseCanonicalUtc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // between '.' and 'Z'
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null; // e.g. February 30: the formatter decides
        }
    }

    /** @return the value of the ASCII digits in {@code [from, to)}, or -1 when one is not a digit */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Seconds since the epoch with a fraction, as zap and Python write them: a double holds them to about a quarter of
     * a microsecond, so the time is taken to the nearest microsecond, then cut to the millisecond, which gives every
     * time written with up to six decimals exactly.
     */
    private static Instant epochSeconds(RawEvent.Field f) {
        BigDecimal seconds = RawEvent.decimal(f);
        if (seconds.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000L)) > 0) {
            return seconds.signum() < 0 ? Instant.MIN : Instant.MAX;
        }
        long micros = seconds.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        return Instant.ofEpochMilli(Math.floorDiv(micros, 1000));
    }

    private static Instant epochMillis(RawEvent.Field f, BigDecimal millis) {
        // beyond ±10^15 ms (about 31 000 years) the window check fails anyway; avoid overflow
        if (millis.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000_000L)) > 0) {
            return millis.signum() < 0 ? Instant.MIN : Instant.MAX;
        }
        return Instant.ofEpochMilli(millis.longValue());
    }
}
