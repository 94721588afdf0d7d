package dev.weir.common.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client settings every component shares, so that durability choices are made once:
 * producers use {@code acks=all} and idempotence (the agent may only move its checkpoint once
 * the broker has the record); consumers commit manually and read only committed records.
 */
public final class KafkaClients {
    private KafkaClients() {}

    /**
     * Durable producer settings.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @param clientId shows up in broker logs and metrics
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> producer(String bootstrapServers, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        return props;
    }

    /**
     * Consumer settings with manual commits and {@code read_committed} isolation.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @param groupId the consumer group
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> consumer(String bootstrapServers, String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }
}
