package dev.weir.emitter.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.ack.Acks;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.state.StateStore;
import dev.weir.emitter.testing.Emitters;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.stack.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Escalation policies on a hand-moved clock, as in the seeds' path (on-call, then team lead, then
 * engineering manager; "not acknowledged within 15 minutes: escalate"): every receiver is a
 * webhook to a local HTTP server that records what it gets; sends run on the test thread.
 */
class EscalationTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingHttpServer oncall = new RecordingHttpServer();
    private final RecordingHttpServer lead = new RecordingHttpServer();
    private final RecordingHttpServer manager = new RecordingHttpServer();
    private final StateStore ackStore = StateStore.inMemory();
    private Dispatcher dispatcher;
    private Acks acks;

    @BeforeEach
    void setUp() {
        build();
    }

    private void build() {
        String yaml = """
                route:
                  receiver: oncall
                  group_by: [alertname, service]
                  group_wait: 30s
                  group_interval: 5m
                  repeat_interval: 4h
                  routes:
                    - matchers: ['severity="critical"']
                      receiver: oncall
                      escalation:
                        repeat: true
                        steps:
                          - escalate_after: 15m
                            receiver: lead
                          - escalate_after: 15m
                            receiver: manager
                    - matchers: ['severity="page"']
                      receiver: oncall
                      escalate_after: 15m
                      escalate_to: lead
                receivers:
                  - name: oncall
                    webhook_configs: [{url: %s}]
                  - name: lead
                    webhook_configs: [{url: %s}]
                  - name: manager
                    webhook_configs: [{url: %s}]
                """.formatted(oncall.url("/oncall"), lead.url("/lead"), manager.url("/manager"));
        Emitters.Built built = Emitters.dispatcher(yaml, clock, StateStore.inMemory(), StateStore.inMemory(), ackStore);
        dispatcher = built.dispatcher();
        acks = built.acks();
    }

    @AfterEach
    void tearDown() {
        oncall.close();
        lead.close();
        manager.close();
    }

    private static Alert alert(String fp, String severity, Instant startsAt) {
        return new Alert(fp, Map.of("alertname", "HighErrorRate", "service", "checkout", "severity", severity),
                Map.of("summary", "5xx above 5%"), startsAt, null, "", Alert.Status.FIRING);
    }

    private static Alert resolved(Alert a, Instant at) {
        return new Alert(a.fingerprint(), a.labels(), a.annotations(), a.startsAt(), at, "", Alert.Status.RESOLVED);
    }

    /** Moves the clock in 10 s steps, flushing what is due at each. */
    private void advanceTo(Duration sinceT0) {
        Instant until = T0.plus(sinceT0);
        while (clock.instant().isBefore(until)) {
            Duration left = Duration.between(clock.instant(), until);
            clock.advance(left.compareTo(Duration.ofSeconds(10)) < 0 ? left : Duration.ofSeconds(10));
            acks.endResolved(dispatcher.processDue());
        }
    }

    private static List<String> statuses(RecordingHttpServer s) {
        return s.json().stream().map(b -> b.get("status").asText()).toList();
    }

    @Test
    void shouldEscalateToTheOneStepOfEscalateToWhenNobodyAcknowledgesWithinEscalateAfter() {
        dispatcher.put(alert("p1", "page", T0));
        advanceTo(Duration.ofSeconds(30));
        assertThat(statuses(oncall)).containsExactly("firing");

        advanceTo(Duration.ofMinutes(15).minusSeconds(10));
        assertThat(lead.bodies()).as("nothing before escalate_after has passed").isEmpty();

        advanceTo(Duration.ofMinutes(15));
        assertThat(lead.json()).singleElement().satisfies(b -> {
            assertThat(b.get("receiver").asText()).isEqualTo("lead");
            assertThat(b.get("alerts").get(0).get("fingerprint").asText()).isEqualTo("p1");
        });
        advanceTo(Duration.ofHours(3));
        assertThat(lead.bodies()).as("a policy without repeat escalates once").hasSize(1);
        assertThat(oncall.bodies()).as("the route's receiver is not notified again").hasSize(1);
    }

    @Test
    void shouldWalkThePolicyStepByStepAndStartOverUntilAcknowledged() {
        Alert c1 = alert("c1", "critical", T0);
        dispatcher.put(c1);
        advanceTo(Duration.ofMinutes(15));
        assertThat(lead.bodies()).hasSize(1);
        assertThat(manager.bodies()).isEmpty();

        advanceTo(Duration.ofMinutes(30));
        assertThat(manager.bodies()).as("the second step 15m after the first").hasSize(1);

        advanceTo(Duration.ofMinutes(45));
        assertThat(lead.bodies()).as("repeat: the first step again after the last").hasSize(2);
        advanceTo(Duration.ofMinutes(60));
        assertThat(manager.bodies()).hasSize(2);

        acks.acknowledge(dispatcher.alert("c1").orElseThrow(), "ana", "on it", clock.instant());
        advanceTo(Duration.ofHours(3));
        assertThat(lead.bodies()).as("no escalation after the acknowledgement").hasSize(2);
        assertThat(manager.bodies()).hasSize(2);
        assertThat(oncall.bodies()).hasSize(1);
    }

    @Test
    void shouldNotEscalateAGroupWhoseAlertWasAcknowledgedBeforeEscalateAfter() {
        dispatcher.put(alert("c1", "critical", T0));
        advanceTo(Duration.ofSeconds(30));
        acks.acknowledge(dispatcher.alert("c1").orElseThrow(), "ana", "", clock.instant());

        advanceTo(Duration.ofHours(2));

        assertThat(lead.bodies()).isEmpty();
        assertThat(manager.bodies()).isEmpty();
        assertThat(oncall.bodies()).hasSize(1);
    }

    @Test
    void shouldEscalateOnceUnacknowledged() {
        dispatcher.put(alert("c1", "critical", T0));
        advanceTo(Duration.ofSeconds(30));
        Alert c1 = dispatcher.alert("c1").orElseThrow();
        acks.acknowledge(c1, "ana", "", clock.instant());
        advanceTo(Duration.ofMinutes(20));
        assertThat(lead.bodies()).isEmpty();

        assertThat(acks.unacknowledge(c1)).isTrue();
        advanceTo(Duration.ofMinutes(25));

        assertThat(lead.bodies()).as("the alert fires unacknowledged for more than 15m: the first step is due").hasSize(1);
    }

    @Test
    void shouldNotEscalateAWarningGroup() {
        dispatcher.put(alert("w1", "warning", T0));
        advanceTo(Duration.ofHours(1));

        assertThat(oncall.bodies()).hasSize(1);
        assertThat(lead.bodies()).isEmpty();
        assertThat(manager.bodies()).isEmpty();
    }

    @Test
    void shouldSendTheResolveToEveryStepThatWasNotifiedAndToNoOther() {
        Alert c1 = alert("c1", "critical", T0);
        dispatcher.put(c1);
        advanceTo(Duration.ofMinutes(16));
        assertThat(lead.bodies()).hasSize(1);

        dispatcher.put(resolved(c1, clock.instant()));
        advanceTo(Duration.ofMinutes(40));

        assertThat(statuses(lead)).containsExactly("firing", "resolved");
        assertThat(statuses(oncall)).containsExactly("firing", "resolved");
        assertThat(manager.bodies()).as("the second step was never due").isEmpty();
    }

    @Test
    void shouldEndTheAcknowledgementWhenTheAlertResolvesSoTheNextFiringEscalatesAgain() {
        Alert first = alert("c1", "critical", T0);
        dispatcher.put(first);
        advanceTo(Duration.ofSeconds(30));
        acks.acknowledge(dispatcher.alert("c1").orElseThrow(), "ana", "", clock.instant());
        dispatcher.put(resolved(first, T0.plus(Duration.ofMinutes(1))));
        advanceTo(Duration.ofMinutes(10));
        assertThat(acks.acknowledged(first)).as("the acknowledgement ended with the resolve").isFalse();
        assertThat(Emitters.contents(ackStore)).isEmpty();

        Alert second = alert("c1", "critical", clock.instant());
        dispatcher.put(second);
        advanceTo(Duration.ofMinutes(10).plus(Duration.ofMinutes(16)));

        assertThat(lead.json()).extracting(b -> b.get("alerts").get(0).get("startsAt").asText())
                .containsExactly(second.startsAt().toString());
    }

    @Test
    void shouldKeepAnAcknowledgementAcrossARestart() {
        dispatcher.put(alert("c1", "critical", T0));
        advanceTo(Duration.ofSeconds(30));
        acks.acknowledge(dispatcher.alert("c1").orElseThrow(), "ana", "", clock.instant());

        build();
        dispatcher.put(alert("c1", "critical", T0));
        advanceTo(Duration.ofHours(1));

        assertThat(lead.bodies()).isEmpty();
        assertThat(acks.acknowledged(alert("c1", "critical", T0))).isTrue();
    }
}
