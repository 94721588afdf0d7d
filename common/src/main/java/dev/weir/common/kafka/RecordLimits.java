package dev.weir.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record a producer can write to a topic: the smaller of the producer's
 * {@code max.request.size} (checked on the uncompressed record) and the topic's
 * {@code max.message.bytes} (checked by the broker on the compressed batch), less 1 % of it for what
 * compression can add to data that does not compress (lz4 adds at most 0.4 %).
 */
public final class RecordLimits {
    /** Kafka's default of both {@code max.request.size} and, near enough, {@code max.message.bytes}: 1 MiB. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Kafka's default {@code max.message.bytes} (1 MiB plus a batch header), assumed when the topic cannot be described. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    private static final Logger log = LoggerFactory.getLogger(RecordLimits.class);

    private RecordLimits() {
    }

    /**
     * @param maxRequestSize  the producer's {@value ProducerConfig#MAX_REQUEST_SIZE_CONFIG}
     * @param maxMessageBytes the topic's {@value TopicConfig#MAX_MESSAGE_BYTES_CONFIG}
     * @return the largest record, in bytes as {@code max.request.size} counts them, that both accept
     */
    public static int maxRecordBytes(int maxRequestSize, int maxMessageBytes) {
        long topic = maxMessageBytes - maxMessageBytes / 100L;
        return (int) Math.min(maxRequestSize, topic);
    }

    /**
     * Asks the cluster for each topic's {@code max.message.bytes}. A topic that cannot be described (missing, not
     * authorised, no answer within 30 s) gets {@link #DEFAULT_MAX_MESSAGE_BYTES}, with a warning.
     *
     * @param admin          an admin client of the cluster
     * @param topics         topic names
     * @param maxRequestSize the producer's {@code max.request.size}
     * @return per topic, {@link #maxRecordBytes(int, int)}
     */
    public static Map<String, Integer> of(Admin admin, List<String> topics, int maxRequestSize) {
        return of(admin, topics, maxRequestSize, Duration.ofSeconds(30));
    }

    /**
     * As {@link #of(Admin, List, int)}, waiting at most {@code timeout} for the answer.
     *
     * @param admin          an admin client of the cluster
     * @param topics         topic names
     * @param maxRequestSize the producer's {@code max.request.size}
     * @param timeout        how long to wait for the cluster
     * @return per topic, {@link #maxRecordBytes(int, int)}
     */
    public static Map<String, Integer> of(Admin admin, List<String> topics, int maxRequestSize, Duration timeout) {
        Map<String, Integer> limits = new HashMap<>();
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = Map.of();
        try {
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Cannot read max.message.bytes of {} ({}); assuming Kafka's default of {} bytes", topics,
                    e instanceof ExecutionException ? e.getCause() : e, DEFAULT_MAX_MESSAGE_BYTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the topics " + topics, e);
        }
        for (ConfigResource r : resources) {
            Config c = configs.get(r);
            ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            int maxMessage = e == null || e.value() == null ? DEFAULT_MAX_MESSAGE_BYTES : Integer.parseInt(e.value());
            limits.put(r.name(), maxRecordBytes(maxRequestSize, maxMessage));
        }
        return limits;
    }
}
