package dev.weir.common.kafka;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The client settings every component shares, so that durability choices are made once:
 * producers use {@code acks=all} and idempotence (the agent may only move its checkpoint once
 * the broker has the record); consumers commit manually and read only committed records. The
 * connection and security settings come from {@link KafkaSettings}; its {@code properties} are
 * applied last, so users can override any of these.
 */
public final class KafkaClients {
    private KafkaClients() {}

    /**
     * Durable producer settings against a plaintext cluster (tests, benchmarks).
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @param clientId shows up in broker logs and metrics
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> producer(String bootstrapServers, String clientId) {
        return producer(KafkaSettings.plaintext(Objects.requireNonNull(bootstrapServers, "bootstrapServers")), clientId);
    }

    /**
     * Durable producer settings.
     *
     * @param kafka connection and security
     * @param clientId shows up in broker logs and metrics
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> producer(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        return props;
    }

    /**
     * Consumer settings with manual commits and {@code read_committed} isolation, against a
     * plaintext cluster (tests, benchmarks).
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @param groupId the consumer group
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> consumer(String bootstrapServers, String groupId) {
        return consumer(KafkaSettings.plaintext(Objects.requireNonNull(bootstrapServers, "bootstrapServers")), groupId);
    }

    /**
     * Consumer settings with manual commits and {@code read_committed} isolation.
     *
     * @param kafka connection and security
     * @param groupId the consumer group
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> consumer(KafkaSettings kafka, String groupId) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /**
     * Admin client settings.
     *
     * @param kafka connection and security
     * @param clientId shows up in broker logs
     * @return a mutable map the caller may extend
     */
    public static Map<String, Object> admin(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
