package dev.weir.emitter.state;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A {@link StateStore} kept in a compacted topic (key = state key, value = JSON, null =
 * deleted). {@link #load()} reads the topic from the beginning to its end offsets; {@link #put}
 * waits for the broker's acknowledgement (acks=all), so an entry written before a crash is
 * there after the restart.
 */
public final class KafkaStateStore implements StateStore {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaSettings kafka;
    private final String topic;
    private final KafkaProducer<String, String> producer;

    /**
     * @param kafka the cluster
     * @param topic a compacted topic, e.g. {@code weir.notifications}
     * @param clientId for broker logs
     */
    public KafkaStateStore(KafkaSettings kafka, String topic, String clientId) {
        this.kafka = kafka;
        this.topic = topic;
        this.producer = new KafkaProducer<>(KafkaClients.producer(kafka, clientId),
                new StringSerializer(), new StringSerializer());
    }

    @Override
    public Map<String, String> load() {
        Map<String, Object> props = KafkaClients.consumer(kafka, "weir-emitter-state-loader");
        props.remove("group.id");
        Map<String, String> state = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within 60 s; is the broker up?");
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        state.remove(r.key());
                    } else {
                        state.put(r.key(), r.value());
                    }
                }
            }
        }
        return state;
    }

    @Override
    public void put(String key, String value) {
        write(key, value);
    }

    @Override
    public void delete(String key) {
        write(key, null);
    }

    private void write(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write " + key + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
