package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.Topic;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules in the processor's topology on a real broker under exactly_once_v2, fed raw JSON, with a processor JVM
 * killed (SIGKILL) mid-episode.
 */
@ExtendWith(LocalStackExtension.class)
class RulesIT {
    static final String RULE = """
            rules:
              - alert: ErrorSpike
                signal: error_ratio
                window: 5m
                threshold: 50%
                min_events: 5
                severity: critical
            """;

    final KafkaBroker kafka;
    @TempDir
    Path dir;

    static final int PARTITIONS = 2;

    ProcessorTopics topics;
    String appId;
    KafkaProducer<String, String> producer;
    KafkaConsumer<String, AlertEvent> consumer;
    final List<AlertEvent> seen = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();

    RulesIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void setUp() {
        String prefix = "it7-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        topics = ProcessorTopics.prefixed(prefix);
        appId = "rules-it-" + UUID.randomUUID();
        for (Topic<?, ?> t : List.of(topics.rawLogs(), topics.rawRequests(), topics.logs(), topics.requests(), topics.deadLetters(),
                topics.errors(), topics.latency(), topics.logins(), topics.alerts())) {
            kafka.createTopic(t.name(), PARTITIONS);
        }
        kafka.createTopic(topics.rules().name(), 1);
        producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "rules-it"), new StringSerializer(),
                new StringSerializer());
        consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(), "rules-it-" + UUID.randomUUID()),
                new StringDeserializer(), WeirSerdes.alertEvent().deserializer());
        consumer.subscribe(List.of(topics.alerts().name()));
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
        producer.close();
        consumer.close();
    }

    Process startProcessor(Path stateDir) throws Exception {
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, RULE);
        Path log = dir.resolve("processor-" + processes.size() + ".log");
        Process p = ChildJvm.main(RulesRunner.class.getName(), List.of(kafka.bootstrapServers(), appId, stateDir.toString(),
                        topics.requests().name().substring(0, topics.requests().name().length() - "weir.requests".length()),
                        rules.toString(), String.valueOf(PARTITIONS)))
                .jvmOptions(List.of("-Xmx256m", TempDirs.childTmpdirOption(dir))).output(log).start();
        processes.add(p);
        Poll.until(Duration.ofSeconds(60), () -> Files.readString(log).contains("STATE RUNNING"),
                () -> "processor RUNNING; log: " + tail(log));
        return p;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(File.separator.equals("/") ? "\n" : "\r\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (Exception e) {
            return e.toString();
        }
    }

    void send(int status, int count) {
        for (int i = 0; i < count; i++) {
            String json = "{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"checkout\",\"method\":\"GET\","
                    + "\"path\":\"/pay\",\"status\":" + status + ",\"duration_ms\":5.0}";
            producer.send(new ProducerRecord<>(topics.rawRequests().name(), "checkout", json));
        }
        producer.flush();
    }

    List<AlertStatus> statuses() {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
        return seen.stream().map(AlertEvent::getStatus).toList();
    }

    void spikeKillAndRecover(Path secondStateDir) throws Exception {
        Path stateDir = dir.resolve("state-a");
        Process first = startProcessor(stateDir);
        send(500, 10);
        Poll.until(Duration.ofSeconds(30), () -> statuses().contains(AlertStatus.FIRING), () -> "FIRING, saw " + seen);
        send(500, 20); // more errors while firing, some in flight when the JVM dies
        first.destroyForcibly().waitFor();

        startProcessor(secondStateDir == null ? stateDir : secondStateDir);
        send(500, 5);
        send(200, 100); // 35 errors of 135 requests: under 50 %
        Poll.until(Duration.ofSeconds(90), () -> statuses().contains(AlertStatus.RESOLVED), () -> "RESOLVED, saw " + seen);
        send(200, 10);
        // nothing more may follow: read until the processor committed the last requests
        Poll.until(Duration.ofSeconds(10), () -> {
            statuses();
            return consumer.assignment().stream().allMatch(tp -> consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp));
        }, () -> "end of " + topics.alerts().name());
    }

    @Test
    void shouldEmitOneFiringAndOneResolvedWhenTheProcessorIsKilledAndRestartsOnItsStateDir() throws Exception {
        spikeKillAndRecover(null);
        assertThat(seen).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        assertThat(seen).extracting(AlertEvent::getFingerprint).containsOnly(seen.get(0).getFingerprint());
        assertThat(seen.get(1).getStartsAt()).isEqualTo(seen.get(0).getStartsAt());
    }

    @Test
    void shouldEmitOneFiringAndOneResolvedWhenTheProcessorIsKilledAndReplacedOnAFreshStateDir() throws Exception {
        spikeKillAndRecover(dir.resolve("state-b"));
        assertThat(seen).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        assertThat(seen).extracting(AlertEvent::getFingerprint).containsOnly(seen.get(0).getFingerprint());
    }

}
