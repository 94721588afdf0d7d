package dev.weir.emitter.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.delivery.Integrations;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.delivery.Retrier;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silence;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.state.StateStore;
import dev.weir.emitter.template.Templates;
import dev.weir.emitter.testing.Emitters;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.stack.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Grouping, repeat, resolve, silence and inhibition on a hand-moved clock, delivering through the
 * real webhook integration to a local HTTP server (sends run on the test thread).
 */
class DispatcherTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private RecordingHttpServer server;
    private Silences silences;
    private Dispatcher dispatcher;
    private StateStore nflogStore;

    @BeforeEach
    void setUp() {
        server = new RecordingHttpServer();
        nflogStore = StateStore.inMemory();
        dispatcher = build(nflogStore);
    }

    private Dispatcher build(StateStore store) {
        String yaml = """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 1h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                inhibit_rules:
                  - source_match: {severity: critical}
                    target_match: {severity: warning}
                    equal: [service]
                """.formatted(server.url("/hook"));
        Emitters.Built built = Emitters.dispatcher(yaml, clock, store, StateStore.inMemory(), StateStore.inMemory());
        silences = built.silences();
        return built.dispatcher();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private static Alert firing(String fp, String name, Map<String, String> extra, Instant startsAt) {
        Map<String, String> labels = new java.util.HashMap<>(extra);
        labels.put("alertname", name);
        return new Alert(fp, labels, Map.of("summary", name + " summary"), startsAt, null, "http://gen", Alert.Status.FIRING);
    }

    private static Alert resolved(Alert a, Instant endsAt) {
        return new Alert(a.fingerprint(), a.labels(), a.annotations(), a.startsAt(), endsAt, a.generatorURL(), Alert.Status.RESOLVED);
    }

    private void advance(Duration d) {
        clock.advance(d);
        dispatcher.processDue();
    }

    @Test
    void shouldWaitGroupWaitBeforeTheFirstNotification() {
        dispatcher.put(firing("a1", "HighErrorRate", Map.of(), T0));
        advance(Duration.ofSeconds(29));
        assertThat(server.bodies()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(server.json()).singleElement().satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("firing"));
    }

    @Test
    void shouldSendAlertsArrivingDuringGroupWaitInOneNotification() {
        dispatcher.put(firing("a1", "HighErrorRate", Map.of("service", "api"), T0));
        clock.advance(Duration.ofSeconds(10));
        dispatcher.put(firing("a2", "HighErrorRate", Map.of("service", "web"), clock.instant()));
        advance(Duration.ofSeconds(20));
        assertThat(server.json()).singleElement().satisfies(b -> assertThat(b.get("alerts")).hasSize(2));
    }

    @Test
    void shouldSendANewAlertOfAnExistingGroupOnlyAtTheNextGroupInterval() {
        dispatcher.put(firing("a1", "HighErrorRate", Map.of("service", "api"), T0));
        advance(Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(1));
        dispatcher.put(firing("a2", "HighErrorRate", Map.of("service", "web"), clock.instant()));
        advance(Duration.ofMinutes(3));
        assertThat(server.bodies()).hasSize(1);
        advance(Duration.ofMinutes(1));
        assertThat(server.json()).hasSize(2).last().satisfies(b -> assertThat(b.get("alerts")).hasSize(2));
    }

    @Test
    void shouldNotRepeatAnUnchangedGroupBeforeRepeatInterval() {
        dispatcher.put(firing("a1", "HighErrorRate", Map.of(), T0));
        advance(Duration.ofSeconds(30));
        for (int i = 0; i < 11; i++) {
            advance(Duration.ofMinutes(5));
        }
        assertThat(server.bodies()).hasSize(1);
        advance(Duration.ofMinutes(5));
        assertThat(server.bodies()).hasSize(2);
    }

    @Test
    void shouldSendResolvedNotificationWhenTheGroupResolves() {
        Alert a = firing("a1", "HighErrorRate", Map.of(), T0);
        dispatcher.put(a);
        advance(Duration.ofSeconds(30));
        dispatcher.put(resolved(a, clock.instant()));
        advance(Duration.ofMinutes(5));
        List<JsonNode> bodies = server.json();
        assertThat(bodies).hasSize(2);
        JsonNode last = bodies.get(1);
        assertThat(last.get("status").asText()).isEqualTo("resolved");
        assertThat(last.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
        assertThat(last.get("alerts").get(0).get("endsAt").asText()).isEqualTo(clock.instant().minus(Duration.ofMinutes(5)).toString());
    }

    @Test
    void shouldSendNothingForAGroupThatFiredAndResolvedWithinGroupWait() {
        Alert a = firing("a1", "HighErrorRate", Map.of(), T0);
        dispatcher.put(a);
        clock.advance(Duration.ofSeconds(10));
        dispatcher.put(resolved(a, clock.instant()));
        advance(Duration.ofMinutes(10));
        assertThat(server.bodies()).isEmpty();
    }

    @Test
    void shouldNotNotifyASilencedAlert() {
        silences.put(new Silence("s1", List.of(Matcher.of("alertname", Matcher.Type.EQUAL, "HighErrorRate")), T0,
                T0.plus(Duration.ofHours(1)), "me", "maintenance", T0));
        dispatcher.put(firing("a1", "HighErrorRate", Map.of(), T0));
        advance(Duration.ofMinutes(1));
        assertThat(server.bodies()).isEmpty();
    }

    @Test
    void shouldStillSendTheResolveOfAnAlertSilencedAfterItsFiringNotification() {
        Alert a = firing("a1", "HighErrorRate", Map.of(), T0);
        dispatcher.put(a);
        advance(Duration.ofSeconds(30));
        silences.put(new Silence("s1", List.of(Matcher.of("alertname", Matcher.Type.EQUAL, "HighErrorRate")), clock.instant(),
                clock.instant().plus(Duration.ofHours(1)), "me", "noisy", clock.instant()));
        advance(Duration.ofMinutes(5));
        dispatcher.put(resolved(a, clock.instant()));
        advance(Duration.ofMinutes(5));
        assertThat(server.json()).hasSize(2).last()
                .satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("resolved"));
    }

    @Test
    void shouldInhibitAWarningWhileACriticalAlertWithTheSameServiceFires() {
        dispatcher.put(firing("c1", "ErrorRateCritical", Map.of("severity", "critical", "service", "api"), T0));
        dispatcher.put(firing("w1", "ErrorRateWarning", Map.of("severity", "warning", "service", "api"), T0));
        dispatcher.put(firing("w2", "LatencyWarning", Map.of("severity", "warning", "service", "web"), T0));
        advance(Duration.ofSeconds(30));
        assertThat(server.json()).extracting(b -> b.get("groupLabels").get("alertname").asText())
                .containsExactlyInAnyOrder("ErrorRateCritical", "LatencyWarning");
    }

    @Test
    void shouldNotRepeatANotificationAfterARestartWithTheSameNotificationLog() {
        Alert a = firing("a1", "HighErrorRate", Map.of(), T0);
        dispatcher.put(a);
        advance(Duration.ofSeconds(30));
        assertThat(server.bodies()).hasSize(1);
        Dispatcher restarted = build(nflogStore);
        clock.advance(Duration.ofMinutes(2));
        restarted.put(a);
        restarted.processDue();
        assertThat(server.bodies()).hasSize(1);
        restarted.put(resolved(a, clock.instant()));
        clock.advance(Duration.ofMinutes(5));
        restarted.processDue();
        assertThat(server.json()).hasSize(2).last()
                .satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("resolved"));
    }

    @Test
    void shouldFlushAtOnceAnAlertOlderThanGroupWait() {
        clock.advance(Duration.ofMinutes(10));
        dispatcher.put(firing("a1", "HighErrorRate", Map.of(), T0));
        dispatcher.processDue();
        assertThat(server.bodies()).hasSize(1);
    }
}
