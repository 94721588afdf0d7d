package dev.weir.emitter.cluster;

import dev.weir.emitter.notifylog.LogWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which alert groups this emitter instance notifies. Every instance knows every alert and every
 * group; the work is split by partition: a group belongs to partition
 * {@code murmur2(groupKey) mod partitions} of {@code weir.alerts} and is notified only by the
 * instance that owns that partition in the {@code weir-emitter} consumer group, once that
 * instance is ready for it (see {@link KafkaOwnership}). Thread-safe.
 */
public interface Ownership {
    /**
     * @param key a group key (or an alert fingerprint)
     * @return the writer of the notification log for the key's partition when this instance owns
     *     it and is ready to notify for it, else null
     */
    LogWriter writer(String key);

    /** @return whether this instance notifies for {@code key} now */
    default boolean owns(String key) {
        return writer(key) != null;
    }

    /** @return the partition {@code key} belongs to */
    int partitionOf(String key);

    /**
     * The partition of a key among {@code partitions}: Kafka's default partitioner for a string key.
     *
     * @param key the key
     * @param partitions how many partitions, at least 1
     * @return 0 .. partitions - 1
     */
    static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * A single instance that owns everything (no Kafka, or tests).
     *
     * @param writer writes the notification log
     * @return the ownership
     */
    static Ownership everything(LogWriter writer) {
        return new Ownership() {
            @Override
            public LogWriter writer(String key) {
                return writer;
            }

            @Override
            public int partitionOf(String key) {
                return 0;
            }
        };
    }
}
