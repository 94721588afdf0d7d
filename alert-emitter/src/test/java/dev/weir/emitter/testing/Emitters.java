package dev.weir.emitter.testing;

import dev.weir.emitter.ack.Acks;
import dev.weir.emitter.cluster.Ownership;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.delivery.Integrations;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.delivery.Retrier;
import dev.weir.emitter.group.Dispatcher;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.state.StateStore;
import dev.weir.emitter.template.Templates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A dispatcher as the emitter builds it, for tests on a hand-moved clock: the production
 * routing, notifier and integrations, sends on the calling thread, no retries.
 */
public final class Emitters {
    private Emitters() {}

    /** The parts a test looks at. */
    public record Built(Dispatcher dispatcher, Silences silences, Acks acks, NotificationLog nflog) {}

    /** Every store in memory. */
    public static Built dispatcher(String yaml, Clock clock) {
        return dispatcher(yaml, clock, StateStore.inMemory(), StateStore.inMemory(), StateStore.inMemory());
    }

    /**
     * @param yaml an alertmanager.yml
     * @param clock the clock
     * @param nflogStore the notification log's store
     * @param silenceStore the silences' store
     * @param ackStore the acknowledgements' store
     */
    public static Built dispatcher(String yaml, Clock clock, StateStore nflogStore, StateStore silenceStore, StateStore ackStore) {
        AlertmanagerConfig config = AlertmanagerConfigLoader.parse(yaml, Map.of(), "test");
        Retrier noRetry = new Retrier(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, d -> { }, () -> 0L);
        NotificationLog nflog = new NotificationLog(nflogStore);
        Ownership everything = Ownership.everything(nflogStore::put);
        Notifier notifier = new Notifier(Integrations.build(config, Templates.withDefaults(), HttpClient.newHttpClient(),
                Duration.ofSeconds(5)), nflog, everything, noRetry, Runnable::run, clock, new SimpleMeterRegistry(), line -> { });
        Silences silences = new Silences(silenceStore);
        Acks acks = new Acks(ackStore);
        Dispatcher d = new Dispatcher(new Dispatcher.Parts(Route.tree(config.route()), clock, notifier, silences,
                new Inhibitor(config.inhibitRules()), acks, config.timeIntervals(), everything, "http://weir:9093"), () -> { });
        return new Built(d, silences, acks, nflog);
    }

    /** @return what a store holds now (read through its listener) */
    public static Map<String, String> contents(StateStore store) {
        Map<String, String> out = new HashMap<>();
        store.start((k, v) -> {
            if (v == null) {
                out.remove(k);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
