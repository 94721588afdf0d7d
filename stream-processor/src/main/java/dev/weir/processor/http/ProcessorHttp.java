package dev.weir.processor.http;

import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.HttpServerSettings;
import dev.weir.common.ops.OpsServer;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's HTTP server: {@code /health/live}, {@code /health/ready} (503 until Kafka
 * Streams is RUNNING, and while the consumer group does not progress) and {@code /metrics}, plus
 * the routes extensions add.
 */
public final class ProcessorHttp {
    private static final String KEY = "processor.http";
    /** The status page's data: public by design (no log lines, no addresses), so the console's public page needs no token. */
    private static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of("/api/v1/status");

    private ProcessorHttp() {}

    /**
     * @param registry the registry to scrape
     * @param clock    for health timestamps
     * @param state    the current Streams state, or {@code null} before Streams exists
     * @return a configured, not yet started server
     */
    public static Javalin create(PrometheusMeterRegistry registry, Clock clock, Supplier<KafkaStreams.State> state) {
        return create(HttpServerSettings.of("0.0.0.0", 0), registry, clock, state, app -> { });
    }

    /**
     * @param settings    host, port, token and TLS
     * @param registry    the registry to scrape
     * @param clock       for health timestamps
     * @param state       the current Streams state, or {@code null} before Streams exists
     * @param extraRoutes adds the extensions' routes and hooks; runs before health and metrics are installed,
     *                    so that a {@code before("/metrics")} hook (gauges recomputed per scrape) is in place
     *                    ahead of the scrape handler
     * @return a configured, not yet started server
     */
    public static Javalin create(HttpServerSettings settings, PrometheusMeterRegistry registry, Clock clock,
                                 Supplier<KafkaStreams.State> state, Consumer<Javalin> extraRoutes) {
        return create(settings, registry, clock, state, () -> HealthCheck.Status.up("unwatched"), extraRoutes);
    }

    /**
     * @param settings    host, port, token and TLS
     * @param registry    the registry to scrape
     * @param clock       for health timestamps
     * @param state       the current Streams state, or {@code null} before Streams exists
     * @param progress    whether the consumer group gets on (a stream thread died, the group stalled): a second
     *                    readiness check, {@code progress} in the JSON
     * @param extraRoutes adds the extensions' routes and hooks, before health and metrics are installed
     * @return a configured, not yet started server
     */
    public static Javalin create(HttpServerSettings settings, PrometheusMeterRegistry registry, Clock clock,
                                 Supplier<KafkaStreams.State> state, HealthCheck progress, Consumer<Javalin> extraRoutes) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(extraRoutes, "extraRoutes");
        Javalin app = OpsServer.create(settings, KEY, config -> { }, PUBLIC_PATHS);
        extraRoutes.accept(app);
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("kafka_streams", () -> streamsHealth(state.get()));
        checks.put("progress", progress);
        OpsServer.install(app, registry, clock, checks);
        return app;
    }

    /**
     * @param state the Streams state, may be {@code null}
     * @return up only when RUNNING: then every active task's stores are restored
     */
    public static HealthCheck.Status streamsHealth(KafkaStreams.State state) {
        if (state == KafkaStreams.State.RUNNING) {
            return HealthCheck.Status.up(state.name());
        }
        String name = state == null ? "NOT_CREATED" : state.name();
        return HealthCheck.Status.down(name, "Kafka Streams is " + name + ", not RUNNING");
    }

    /**
     * Starts the server with a clear message when the port is taken.
     *
     * @param app      the server
     * @param settings bind address and port (0 for any free one)
     * @throws dev.weir.common.config.ConfigException when the port is in use
     */
    public static void start(Javalin app, HttpServerSettings settings) {
        OpsServer.start(app, settings, KEY);
    }
}
