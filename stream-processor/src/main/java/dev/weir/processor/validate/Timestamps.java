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
        RawEvent.Field f = event.first(KEYS);
        if (f == null) {
            for (String key : KEYS) {
                if (event.keyUnder(key) != null) {
                    throw new Rejection(DeadLetterReason.BAD_TIMESTAMP, key, key + " is an object; it must be an ISO-8601 string "
                            + "or epoch milliseconds.");
                }
            }
            throw new Rejection(DeadLetterReason.MISSING_TIMESTAMP, "@timestamp", "The event has no @timestamp or timestamp field.");
        }
        Instant t = parse(f);
        if (t.isBefore(now.minus(limits.maxPast())) || t.isAfter(now.plus(limits.maxFuture()))) {
            throw new Rejection(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, f.key(), f.key() + " " + t
                    + " is outside the accepted window of " + limits.maxPast() + " before to " + limits.maxFuture()
                    + " after processing time " + now + ".");
        }
        return t;
    }

    private static Instant parse(RawEvent.Field f) {
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
        if (DIGITS.matcher(s).matches()) {
            return epochMillis(f, new BigDecimal(s));
        }
        try {
            TemporalAccessor parsed = ISO.parse(s);
            LocalDateTime local = LocalDateTime.from(parsed);
            ZoneOffset offset = parsed.isSupported(ChronoField.OFFSET_SECONDS)
                    ? ZoneOffset.ofTotalSeconds(parsed.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
            return local.toInstant(offset);
        } catch (DateTimeException e) {
            String shown = s.length() > 64 ? s.substring(0, 64) + "…" : s;
            throw new Rejection(DeadLetterReason.BAD_TIMESTAMP, f.key(), f.key() + " \"" + shown
                    + "\" is not an ISO-8601 date-time such as 2025-03-14T09:26:53.589Z.");
        }
    }

    private static Instant epochMillis(RawEvent.Field f, BigDecimal millis) {
        // beyond ±10^15 ms (about 31 000 years) the window check fails anyway; avoid overflow
        if (millis.abs().compareTo(BigDecimal.valueOf(1_000_000_000_000_000L)) > 0) {
            return millis.signum() < 0 ? Instant.MIN : Instant.MAX;
        }
        return Instant.ofEpochMilli(millis.longValue());
    }
}
