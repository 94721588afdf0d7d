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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} kept in a compacted topic (key = state key, value = JSON, null = deleted)
 * that every emitter instance follows.
 *
 * <p>{@link #start} reads the topic from the beginning to its end offsets ({@code read_committed})
 * on the caller's thread, then a daemon thread follows it. {@link #put} waits for the broker's
 * acknowledgement ({@code acks=all}), so an entry written before a crash is there after the
 * restart, and applies the write at once (read your writes).
 *
 * <p>Every change is applied with the offset it has in the topic and ignored when the key
 * already holds a change from a later offset: this instance's own writes, applied when acknowledged,
 * are not rolled back when the follower reads them (or older records) later. Records written by
 * other producers of this topic (the notification log's transactional writers) are applied through
 * {@link #written}. Thread-safe.
 */
public final class KafkaStateStore implements StateStore {
    private static final Logger log = LoggerFactory.getLogger(KafkaStateStore.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaSettings kafka;
    private final String topic;
    private final KafkaProducer<String, String> producer;
    private final Map<String, Long> versions = new HashMap<>();
    private volatile Map<Integer, Long> position = Map.of();
    private Listener listener;
    private KafkaConsumer<String, String> consumer;
    private Thread follower;
    private volatile boolean running;

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

    /** @return the topic */
    public String topic() {
        return topic;
    }

    @Override
    public void start(Listener l) {
        synchronized (this) {
            if (listener != null) {
                throw new IllegalStateException("the store of " + topic + " is already started");
            }
            listener = l;
        }
        Map<String, Object> props = KafkaClients.consumer(kafka, "weir-emitter-state");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                consumer.close();
                throw new IllegalStateException("Could not read " + topic + " to its end within " + LOAD_TIMEOUT.toSeconds()
                        + " s; is the broker up?");
            }
            apply(consumer.poll(Duration.ofMillis(200)));
        }
        updatePosition(partitions);
        running = true;
        follower = new Thread(() -> follow(partitions), "emitter-state-" + topic);
        follower.setDaemon(true);
        follower.start();
    }

    private void follow(List<TopicPartition> partitions) {
        try {
            while (running) {
                apply(consumer.poll(Duration.ofMillis(500)));
                updatePosition(partitions);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("following {} failed; changes made by other instances are no longer seen here", topic, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void updatePosition(List<TopicPartition> partitions) {
        Map<Integer, Long> p = new HashMap<>();
        partitions.forEach(tp -> p.put(tp.partition(), consumer.position(tp)));
        position = Map.copyOf(p);
    }

    private void apply(Iterable<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> r : records) {
            if (r.key() != null) {
                written(r.key(), r.value(), r.offset());
            }
        }
    }

    /**
     * Applies a record of this topic, unless the key already holds one from a later offset.
     *
     * @param key the key
     * @param value the value, null for a tombstone
     * @param offset where the broker put it (keys always land in the same partition)
     */
    public synchronized void written(String key, String value, long offset) {
        if (listener == null) {
            return; // not started: start() reads it from the topic
        }
        Long applied = versions.get(key);
        if (applied != null && applied >= offset) {
            return;
        }
        versions.put(key, offset);
        listener.changed(key, value);
    }

    /**
     * @param offsets end offsets of this topic's partitions taken at some moment
     * @return whether every change written before that moment has been applied
     */
    public boolean reached(Map<TopicPartition, Long> offsets) {
        Map<Integer, Long> p = position;
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                .allMatch(e -> p.getOrDefault(e.getKey().partition(), 0L) >= e.getValue());
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
        RecordMetadata md;
        try {
            md = producer.send(new ProducerRecord<>(topic, key, value)).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted writing " + key + " to " + topic, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            throw new IllegalStateException("cannot write " + key + " to " + topic + ": " + e.getMessage(), e);
        }
        written(key, value, md.offset());
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (follower != null) {
            try {
                follower.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
    }
}
