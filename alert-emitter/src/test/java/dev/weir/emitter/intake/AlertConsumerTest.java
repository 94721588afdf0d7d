package dev.weir.emitter.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.testing.KafkaTopics;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.KafkaConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code weir.alerts} consumer against the real broker, feeding a recording sink. */
@ExtendWith(LocalStackExtension.class)
class AlertConsumerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final KafkaBroker kafka;
    private final Serializer<AlertEvent> serializer = WeirSerdes.alertEvent().serializer();
    private final List<Alert> accepted = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private String topic;
    private String group;
    private KafkaProducer<String, byte[]> producer;
    private AlertConsumer consumer;
    private Thread thread;

    AlertConsumerTest(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void setUp() throws Exception {
        topic = KafkaTopics.unique("emitter-alerts-it");
        group = KafkaTopics.unique("emitter-it");
        kafka.createTopic(topic, 3);
        producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "alerts-test"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (consumer != null) {
            consumer.close();
            thread.join(10_000);
            assertThat(thread.isAlive()).as("consumer thread stopped").isFalse();
        }
        producer.close();
    }

    private void produce(AlertEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, event.getFingerprint(), serializer.serialize(topic, event))).get(30, TimeUnit.SECONDS);
    }

    private void start(Consumer<Alert> sink) {
        KafkaConsumer<byte[], byte[]> kafkaConsumer = new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(), group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer = new AlertConsumer(kafkaConsumer, topic, WeirSerdes.alertEvent().deserializer(), sink, registry);
        thread = new Thread(consumer, "alert-consumer-test");
        thread.start();
        Poll.until(TIMEOUT, consumer::replayed, () -> "the consumer to finish its replay (" + consumer.problem() + ")");
    }

    /** The offset up to which the consumer says the sink has every record of the fingerprint's partition. */
    private long processed(String fingerprint) {
        int partitions = producer.partitionsFor(topic).size();
        return consumer.processed().getOrDefault(new TopicPartition(topic, partitionOf(fingerprint, partitions)), 0L);
    }

    private int partitionOf(String key, int partitions) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    @Test
    void shouldRebuildTheLatestStateOfEachAlertFromHistoryOnStart() throws Exception {
        AlertEvent a = AlertEvents.firing("fp-a", "HighErrorRate", "checkout", T0);
        AlertEvent b = AlertEvents.firing("fp-b", "HighLatency", "search", T0);
        produce(a);
        produce(b);
        produce(AlertEvents.resolved(b, T0.plusSeconds(300)));

        start(accepted::add);

        assertThat(accepted).extracting(Alert::fingerprint, Alert::status).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("fp-a", Alert.Status.FIRING),
                org.assertj.core.groups.Tuple.tuple("fp-b", Alert.Status.RESOLVED));
    }

    @Test
    void shouldPassEventsProducedAfterStartToTheSinkInOrder() throws Exception {
        start(accepted::add);
        AlertEvent a = AlertEvents.firing("fp-a", "HighErrorRate", "checkout", T0);

        produce(a);
        produce(AlertEvents.resolved(a, T0.plusSeconds(60)));

        Poll.until(TIMEOUT, () -> accepted.size() == 2, () -> "2 alerts accepted (have " + accepted + ")");
        assertThat(accepted).extracting(Alert::status).containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
        assertThat(accepted.get(0).labels()).containsEntry("alertname", "HighErrorRate");
    }

    @Test
    void shouldCountAnEventProcessedOnlyAfterTheSinkAcceptedIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(alert -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            accepted.add(alert);
        });

        produce(AlertEvents.firing("fp-a", "HighErrorRate", "checkout", T0));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
        int partitions = producer.partitionsFor(topic).size();
        Map<TopicPartition, Long> end = Map.of(new TopicPartition(topic, partitionOf("fp-a", partitions)), 1L);
        assertThat(processed("fp-a")).as("offset while the sink still holds the alert").isZero();
        assertThat(consumer.reached(end)).isFalse();

        release.countDown();
        Poll.until(TIMEOUT, () -> processed("fp-a") == 1, () -> "offset 1 processed for fp-a's partition");
        assertThat(consumer.reached(end)).as("a successor waiting for this offset may go on").isTrue();
        assertThat(accepted).hasSize(1);
    }

    @Test
    void shouldSkipAnUndecodableRecordAndContinue() throws Exception {
        start(accepted::add);

        producer.send(new ProducerRecord<>(topic, "fp-bad", "not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        produce(AlertEvents.firing("fp-bad", "HighErrorRate", "checkout", T0));

        Poll.until(TIMEOUT, () -> accepted.size() == 1, () -> "the valid alert accepted (have " + accepted + ")");
        assertThat(registry.get("weir_emitter_alert_events_invalid_total").counter().count()).isEqualTo(1.0);
    }
}
