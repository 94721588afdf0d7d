package dev.weir.processor.rules;

import dev.weir.schemas.AlertEvent;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /api/v1/alerts} (alerts firing now) and {@code GET /api/v1/rules} (the running rule
 * set with each rule's state: inactive, pending or firing, and how many groups are in each), read
 * from this instance's stores by interactive queries. With several instances, each answers for the
 * partitions it owns. 503 while the stores are not queryable (rebalancing, starting).
 */
public final class RulesHttp {
    private RulesHttp() {
    }

    /** One alert as the API shows it. */
    public record AlertView(String fingerprint, String rule, String severity, Map<String, String> labels,
                            Map<String, String> annotations, double value, double threshold, Instant startsAt,
                            String kibanaUrl, List<String> exemplarEventIds, List<String> exemplarTraceIds) {
        static AlertView of(AlertEvent a) {
            return new AlertView(a.getFingerprint(), a.getRule(), a.getSeverity(), Map.copyOf(a.getLabels()),
                    Map.copyOf(a.getAnnotations()), a.getValue(), a.getThreshold(), a.getStartsAt(), a.getKibanaUrl(),
                    List.copyOf(a.getExemplarEventIds()), List.copyOf(a.getExemplarTraceIds()));
        }
    }

    /** One rule as the API shows it. */
    public record RuleView(String name, String file, String signal, List<String> groupBy, String op, double threshold,
                           String window, String forDuration, String keepFiringFor, long minEvents, String severity,
                           String state, int pending, int firing) {
    }

    /**
     * @param app      the processor's server (not started yet)
     * @param streams  the Streams instance, asked for on each request
     * @param settings the rules settings (for the rule set while the rules topic is empty)
     */
    public static void register(Javalin app, Supplier<KafkaStreams> streams, RulesSettings settings) {
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(settings, "settings");
        app.get("/api/v1/alerts", ctx -> query(ctx, () -> alerts(streams.get())));
        app.get("/api/v1/rules", ctx -> query(ctx, () -> rules(streams.get(), settings)));
    }

    /**
     * @param app      the processor's server (not started yet)
     * @param streams  the Streams instance
     * @param settings the rules settings
     */
    public static void register(Javalin app, KafkaStreams streams, RulesSettings settings) {
        register(app, () -> streams, settings);
    }

    private static void query(Context ctx, Supplier<Object> body) {
        try {
            ctx.json(body.get());
        } catch (InvalidStateStoreException e) {
            ctx.status(503).json(Map.of("error", "The rule stores are not queryable right now (" + e.getMessage()
                    + "); retry in a few seconds."));
        }
    }

    static List<AlertView> alerts(KafkaStreams streams) {
        ReadOnlyKeyValueStore<String, AlertEvent> store = streams.store(StoreQueryParameters.fromNameAndType(
                RulesTopology.ALERTS_STORE, QueryableStoreTypes.keyValueStore()));
        List<AlertView> out = new ArrayList<>();
        try (KeyValueIterator<String, AlertEvent> it = store.all()) {
            it.forEachRemaining(kv -> out.add(AlertView.of(kv.value)));
        }
        out.sort((a, b) -> a.startsAt().compareTo(b.startsAt()));
        return out;
    }

    static Map<String, Object> rules(KafkaStreams streams, RulesSettings settings) {
        ReadOnlyKeyValueStore<String, Object> files = streams.store(StoreQueryParameters.fromNameAndType(
                RulesTopology.RULES_FILES_STORE, QueryableStoreTypes.keyValueStore()));
        Map<String, String> published = new HashMap<>();
        try (KeyValueIterator<String, Object> it = files.all()) {
            it.forEachRemaining(kv -> {
                Object v = kv.value instanceof org.apache.kafka.streams.state.ValueAndTimestamp<?> vt ? vt.value() : kv.value;
                if (v != null) {
                    published.put(kv.key, v.toString());
                }
            });
        }
        List<String> problems = new ArrayList<>();
        RuleSet set = published.isEmpty() ? settings.rules() : RuleSet.lenient(published, e -> problems.add(e.getMessage()));
        ReadOnlyKeyValueStore<String, byte[]> states = streams.store(StoreQueryParameters.fromNameAndType(
                RulesTopology.STATE_STORE, QueryableStoreTypes.keyValueStore()));
        Map<String, int[]> counts = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            it.forEachRemaining(kv -> {
                GroupState.Status st = GroupState.fromBytes(kv.value).status;
                int[] c = counts.computeIfAbsent(RulesProcessor.ruleName(kv.key), k -> new int[2]);
                if (st == GroupState.Status.PENDING) {
                    c[0]++;
                } else if (st == GroupState.Status.FIRING) {
                    c[1]++;
                }
            });
        }
        List<RuleView> views = new ArrayList<>();
        for (Rule r : set.rules()) {
            int[] c = counts.getOrDefault(r.name(), new int[2]);
            views.add(new RuleView(r.name(), r.file(), r.signal().yamlName(), r.groupBy(), r.op().symbol(), r.threshold(),
                    r.window().toString(), r.forDuration().toString(), r.keepFiringFor().toString(), r.minEvents(),
                    r.severity(), c[1] > 0 ? "firing" : c[0] > 0 ? "pending" : "inactive", c[0], c[1]));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", published.isEmpty() ? "configured" : "rules-topic");
        body.put("rules", views);
        body.put("problems", problems);
        return body;
    }
}
