package dev.weir.emitter.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaSettings;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.silence.Silence;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.testing.Emitters;
import dev.weir.emitter.testing.KafkaTopics;
import dev.weir.stack.Poll;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.junit.LocalStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compacted-topic state store against the real broker: what one store instance wrote, a new
 * instance (as after a restart) loads; the notification log and the silences survive a restart.
 */
@ExtendWith(LocalStackExtension.class)
class KafkaStateStoreTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final KafkaBroker kafka;
    private String topic;

    KafkaStateStoreTest(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void createTopic() throws Exception {
        topic = KafkaTopics.unique("emitter-state-it");
        KafkaTopics.createCompacted(kafka.bootstrapServers(), topic);
    }

    private KafkaStateStore store() {
        return new KafkaStateStore(KafkaSettings.plaintext(kafka.bootstrapServers()), topic, "state-test");
    }

    @Test
    void shouldLoadAnEmptyTopicAsEmptyState() {
        try (KafkaStateStore store = store()) {
            assertThat(Emitters.contents(store)).isEmpty();
        }
    }

    @Test
    void shouldLoadTheLatestValueOfEachKeyInANewStore() {
        try (KafkaStateStore store = store()) {
            store.put("a", "1");
            store.put("b", "1");
            store.put("a", "2");
        }
        try (KafkaStateStore restarted = store()) {
            assertThat(Emitters.contents(restarted)).containsExactlyInAnyOrderEntriesOf(Map.of("a", "2", "b", "1"));
        }
    }

    @Test
    void shouldNotLoadAKeyThatWasDeleted() {
        try (KafkaStateStore store = store()) {
            store.put("a", "1");
            store.put("b", "1");
            store.delete("a");
        }
        try (KafkaStateStore restarted = store()) {
            assertThat(Emitters.contents(restarted)).containsExactlyInAnyOrderEntriesOf(Map.of("b", "1"));
        }
    }

    @Test
    void shouldKeepTheNotificationLogAcrossARestart() {
        String key = NotificationLog.key("ops", "slack[0]", "{}:{alertname=\"HighErrorRate\"}");
        try (KafkaStateStore store = store()) {
            NotificationLog.State sent = new NotificationLog.State(Set.of("fp1", "fp2"), Set.of("fp3"), T0.toEpochMilli(), "id-1", 0, -1);
            new NotificationLog(store).write(store::put, key, new NotificationLog.Entry(sent, null));
        }
        try (KafkaStateStore restarted = store()) {
            NotificationLog.Entry logged = new NotificationLog(restarted).get(key);
            assertThat(logged).isNotNull();
            assertThat(logged.pending()).isNull();
            NotificationLog.State entry = logged.delivered();
            assertThat(entry.id()).isEqualTo("id-1");
            assertThat(entry.firing()).containsExactlyInAnyOrder("fp1", "fp2");
            assertThat(entry.resolved()).containsExactly("fp3");
            assertThat(entry.timestamp()).isEqualTo(T0);
            assertThat(NotificationLog.needsUpdate(entry, Set.of("fp1", "fp2"), Set.of(), true, T0.plusSeconds(60),
                    Duration.ofHours(4))).as("the same notification is not due again").isFalse();
        }
    }

    @Test
    void shouldKeepSilencesAndTheirExpiryAcrossARestart() {
        List<Matcher> matchers = List.of(Matcher.of("service", Matcher.Type.EQUAL, "checkout"));
        try (KafkaStateStore store = store()) {
            Silences silences = new Silences(store);
            silences.put(new Silence("s-active", matchers, T0, T0.plus(Duration.ofHours(2)), "ana", "deploy", T0));
            silences.put(new Silence("s-expired", matchers, T0, T0.plus(Duration.ofHours(2)), "ana", "typo", T0));
            silences.expire("s-expired", T0.plusSeconds(60));
        }
        try (KafkaStateStore restarted = store()) {
            Silences silences = new Silences(restarted);
            Instant later = T0.plus(Duration.ofMinutes(30));
            assertThat(silences.list()).extracting(Silence::id).containsExactlyInAnyOrder("s-active", "s-expired");
            assertThat(silences.get("s-expired").orElseThrow().state(later)).isEqualTo("expired");
            assertThat(silences.mutedBy(Map.of("service", "checkout"), later)).containsExactly("s-active");
        }
    }

    @Test
    void shouldShowASilenceMadeOnOneInstanceOnTheOther() {
        List<Matcher> matchers = List.of(Matcher.of("service", Matcher.Type.EQUAL, "checkout"));
        try (KafkaStateStore storeA = store(); KafkaStateStore storeB = store()) {
            Silences a = new Silences(storeA);
            Silences b = new Silences(storeB);
            a.put(new Silence("s-1", matchers, T0, T0.plus(Duration.ofHours(2)), "ana", "deploy", T0));
            Poll.until(Duration.ofSeconds(30), () -> b.get("s-1").isPresent(), () -> "the silence on the other instance");
            b.expire("s-1", T0.plusSeconds(60));
            Poll.until(Duration.ofSeconds(30), () -> a.get("s-1").orElseThrow().endsAt().equals(T0.plusSeconds(60)),
                    () -> "the expiry on the first instance");
        }
    }
}
