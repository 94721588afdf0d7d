package dev.weir.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.emitter.intake.AlertEvents;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.state.KafkaStateStore;
import dev.weir.emitter.testing.EmitterProcess;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emitter as its own JVM ({@link EmitterProcess}) on the real broker, killed with SIGKILL and restarted.
 *
 * <p>The kill comes once the webhook stub has the firing notifications and the emitter has
 * written them to its notification log ({@code weir.notifications}): the notification happened,
 * but the emitter's in-memory state is lost and it must rebuild it from {@code weir.alerts}.
 * (A kill between the receiver's answer and that log write, a few milliseconds, leaves the
 * notification announced but not known delivered: the restarted emitter sends it again with the
 * same {@code Idempotency-Key}, see {@code EmitterHighAvailabilityTest}.)
 */
@ExtendWith(LocalStackExtension.class)
class EmitterCrashTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBroker kafka;
    private final RecordingHttpServer hook = new RecordingHttpServer();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<EmitterProcess> emitters = new ArrayList<>();
    private KafkaProducer<String, AlertEvent> producer;
    private Path dir;
    private Path config;

    EmitterCrashTest(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        this.dir = dir;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, 3, (short) 1);
        }
        producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "crash-test"),
                new StringSerializer(), WeirSerdes.alertEvent().serializer());
        config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: hook
                  group_by: [alertname, service]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 4h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                """.formatted(hook.url("/hook")));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (EmitterProcess e : emitters) {
            e.close();
        }
        producer.close();
        hook.close();
    }

    private EmitterProcess startEmitter(String name) throws Exception {
        EmitterProcess e = EmitterProcess.start(dir, name, config, kafka.bootstrapServers());
        emitters.add(e);
        return e;
    }

    private void produce(AlertEvent event) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, event.getFingerprint(), event)).get(30, TimeUnit.SECONDS);
    }

    private long loggedNotifications() {
        try (KafkaStateStore nflog = new KafkaStateStore(KafkaSettings.plaintext(kafka.bootstrapServers()), Topics.NOTIFICATIONS, "crash-test-reader")) {
            NotificationLog log = new NotificationLog(nflog);
            return log.keys("hook/webhook[0]/").stream()
                    .filter(k -> log.get(k).delivered() != null && log.get(k).pending() == null).count();
        }
    }

    /** "firing HighErrorRate" etc.: what each request to the stub said, in arrival order. */
    private List<String> notifications() {
        return hook.json().stream().map(EmitterCrashTest::describe).toList();
    }

    private static String describe(JsonNode body) {
        StringBuilder s = new StringBuilder(body.get("status").asText()).append(' ')
                .append(body.get("groupLabels").get("alertname").asText());
        for (JsonNode a : body.get("alerts")) {
            s.append(' ').append(a.get("fingerprint").asText()).append('=').append(a.get("status").asText());
        }
        return s.toString();
    }

    @Test
    void shouldNeitherRepeatNorLoseANotificationWhenKilledAfterNotifying() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AlertEvent a = AlertEvents.firing("fp-a", "HighErrorRate", "checkout", start);
        AlertEvent b = AlertEvents.firing("fp-b", "HighLatency", "search", start);

        EmitterProcess first = startEmitter("emitter-1");
        produce(a);
        produce(b);
        Poll.until(TIMEOUT, () -> hook.bodies().size() == 2 && loggedNotifications() == 2,
                () -> "2 firing notifications sent and logged (have " + notifications() + ")");

        assertThat(first.kill()).as("exit status of SIGKILL").isEqualTo(128 + 9);

        produce(AlertEvents.resolved(b, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        startEmitter("emitter-2");
        Poll.until(TIMEOUT, () -> hook.bodies().size() >= 3,
                () -> "the resolve of HighLatency produced while the emitter was down (have " + notifications() + ")");

        // The resolve of A goes through the same group and notification-log entry as a repeated
        // firing notification of A would: once it has arrived, any such repeat would have too.
        produce(AlertEvents.resolved(a, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        Poll.until(TIMEOUT, () -> hook.bodies().size() >= 4,
                () -> "the resolve of HighErrorRate (have " + notifications() + ")");

        List<String> got = notifications();
        assertThat(got.subList(0, 2)).containsExactlyInAnyOrder("firing HighErrorRate fp-a=firing", "firing HighLatency fp-b=firing");
        assertThat(got.subList(2, got.size())).containsExactly("resolved HighLatency fp-b=resolved", "resolved HighErrorRate fp-a=resolved");
    }
}
