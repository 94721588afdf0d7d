package dev.weir.emitter.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.delivery.Integrations;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.delivery.Retrier;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.state.StateStore;
import dev.weir.emitter.template.Templates;
import dev.weir.emitter.testing.MutableClock;
import dev.weir.emitter.testing.RecordingHttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code escalate_after} / {@code escalate_to} on a hand-moved clock, as in the seeds' path
 * (Slack, then PagerDuty): critical alerts go to the team's channel; a group nobody acknowledged
 * within 15 minutes also goes to the on-call receiver. Both receivers are webhooks to local HTTP
 * servers; sends run on the test thread.
 */
class EscalationTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private RecordingHttpServer team;
    private RecordingHttpServer oncall;
    private Dispatcher dispatcher;

    @BeforeEach
    void setUp() {
        team = new RecordingHttpServer();
        oncall = new RecordingHttpServer();
        String yaml = """
                route:
                  receiver: team
                  group_by: [alertname, service]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 4h
                  routes:
                    - matchers: ['severity="critical"']
                      receiver: team
                      escalate_after: 15m
                      escalate_to: oncall
                receivers:
                  - name: team
                    webhook_configs:
                      - url: %s
                  - name: oncall
                    webhook_configs:
                      - url: %s
                """.formatted(team.url("/team"), oncall.url("/oncall"));
        AlertmanagerConfig config = AlertmanagerConfigLoader.parse(yaml, Map.of(), "test");
        Retrier noRetry = new Retrier(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, d -> { }, () -> 0L);
        Notifier notifier = new Notifier(Integrations.build(config, Templates.withDefaults(), HttpClient.newHttpClient(),
                Duration.ofSeconds(5)), new NotificationLog(StateStore.inMemory()), noRetry, Runnable::run, clock,
                new SimpleMeterRegistry(), line -> { });
        dispatcher = new Dispatcher(Route.tree(config.route()), clock, notifier, new Silences(StateStore.inMemory()),
                new Inhibitor(config.inhibitRules()), "http://weir:9093", () -> { });
    }

    @AfterEach
    void tearDown() {
        team.close();
        oncall.close();
    }

    private static Alert alert(String fp, String severity, Alert.Status status, Instant endsAt) {
        return new Alert(fp, Map.of("alertname", "HighErrorRate", "service", "checkout", "severity", severity),
                Map.of("summary", "5xx above 5%"), T0, endsAt, "", status);
    }

    /** Moves the clock in steps no longer than {@code step}, flushing what is due at each. */
    private void advance(Duration total, Duration step) {
        Instant until = clock.instant().plus(total);
        while (clock.instant().isBefore(until)) {
            Duration left = Duration.between(clock.instant(), until);
            clock.advance(left.compareTo(step) < 0 ? left : step);
            dispatcher.processDue();
        }
    }

    @Test
    void shouldNotifyTheEscalationReceiverWhenACriticalGroupStaysUnacknowledgedForEscalateAfter() {
        dispatcher.put(alert("c1", "critical", Alert.Status.FIRING, null));
        advance(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(team.json()).singleElement().satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("firing"));

        advance(Duration.ofMinutes(15).minusSeconds(1), Duration.ofSeconds(1));
        assertThat(oncall.bodies()).as("nothing before escalate_after has passed").isEmpty();

        advance(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(oncall.json()).singleElement().satisfies(b -> {
            assertThat(b.get("receiver").asText()).isEqualTo("oncall");
            assertThat(b.get("status").asText()).isEqualTo("firing");
            assertThat(b.get("alerts").get(0).get("fingerprint").asText()).isEqualTo("c1");
        });
        assertThat(team.bodies()).as("the team is not notified again").hasSize(1);
    }

    @Test
    void shouldNotEscalateAGroupWhoseAlertWasAcknowledged() {
        dispatcher.put(alert("c1", "critical", Alert.Status.FIRING, null));
        advance(Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertThat(dispatcher.acknowledge("c1")).isTrue();

        advance(Duration.ofHours(1), Duration.ofSeconds(30));

        assertThat(oncall.bodies()).isEmpty();
        assertThat(team.bodies()).hasSize(1);
    }

    @Test
    void shouldNotEscalateAWarningGroup() {
        dispatcher.put(alert("w1", "warning", Alert.Status.FIRING, null));
        advance(Duration.ofHours(1), Duration.ofSeconds(30));

        assertThat(team.bodies()).hasSize(1);
        assertThat(oncall.bodies()).isEmpty();
    }

    @Test
    void shouldSendTheResolveToTheEscalationReceiverToo() {
        Alert firing = alert("c1", "critical", Alert.Status.FIRING, null);
        dispatcher.put(firing);
        advance(Duration.ofMinutes(16), Duration.ofSeconds(30));
        assertThat(oncall.bodies()).hasSize(1);

        dispatcher.put(alert("c1", "critical", Alert.Status.RESOLVED, clock.instant()));
        advance(Duration.ofMinutes(5), Duration.ofSeconds(30));

        assertThat(oncall.json()).hasSize(2).last()
                .satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("resolved"));
        assertThat(team.json()).hasSize(2).last()
                .satisfies(b -> assertThat(b.get("status").asText()).isEqualTo("resolved"));
    }
}
