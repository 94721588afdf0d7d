package dev.weir.emitter.intake;

import dev.weir.emitter.alert.Alert;
import dev.weir.schemas.AlertEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the alert state changes of {@code weir.alerts} (key = fingerprint, value = Avro
 * {@link AlertEvent}) to the dispatcher.
 *
 * <p><b>Startup replay.</b> The dispatcher's state (which alerts fire, in which groups) lives in
 * memory, so on start every partition is read from its beginning to the end offsets of that
 * moment, reduced to the latest event per fingerprint, and that state is handed over before any
 * newer event. Alerts already notified are not notified again: the notification log
 * ({@code weir.notifications}) says so; a resolve that arrived while the emitter was down is
 * delivered. How far back this reaches is the topic's retention: a rule that fires for longer
 * than that without re-sending its alert is forgotten on restart.
 *
 * <p><b>Positions.</b> {@link #processed()} tells how far the dispatcher has taken each partition:
 * an instance taking a share of the groups over waits until it has read what was written before
 * ({@link #reached}), and the group {@code weir-emitter} commits these positions to show the lag.
 *
 * <p><b>Bad records</b> (undecodable bytes, an event without fingerprint) are logged with topic,
 * partition and offset, counted in {@code weir_emitter_alert_events_invalid_total} and skipped.
 *
 * <p>Every partition of the topic is assigned to this consumer (no group): every instance sees
 * every alert, to group, inhibit and answer the API; which instance notifies which group is
 * decided apart ({@code KafkaOwnership}). {@link #run()} runs on one thread; {@link #close()},
 * {@link #processed()} and {@link #reached} may be called from any thread.
 */
public final class AlertConsumer implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Deserializer<AlertEvent> deserializer;
    private final Consumer<Alert> sink;
    private final Counter consumed;
    private final Counter invalid;
    private volatile boolean running = true;
    private volatile boolean replayed;
    private volatile String problem;
    private volatile Map<TopicPartition, Long> processed = Map.of();
    private final Object stop = new Object();

    /**
     * @param consumer a consumer with {@code read_committed} and no group (see
     *     {@code KafkaClients.consumer}); owned by this object from now on and closed when
     *     {@link #run()} ends
     * @param topic the alerts topic, {@code weir.alerts} in production
     * @param deserializer for the values, {@code WeirSerdes.alertEvent().deserializer()}
     * @param sink takes each alert; when it returns, the alert counts as accepted ({@code Dispatcher::put})
     * @param registry for {@code weir_emitter_alert_events_*_total}
     */
    public AlertConsumer(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, String topic,
                         Deserializer<AlertEvent> deserializer, Consumer<Alert> sink, MeterRegistry registry) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.consumed = Counter.builder("weir_emitter_alert_events_consumed_total").tag("topic", topic).register(registry);
        this.invalid = Counter.builder("weir_emitter_alert_events_invalid_total").tag("topic", topic).register(registry);
    }

    /** @return true once the startup replay has been handed to the dispatcher */
    public boolean replayed() {
        return replayed;
    }

    /** @return why the consumer is not (yet) working, or null */
    public String problem() {
        return problem;
    }

    @Override
    public void run() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            replay(partitions);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    Alert alert = decode(r);
                    if (alert != null) {
                        sink.accept(alert);
                    }
                }
                updateProcessed(partitions);
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            problem = "consuming " + topic + " failed: " + e.getMessage();
            log.error("consuming {} failed; no more alerts are read from Kafka", topic, e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("error closing the {} consumer", topic, e);
            }
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                problem = null;
                return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            problem = "topic " + topic + " does not exist; create Weir's topics (weir up does)";
            log.warn("Topic {} does not exist yet; waiting for it. Create Weir's topics (weir up does).", topic);
            // partitionsFor returns at once for a missing topic: wait a little before asking again.
            synchronized (stop) {
                try {
                    stop.wait(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
        return List.of();
    }

    private void replay(List<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<String, Alert> latest = new LinkedHashMap<>();
        List<Alert> newer = new ArrayList<>();
        long events = 0;
        while (running && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                Alert alert = decode(r);
                if (alert == null) {
                    continue;
                }
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    events++;
                    latest.remove(alert.fingerprint());
                    latest.put(alert.fingerprint(), alert);
                } else {
                    newer.add(alert);
                }
            }
        }
        if (!running) {
            return;
        }
        latest.values().forEach(sink);
        newer.forEach(sink);
        updateProcessed(partitions);
        replayed = true;
        log.info("replayed {} events of {} ({} alerts) to rebuild the dispatcher's state", events, topic, latest.size());
    }

    private Alert decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            if (r.value() == null) {
                return null;
            }
            Alert alert = AlertEventAdapter.toAlert(deserializer.deserialize(r.topic(), r.headers(), r.value()));
            consumed.increment();
            return alert;
        } catch (KafkaException | IllegalArgumentException | NullPointerException e) {
            invalid.increment();
            log.error("skipping unreadable alert event {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return null;
        }
    }

    private void updateProcessed(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> p = new HashMap<>();
        partitions.forEach(tp -> p.put(tp, consumer.position(tp)));
        processed = Map.copyOf(p);
    }

    /** @return per partition, the offset up to which the dispatcher has every record */
    public Map<TopicPartition, Long> processed() {
        return processed;
    }

    /**
     * @param offsets end offsets of the topic's partitions taken at some moment
     * @return whether the dispatcher has every record written before that moment
     */
    public boolean reached(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> p = processed;
        return replayed && offsets.entrySet().stream().allMatch(e -> p.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** Stops {@link #run()} (it closes the consumer); returns at once. */
    @Override
    public void close() {
        running = false;
        synchronized (stop) {
            stop.notifyAll();
        }
        consumer.wakeup();
    }
}
