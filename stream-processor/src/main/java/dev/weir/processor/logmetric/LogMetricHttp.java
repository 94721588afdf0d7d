package dev.weir.processor.logmetric;

import dev.weir.common.ops.HttpServerSettings;
import dev.weir.processor.http.Peers;
import dev.weir.processor.rules.LogMetric;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RuleSetSource;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log metrics over HTTP, answered by any instance (each asks the others with {@code ?scope=local} and merges):
 * <ul>
 *   <li>{@code GET /api/v1/metrics}: every metric (built-in and declared) with its series, their totals and their
 *       values over 1m, 5m, 15m, 1h and 1d;</li>
 *   <li>{@code GET /api/v1/metrics/{name}}: one metric, each series with a point per minute of the last hour too;
 *       404 for an unknown metric.</li>
 * </ul>
 * Also refreshes {@link LogMetricMeters} before each {@code /metrics} scrape.
 */
public final class LogMetricHttp {
    private static final Logger log = LoggerFactory.getLogger(LogMetricHttp.class);

    private final Supplier<KafkaStreams> streams;
    private final RulesSettings settings;
    private final Clock clock;
    private final Peers peers;

    private LogMetricHttp(Supplier<KafkaStreams> streams, RulesSettings settings, Clock clock, Peers peers) {
        this.streams = streams;
        this.settings = settings;
        this.clock = clock;
        this.peers = peers;
    }

    /** Body of both routes. */
    record MetricsBody(String asOf, List<LogMetricQueries.MetricView> metrics, List<String> unreachable) {
    }

    /**
     * @param app      the processor's server, not started yet
     * @param streams  the Streams instance, asked for on each request
     * @param settings the rules settings (the configured rule set)
     * @param meters   rows to refresh before each scrape, or null
     * @param clock    "now" of every view
     * @param self     this instance as the others reach it, or null for a single instance
     * @param server   this instance's HTTP settings (the others are asked with its scheme and token)
     */
    public static void register(Javalin app, Supplier<KafkaStreams> streams, RulesSettings settings, LogMetricMeters meters, Clock clock,
                                HostInfo self, HttpServerSettings server) {
        LogMetricHttp h = new LogMetricHttp(Objects.requireNonNull(streams, "streams"), Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(clock, "clock"), new Peers(streams, self, server));
        if (meters != null) {
            app.before("/metrics", ctx -> {
                try {
                    meters.refresh(h.queries(), h.rules(), clock.millis());
                } catch (InvalidStateStoreException e) {
                    log.debug("Log metrics store not queryable while refreshing /metrics; keeping the last values", e);
                }
            });
        }
        app.get("/api/v1/metrics", ctx -> h.answer(ctx, null));
        app.get("/api/v1/metrics/{name}", ctx -> h.answer(ctx, ctx.pathParam("name")));
    }

    private LogMetricQueries queries() {
        ReadOnlyKeyValueStore<String, byte[]> store = streams.get().store(StoreQueryParameters.fromNameAndType(RulesTopology.METRICS_STORE,
                QueryableStoreTypes.keyValueStore()));
        return new LogMetricQueries(store);
    }

    private RuleSet rules() {
        return new RuleSetSource(settings.rules(), streams.get().store(StoreQueryParameters.fromNameAndType(
                RulesTopology.RULES_FILES_STORE, QueryableStoreTypes.keyValueStore()))).current();
    }

    private void answer(Context ctx, String name) throws InterruptedException {
        RuleSet rules = rules();
        List<LogMetric> metrics = name == null ? rules.allMetrics() : rules.metric(name) == null ? List.of() : List.of(rules.metric(name));
        if (metrics.isEmpty()) {
            ctx.status(404).json(Map.of("error", "no metric " + name + "; GET /api/v1/metrics lists them"));
            return;
        }
        LogMetricQueries q = queries();
        long now = clock.millis();
        Map<String, LogMetricQueries.MetricView> views = new LinkedHashMap<>();
        for (LogMetric m : metrics) {
            views.put(m.name(), q.view(m, now, name != null));
        }
        List<String> unreachable = new ArrayList<>();
        if (!"local".equals(ctx.queryParam("scope"))) {
            String path = (name == null ? "/api/v1/metrics" : "/api/v1/metrics/" + java.net.URLEncoder.encode(name,
                    java.nio.charset.StandardCharsets.UTF_8)) + "?scope=local";
            for (HostInfo host : peers.others()) {
                try {
                    for (LogMetricQueries.MetricView other : peers.get(host, path, MetricsBody.class).metrics()) {
                        views.computeIfPresent(other.name(), (k, mine) -> merge(mine, other));
                    }
                } catch (IOException e) {
                    log.warn("Instance {}:{} did not answer {}: {}", host.host(), host.port(), path, e.toString());
                    unreachable.add(host.host() + ":" + host.port());
                }
            }
        }
        ctx.json(new MetricsBody(clock.instant().toString(), List.copyOf(views.values()), unreachable));
    }

    /** Each series lives in one task; while a task moves, two instances may both show it: the one with more events wins. */
    private static LogMetricQueries.MetricView merge(LogMetricQueries.MetricView a, LogMetricQueries.MetricView b) {
        Map<Map<String, String>, LogMetricQueries.SeriesView> series = new LinkedHashMap<>();
        for (LogMetricQueries.SeriesView s : a.series()) {
            series.put(s.labels(), s);
        }
        for (LogMetricQueries.SeriesView s : b.series()) {
            series.merge(s.labels(), s, (x, y) -> y.total() > x.total() ? y : x);
        }
        return new LogMetricQueries.MetricView(a.name(), a.kind(), a.help(), a.field(), a.labels(), a.builtIn(), List.copyOf(series.values()));
    }
}
