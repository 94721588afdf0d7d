package dev.weir.processor.normalize;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which task owns a service's measures and rules: task {@code p} owns the services whose key the
 * producer's default partitioner puts in partition {@code p} of {@code partitions}, which is where
 * Kafka puts them in the measures' repartition topics (they have {@code partitions} partitions).
 * So a raw event read in the partition its service hashes to is measured where it was read, and
 * any other goes through a repartition topic to its owner: correct whatever the raw topics'
 * partition counts and however the producer keyed the event.
 */
public final class ServiceOwners {
    private final int partitions;

    /**
     * @param partitions partitions of the measures' repartition topics, normally the raw topics' count
     * @throws IllegalArgumentException when below 1
     */
    public ServiceOwners(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        this.partitions = partitions;
    }

    /** @return the repartition topics' partition count */
    public int partitions() {
        return partitions;
    }

    /**
     * @param service   the event's service
     * @param partition the raw partition (= task) the event was read in
     * @return whether that task owns the service
     */
    public boolean owns(String service, int partition) {
        return partition == partition(service, partitions);
    }

    /**
     * The partition Kafka's default partitioner gives a String key (as {@code BuiltInPartitioner.partitionForKey}).
     *
     * @param service    the key
     * @param partitions the topic's partition count
     * @return the partition
     */
    public static int partition(String service, int partitions) {
        return Utils.toPositive(Utils.murmur2(service.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
