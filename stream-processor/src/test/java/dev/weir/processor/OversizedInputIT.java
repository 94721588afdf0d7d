package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.processor.deadletter.DeadLetterCounters;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw values far larger than the processor's event limit, compressed by the producer so that the broker takes them
 * (the agent's producer does the same with lz4), against the processor with its default limits on a real broker: each
 * becomes a bounded {@code too_large} dead letter and the events behind it are processed.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class OversizedInputIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private KafkaBroker kafka;
    private ProcessorApp app;

    @BeforeAll
    void start(KafkaBroker kafka, @TempDir Path stateDir) {
        this.kafka = kafka;
        ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(stateDir.resolve("state")).withApplicationId("weir-oversized-it");
        app = new ProcessorApp(config, Clock.systemUTC(), List.of());
        app.start();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldDeadLetterA2MegabyteEventAndProcessTheNextOnes() throws Exception {
        shouldDeadLetterAndGoOn("two-mb", 2_000_000);
    }

    @Test
    void shouldDeadLetterA5MegabyteEventAndProcessTheNextOnes() throws Exception {
        shouldDeadLetterAndGoOn("five-mb", 5_000_000);
    }

    private void shouldDeadLetterAndGoOn(String service, int size) throws Exception {
        String head = "{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\"";
        byte[] huge = (head + "x".repeat(size - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
        double failuresBefore = threadFailures();
        List<byte[]> values = new ArrayList<>();
        values.add(huge);
        for (int i = 0; i < 20; i++) {
            values.add(("{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\"after " + i
                    + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        List<ConsumerRecord<byte[], byte[]>> dead = produceAndRead(service, values, 20).dead();

        assertThat(dead).singleElement().satisfies(r -> {
            DeadLetterHeaders.Values h = DeadLetterHeaders.read(r.headers());
            assertThat(h.reason()).isEqualTo("too_large");
            assertThat(h.detail()).contains(size + " bytes", "1048576 bytes");
            assertThat(r.value().length).isLessThan(1 << 20).isGreaterThan(900_000);
            assertThat(huge).startsWith(r.value());
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.TRUNCATED)).contains("value");
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ORIGINAL_SIZE)).contains(Integer.toString(size));
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ORIGINAL_SHA256)).contains(sha256(huge));
        });
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(threadFailures()).as("stream threads that died").isEqualTo(failuresBefore);
    }

    /**
     * The clean topic's limit lowered while the processor runs: the normaliser does not know it, so the broker refuses
     * the event's record. The thread that sent it is replaced once, and on its second pass the event is a dead letter.
     */
    @Test
    void shouldDeadLetterAnEventTheCleanTopicRefusesAfterItsLimitWasLowered() throws Exception {
        String service = "refused";
        double failuresBefore = threadFailures();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            setMaxMessageBytes(admin, "20000");
            try {
                List<byte[]> values = new ArrayList<>();
                values.add(("{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"message\":\""
                        + "y".repeat(30_000) + "\"}").getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 20; i++) {
                    values.add(("{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service
                            + "\",\"message\":\"after " + i + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                Output out = produceAndRead(service, values, 20);
                assertThat(out.dead()).singleElement().satisfies(r -> {
                    assertThat(DeadLetterHeaders.read(r.headers()).reason()).isEqualTo("too_large");
                    assertThat(DeadLetterHeaders.read(r.headers()).detail()).contains(Topics.LOGS);
                });
                assertThat(app.registry().find(DeadLetterCounters.REFUSED_METER).tag("topic", Topics.LOGS).counter().count())
                        .isPositive();
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(threadFailures() - failuresBefore).as("stream threads replaced").isBetween(1.0, 2.0);
            } finally {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.LOGS), List.of(
                        new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, null), AlterConfigOp.OpType.DELETE))))
                        .all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private void setMaxMessageBytes(Admin admin, String bytes) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.LOGS), List.of(
                new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    private double threadFailures() {
        return app.registry().find(StreamFailures.METER).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private record Output(List<ConsumerRecord<byte[], byte[]>> clean, List<ConsumerRecord<byte[], byte[]>> dead) {
    }

    /** Sends the values to the raw logs topic, compressed, and reads the service's clean events and dead letters. */
    private Output produceAndRead(String service, List<byte[]> values, int cleanExpected) {
        Map<String, Object> props = KafkaClients.producer(kafka.bootstrapServers(), "oversized-" + service);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] v : values) {
                producer.send(new ProducerRecord<>(Topics.RAW_LOGS, key(service), v));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> clean = new ArrayList<>();
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        Map<String, Object> c = KafkaClients.consumer(kafka.bootstrapServers(), "oversized-reader-" + service);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LOGS, Topics.DEADLETTER));
            Poll.until(DEADLINE, () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (service.equals(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))) {
                        (r.topic().equals(Topics.LOGS) ? clean : dead).add(r);
                    }
                }
                return clean.size() >= cleanExpected && dead.size() + clean.size() >= values.size();
            }, () -> cleanExpected + " clean events and " + (values.size() - cleanExpected) + " dead letters of " + service
                    + " (have " + clean.size() + " and " + dead.size() + "; processor " + app.state() + ")");
            // anything more would be a duplicate: give it a moment to show up
            consumer.poll(Duration.ofSeconds(1)).forEach(r -> {
                if (service.equals(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8))) {
                    (r.topic().equals(Topics.LOGS) ? clean : dead).add(r);
                }
            });
        }
        assertThat(clean).hasSize(cleanExpected);
        return new Output(clean, dead);
    }

    private static byte[] key(String service) {
        return service.getBytes(StandardCharsets.UTF_8);
    }
}
