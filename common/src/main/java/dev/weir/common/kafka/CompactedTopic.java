package dev.weir.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A compacted topic of text records that holds a whole set of definitions (rule files, probes):
 * {@link #replace} makes it hold exactly the given records, with tombstones for keys it no longer
 * holds. What {@code weir rules apply} and {@code weir probes apply} do.
 */
public final class CompactedTopic {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private CompactedTopic() {}

    /**
     * Writes every record (acknowledged by the broker) and a tombstone for every live key not among them.
     *
     * @param kafka            Kafka, with its security settings
     * @param topic            the compacted topic
     * @param clientId         client id of the producer and consumer
     * @param records          key → value, all non-null
     * @return the keys deleted, sorted
     * @throws IllegalStateException when Kafka does not acknowledge or the topic cannot be read
     */
    public static List<String> replace(KafkaSettings kafka, String topic, String clientId, Map<String, String> records) {
        List<String> deleted = liveKeys(kafka, topic, clientId).stream().filter(k -> !records.containsKey(k)).toList();
        Map<String, Object> props = KafkaClients.producer(kafka, clientId);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            records.forEach((k, v) -> sent.add(producer.send(new ProducerRecord<>(topic, k, v))));
            for (String k : deleted) {
                sent.add(producer.send(new ProducerRecord<>(topic, k, null)));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Publishing to " + topic + " at " + kafka.bootstrapServers() + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic, e);
        }
        return deleted;
    }

    /**
     * @param kafka            Kafka, with its security settings
     * @param topic            the compacted topic
     * @param clientId         client id of the consumer
     * @return keys whose latest record is not a tombstone, read from the beginning to the end offsets
     * @throws IllegalStateException when the topic cannot be read to its end within 30 s
     */
    public static Set<String> liveKeys(KafkaSettings kafka, String topic, String clientId) {
        Map<String, Object> props = KafkaClients.consumer(kafka, clientId);
        props.remove("group.id");
        Map<String, String> latest = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read topic " + topic + " to its end within 30 s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), r.value());
                }
            }
        }
        return latest.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
