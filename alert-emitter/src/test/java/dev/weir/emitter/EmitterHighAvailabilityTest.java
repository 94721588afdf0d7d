package dev.weir.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.kafka.Topics;
import dev.weir.emitter.intake.AlertEvents;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.state.KafkaStateStore;
import dev.weir.emitter.testing.EmitterProcess;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two emitter JVMs ({@link EmitterProcess}) share the alert groups through the consumer group
 * {@code weir-emitter} on the real broker; one is killed with SIGKILL in the middle of a storm of
 * 200 alert state changes (100 alerts in 100 groups fire, and each resolves as soon as both
 * receivers had its firing notification). Every receiver (a webhook and a PagerDuty Events API
 * stub) must get each group's firing and resolved notification exactly once: one notification id
 * ({@code Idempotency-Key}) per state change, never two. A notification the killed instance had
 * announced but not logged as delivered is in doubt; its successor sends it again with the same
 * id, which a receiver that honours the key (PagerDuty's {@code dedup_key} does the same) drops:
 * the stubs count such repeats apart, and the test prints how many there were.
 */
@ExtendWith(LocalStackExtension.class)
class EmitterHighAvailabilityTest {
    private static final Logger log = LoggerFactory.getLogger(EmitterHighAvailabilityTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ALERTS = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(180);

    private final KafkaBroker kafka;
    private final RecordingHttpServer hook = new RecordingHttpServer();
    private final RecordingHttpServer pagerduty = new RecordingHttpServer();
    private final List<EmitterProcess> emitters = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, AlertEvent> firing = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> firingSeenBy = new ConcurrentHashMap<>();
    private KafkaProducer<String, AlertEvent> producer;
    private Path dir;
    private Path config;

    EmitterHighAvailabilityTest(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void setUp(@TempDir Path dir) throws Exception {
        this.dir = dir;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicSetup.ensure(admin, 3, (short) 1);
        }
        producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "ha-test"),
                new StringSerializer(), WeirSerdes.alertEvent().serializer());
        config = dir.resolve("alertmanager.yml");
        // Alerts of other tests on the shared topic go to a receiver without integrations.
        Files.writeString(config, """
                route:
                  receiver: elsewhere
                  group_by: [alertname, service]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 12h
                  routes:
                    - matchers: ['run="%s"']
                      receiver: team
                receivers:
                  - name: elsewhere
                  - name: team
                    webhook_configs:
                      - url: %s
                    pagerduty_configs:
                      - routing_key: r0ut1ngk3y
                        url: %s
                """.formatted(run, hook.url("/hook"), pagerduty.url("/v2/enqueue")));
        hook.onRequest(r -> firingSeen("webhook", r.json().get("status").asText(), r.json().get("alerts").get(0)
                .get("fingerprint").asText()));
        pagerduty.onRequest(r -> firingSeen("pagerduty", r.json().get("event_action").asText(),
                fingerprintOfDedupKey(r.json().get("dedup_key").asText())));
        pagerduty.respondWith("{\"status\":\"success\",\"message\":\"Event processed\"}");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (EmitterProcess e : emitters) {
            e.close();
        }
        producer.close();
        hook.close();
        pagerduty.close();
    }

    private String fingerprint(int i) {
        return run + "-" + i;
    }

    private String fingerprintOfDedupKey(String dedupKey) {
        for (int i = 0; i < ALERTS; i++) {
            String groupKey = "{}/{run=\"" + run + "\"}:{alertname=\"HighErrorRate\", service=\"svc-" + i + "\"}";
            if (dev.weir.emitter.delivery.PagerDutyIntegration.dedupKey(groupKey).equals(dedupKey)) {
                return fingerprint(i);
            }
        }
        throw new AssertionError("a PagerDuty event for a group this test did not make: " + dedupKey);
    }

    /** Resolves an alert as soon as both receivers have its firing notification, so both are told it fired. */
    private void firingSeen(String receiver, String status, String fingerprint) {
        if (!status.equals("firing") && !status.equals("trigger")) {
            return;
        }
        Set<String> seen = firingSeenBy.computeIfAbsent(fingerprint, k -> ConcurrentHashMap.newKeySet());
        if (seen.add(receiver) && seen.size() == 2) {
            try {
                producer.send(new ProducerRecord<>(Topics.ALERTS, fingerprint,
                        AlertEvents.resolved(firing.get(fingerprint), Instant.now().truncatedTo(ChronoUnit.MILLIS)))).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not produce the resolve of " + fingerprint, e);
            }
        }
    }

    private int notificationIds() {
        return hook.requests().stream().map(RecordingHttpServer.Request::idempotencyKey).collect(Collectors.toSet()).size()
                + pagerduty.requests().stream().map(RecordingHttpServer.Request::idempotencyKey).collect(Collectors.toSet()).size();
    }

    /** The notification-log entries of this test's groups that are delivered and not pending. */
    private long settledLogEntries() {
        try (KafkaStateStore store = new KafkaStateStore(KafkaSettings.plaintext(kafka.bootstrapServers()), Topics.NOTIFICATIONS, "ha-test-reader")) {
            NotificationLog nflog = new NotificationLog(store);
            return nflog.keys("team/").stream().filter(k -> k.contains("run=\"" + run + "\""))
                    .map(nflog::get).filter(e -> e.pending() == null && e.delivered() != null && e.delivered().firing().isEmpty())
                    .count();
        }
    }

    @Test
    void shouldNotifyEachStateChangeExactlyOnceWhenAnInstanceIsKilledDuringAStorm() throws Exception {
        EmitterProcess a = EmitterProcess.start(dir, "emitter-a", config, kafka.bootstrapServers());
        emitters.add(a);
        EmitterProcess b = EmitterProcess.start(dir, "emitter-b", config, kafka.bootstrapServers());
        emitters.add(b);
        Poll.until(TIMEOUT, () -> clusterReady(a) && clusterReady(b),
                () -> "both instances members of weir-emitter and notifying; a: " + status(a) + " b: " + status(b));

        // a silence made on one instance holds on the other
        String silence = "{\"matchers\":[{\"name\":\"run\",\"value\":\"other-" + run + "\",\"isRegex\":false}],"
                + "\"startsAt\":\"" + Instant.now() + "\",\"endsAt\":\"" + Instant.now().plusSeconds(3600) + "\","
                + "\"createdBy\":\"ha-test\",\"comment\":\"seen everywhere\"}";
        String id = JSON.readTree(a.send("POST", "/api/v2/silences", silence).body()).get("silenceID").asText();
        Poll.until(Duration.ofSeconds(30), () -> b.get("/api/v2/silence/" + id).statusCode() == 200, () -> "the silence on b");

        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < ALERTS; i++) {
            AlertEvent e = AlertEvent.newBuilder(AlertEvents.firing(fingerprint(i), "HighErrorRate", "svc-" + i, start))
                    .setLabels(Map.of("service", "svc-" + i, "run", run)).build();
            firing.put(fingerprint(i), e);
            producer.send(new ProducerRecord<>(Topics.ALERTS, fingerprint(i), e));
        }
        producer.flush();

        Poll.until(TIMEOUT, () -> notificationIds() >= 60, () -> "60 notifications (have " + notificationIds() + ")");
        int beforeKill = notificationIds();
        assertThat(a.kill()).as("exit status of SIGKILL").isEqualTo(137);
        log.info("killed emitter-a after {} of {} notifications", beforeKill, 4 * ALERTS);
        assertThat(beforeKill).as("the kill came in the middle of the storm").isLessThan(4 * ALERTS);

        Poll.until(TIMEOUT, () -> notificationIds() >= 4 * ALERTS && settledLogEntries() == 2L * ALERTS,
                () -> "every firing and resolved notification sent and logged (have " + notificationIds() + " ids, "
                        + settledLogEntries() + " settled log entries); b's log ends:\n" + b.tail());

        assertExactlyOnce("webhook", hook, r -> r.json().get("alerts").get(0).get("fingerprint").asText(),
                r -> r.json().get("status").asText());
        assertExactlyOnce("pagerduty", pagerduty, r -> fingerprintOfDedupKey(r.json().get("dedup_key").asText()),
                r -> r.json().get("event_action").asText().equals("trigger") ? "firing" : "resolved");
        assertThat(pagerduty.requests()).allSatisfy(r -> assertThat(r.json().get("routing_key").asText()).isEqualTo("r0ut1ngk3y"));
    }

    private void assertExactlyOnce(String receiver, RecordingHttpServer stub,
                                   java.util.function.Function<RecordingHttpServer.Request, String> fingerprint,
                                   java.util.function.Function<RecordingHttpServer.Request, String> status) {
        Map<String, Set<String>> idsByChange = new TreeMap<>();
        Map<String, String> changeById = new HashMap<>();
        int repeats = 0;
        for (RecordingHttpServer.Request r : stub.requests()) {
            String change = fingerprint.apply(r) + " " + status.apply(r);
            assertThat(r.idempotencyKey()).as("%s request %s carries a notification id", receiver, change).isNotBlank();
            String earlier = changeById.putIfAbsent(r.idempotencyKey(), change);
            if (earlier != null) {
                assertThat(earlier).as("a repeated notification id carries the same notification").isEqualTo(change);
                repeats++;
            }
            idsByChange.computeIfAbsent(change, k -> new java.util.TreeSet<>()).add(r.idempotencyKey());
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        for (int i = 0; i < ALERTS; i++) {
            expected.put(fingerprint(i) + " firing", Set.of());
            expected.put(fingerprint(i) + " resolved", Set.of());
        }
        assertThat(idsByChange.keySet()).as("%s got every state change", receiver).isEqualTo(expected.keySet());
        assertThat(idsByChange).as("%s got each state change once (one notification id each)", receiver)
                .allSatisfy((change, ids) -> assertThat(ids).as(change).hasSize(1));
        log.info("{}: {} requests, {} notifications, {} in-doubt repeats with the same id", receiver, stub.requests().size(),
                idsByChange.size(), repeats);
    }

    private static boolean clusterReady(EmitterProcess e) throws Exception {
        JsonNode cluster = JSON.readTree(e.get("/api/v2/status").body()).get("cluster");
        return cluster.get("status").asText().equals("ready") && cluster.get("peers").size() == 2;
    }

    private static String status(EmitterProcess e) {
        try {
            return e.get("/api/v2/status").body().replaceAll("\"original\":\"(\\\\.|[^\"])*\"", "\"original\":\"...\"");
        } catch (Exception ex) {
            return ex.toString();
        }
    }
}
