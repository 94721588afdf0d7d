package dev.weir.common.ops;

import dev.weir.common.config.ConfigException;
import dev.weir.common.tls.TlsContexts;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The operational HTTP surface every component serves: {@code /health/live},
 * {@code /health/ready} (also under the seeds' names {@code /health/liveness},
 * {@code /health/readiness} and {@code /health}) and {@code /metrics} in Prometheus text
 * format. Components add their own routes to the {@link Javalin} instance before starting it.
 *
 * <p>The readiness body follows the seeds' health responses: {@code status}
 * ({@code healthy}/{@code unhealthy}), {@code timestamp}, {@code version}, one entry per
 * dependency with its state, and {@code errors}.
 *
 * <p>{@link #create} builds every component's server the same way from its
 * {@link HttpServerSettings}: HTTPS when a certificate is configured, and, when a token is
 * configured, a bearer check on every route except health (and {@code /metrics}, unless
 * {@code protect-metrics}).
 */
public final class OpsServer {
    /** Weir's version, from the jar manifest when packaged. */
    public static final String VERSION = versionOf(OpsServer.class);

    private OpsServer() {}

    /**
     * A server as {@code settings} describe it, not started yet.
     *
     * @param settings  host, port, token and TLS
     * @param keyPrefix the component's {@code http} key, e.g. {@code processor.http}, for messages
     * @param configure more Javalin configuration (request size limits …)
     * @return the server; start it with {@link #start}
     */
    public static Javalin create(HttpServerSettings settings, String keyPrefix, Consumer<JavalinConfig> configure) {
        return create(settings, keyPrefix, configure, Set.of());
    }

    /**
     * As {@link #create(HttpServerSettings, String, Consumer)}, with routes that answer without a token.
     *
     * @param settings    host, port, token and TLS
     * @param keyPrefix   the component's {@code http} key, for messages
     * @param configure   more Javalin configuration
     * @param publicPaths exact paths open to anyone even when a token is set (public by design, e.g. a status page's data)
     * @return the server; start it with {@link #start}
     */
    public static Javalin create(HttpServerSettings settings, String keyPrefix, Consumer<JavalinConfig> configure,
                                 Set<String> publicPaths) {
        Set<String> open = Set.copyOf(publicPaths);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            if (settings.tls()) {
                cfg.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server tls = new SslContextFactory.Server();
                    tls.setKeyStore(TlsContexts.keyStore(settings.tlsCertificate(), settings.tlsKey()));
                    tls.setKeyStorePassword(new String(TlsContexts.keyStorePassword()));
                    HttpConfiguration https = new HttpConfiguration(httpConfig);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    // clients reach the server by address as often as by name; the certificate is checked by them
                    secure.setSniHostCheck(false);
                    https.addCustomizer(secure);
                    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                            new HttpConnectionFactory(https));
                    connector.setHost(settings.host());
                    connector.setPort(settings.port());
                    return connector;
                });
            }
            configure.accept(cfg);
        });
        if (settings.token() != null) {
            app.before(ctx -> {
                String path = ctx.path();
                boolean isOpen = path.equals("/health") || path.startsWith("/health/") || open.contains(path)
                        || (!settings.protectMetrics() && path.equals("/metrics"));
                String header = ctx.header("Authorization");
                if (!isOpen && (header == null || !header.startsWith("Bearer ")
                        || !settings.token().matches(header.substring("Bearer ".length()).trim()))) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    ctx.status(401).json(Map.of("error", "missing or wrong bearer token; send Authorization: Bearer <"
                            + keyPrefix + ".token>"));
                    ctx.skipRemainingHandlers();
                }
            });
        }
        return app;
    }

    /**
     * Starts a server built by {@link #create}.
     *
     * @param app       the server
     * @param settings  the settings it was built from
     * @param keyPrefix the component's {@code http} key, for the message
     * @throws ConfigException when the port is taken or not allowed
     */
    public static void start(Javalin app, HttpServerSettings settings, String keyPrefix) {
        try {
            app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            throw new ConfigException("Cannot listen on " + settings.host() + ":" + settings.port() + " (" + e.getMessage()
                    + "); set " + keyPrefix + ".port to a free port");
        }
    }

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
