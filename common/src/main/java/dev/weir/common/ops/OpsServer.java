package dev.weir.common.ops;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operational HTTP surface every component serves: {@code /health/live},
 * {@code /health/ready} (also under the seeds' names {@code /health/liveness},
 * {@code /health/readiness} and {@code /health}) and {@code /metrics} in Prometheus text
 * format. Components add their own routes to the {@link Javalin} instance before starting it.
 *
 * <p>The readiness body follows the seeds' health responses: {@code status}
 * ({@code healthy}/{@code unhealthy}), {@code timestamp}, {@code version}, one entry per
 * dependency with its state, and {@code errors}.
 */
public final class OpsServer {
    /** Weir's version, from the jar manifest when packaged. */
    public static final String VERSION = versionOf(OpsServer.class);

    private OpsServer() {}

    /**
     * Registers the health and metrics routes on {@code app}.
     *
     * @param app the component's Javalin instance, not started yet
     * @param registry the meter registry scraped at {@code /metrics}
     * @param clock for the {@code timestamp} field
     * @param checks dependency name to check, in display order
     */
    public static void install(Javalin app, PrometheusMeterRegistry registry, Clock clock, Map<String, HealthCheck> checks) {
        Objects.requireNonNull(registry, "registry");
        Map<String, HealthCheck> copy = new LinkedHashMap<>(checks);
        app.get("/health/live", ctx -> live(ctx, clock));
        app.get("/health/liveness", ctx -> live(ctx, clock));
        app.get("/health/ready", ctx -> ready(ctx, clock, copy));
        app.get("/health/readiness", ctx -> ready(ctx, clock, copy));
        app.get("/health", ctx -> ready(ctx, clock, copy));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    private static void live(Context ctx, Clock clock) {
        ctx.json(Map.of("status", "alive", "timestamp", clock.instant().toString(), "version", VERSION));
    }

    private static void ready(Context ctx, Clock clock, Map<String, HealthCheck> checks) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        body.put("status", "healthy");
        body.put("timestamp", clock.instant().toString());
        body.put("version", VERSION);
        boolean ready = true;
        for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
            HealthCheck.Status s;
            try {
                s = e.getValue().check();
            } catch (RuntimeException ex) {
                s = HealthCheck.Status.down("error", ex.toString());
            }
            body.put(e.getKey(), s.state());
            if (!s.ready()) {
                ready = false;
                errors.add(e.getKey() + ": " + (s.error() == null ? s.state() : s.error()));
            }
        }
        if (!ready) {
            body.put("status", "unhealthy");
            body.put("errors", errors);
        }
        ctx.status(ready ? 200 : 503).json(body);
    }

    private static String versionOf(Class<?> type) {
        String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }
}
