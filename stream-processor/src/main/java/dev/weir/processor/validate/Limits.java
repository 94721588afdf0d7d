package dev.weir.processor.validate;

import dev.weir.common.kafka.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits a raw event must respect; each one has its own dead-letter reason.
 *
 * @param maxEventBytes   largest raw value in bytes ({@code too_large} above it)
 * @param maxDepth        deepest nesting of objects and arrays; the top-level object is depth 1
 *                        ({@code too_deep} above it)
 * @param maxFields       most object members plus array elements over all levels
 *                        ({@code too_many_fields} above it)
 * @param maxStringLength longest string value in characters: {@code string_too_long} above it, except
 *                        the message, error message and stack trace, which are cut and tagged
 *                        {@code truncated}
 * @param maxPast         how far before processing time a timestamp may lie
 * @param maxFuture       how far after processing time a timestamp may lie
 */
public record Limits(long maxEventBytes, int maxDepth, int maxFields, int maxStringLength,
                     Duration maxPast, Duration maxFuture) {

    /**
     * The documented defaults: 1 MiB ({@link Topics#RAW_EVENT_MAX_BYTES}, the agent's default too), depth 20, 1000
     * fields, 32 768 characters, 7 days back, 1 hour ahead.
     */
    public static final Limits DEFAULTS = new Limits(Topics.RAW_EVENT_MAX_BYTES, 20, 1000, 32_768, Duration.ofDays(7),
            Duration.ofHours(1));

    public Limits {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("Invalid value " + maxEventBytes + " for maxEventBytes: must be at least 1");
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("Invalid value " + maxDepth + " for maxDepth: must be at least 1");
        }
        if (maxFields < 1) {
            throw new IllegalArgumentException("Invalid value " + maxFields + " for maxFields: must be at least 1");
        }
        if (maxStringLength < 16) {
            throw new IllegalArgumentException("Invalid value " + maxStringLength + " for maxStringLength: must be at least 16");
        }
        Objects.requireNonNull(maxPast, "maxPast");
        Objects.requireNonNull(maxFuture, "maxFuture");
        if (maxPast.isNegative() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("The timestamp window must not be negative");
        }
    }
}
