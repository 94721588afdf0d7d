package dev.weir.processor.deadletter;

import dev.weir.common.kafka.RecordLimits;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The largest record the processor may write to each of its output topics (as
 * {@link RecordLimits} computes it from the producer's {@code max.request.size} and the topic's
 * {@code max.message.bytes}). The normaliser sends an event that would not fit to the dead-letter
 * topic instead, and cuts dead letters to fit, so that no single record can make a send fail: under
 * exactly-once a failed send aborts the whole transaction. When a send fails for size all the same
 * (the topic's limit was lowered while the processor ran), the production exception handler lowers
 * the limit here below that record's size, and the record is judged again when its task processes
 * it again.
 *
 * <p>Thread-safe.
 */
public final class OutputLimits {
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final int fallback;

    /**
     * @param initial  per topic, the largest record in bytes
     * @param fallback the limit of topics not in {@code initial}
     */
    public OutputLimits(Map<String, Integer> initial, int fallback) {
        this.limits.putAll(initial);
        this.fallback = fallback;
    }

    /** @return Kafka's defaults for every topic (1 MiB less the compression margin) */
    public static OutputLimits defaults() {
        return new OutputLimits(Map.of(), RecordLimits.maxRecordBytes(RecordLimits.DEFAULT_MAX_REQUEST_SIZE,
                RecordLimits.DEFAULT_MAX_MESSAGE_BYTES));
    }

    /**
     * @param topic an output topic
     * @return the largest record, in bytes as the producer counts them, that may be written to it
     */
    public int of(String topic) {
        return limits.getOrDefault(Objects.requireNonNull(topic, "topic"), fallback);
    }

    /**
     * Records that a record of {@code refusedBytes} was refused by {@code topic}.
     *
     * @param topic        the topic
     * @param refusedBytes the refused record's size
     * @return the new limit of the topic
     */
    public int refused(String topic, int refusedBytes) {
        return limits.merge(topic, Math.max(0, refusedBytes - 1), Math::min);
    }
}
