package dev.weir.console;

import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import dev.weir.console.alerts.AlertsPage;
import dev.weir.console.logs.LogStore;
import dev.weir.console.logs.LogsPage;
import dev.weir.console.pipeline.PipelinePage;
import dev.weir.console.security.SecurityPage;
import dev.weir.console.services.ServicesPage;
import dev.weir.console.status.StatusPage;
import dev.weir.console.upstream.TokenRequiredException;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.web.Links;
import dev.weir.console.web.Page;
import dev.weir.console.web.Templates;
import dev.weir.console.web.Tokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Weir console: one web server that reads the processor's query API, the emitter's API and
 * Elasticsearch and shows Services, Alerts, Logs, Security and Pipeline pages. Pages are rendered
 * on the server (jte, HTML-escaped); htmx refreshes their live parts, uPlot draws the charts, both
 * served from WebJars in the jar, so the console works without internet.
 *
 * <p>The only place that builds the HTTP server, the HTTP client and the meter registry.
 */
public final class ConsoleApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleApp.class);

    /**
     * @param processor      the processor's HTTP base URL (query API)
     * @param emitter        the alert emitter's HTTP base URL
     * @param elasticsearch  Elasticsearch's URL
     * @param sink           the sink's HTTP base URL, or null (the Pipeline page then leaves it out)
     * @param agent          the agent's HTTP base URL, or null
     * @param host           bind address
     * @param port           port, 0 for any free one
     * @param refresh        how often pages refresh their live parts (1 s to 1 h)
     * @param clock          the clock
     */
    public record Settings(URI processor, URI emitter, URI elasticsearch, URI sink, URI agent, String host, int port,
                           Duration refresh, Clock clock) {
        public Settings {
            Objects.requireNonNull(processor, "processor");
            Objects.requireNonNull(emitter, "emitter");
            Objects.requireNonNull(elasticsearch, "elasticsearch");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(refresh, "refresh");
            Objects.requireNonNull(clock, "clock");
            http(processor, "--processor");
            http(emitter, "--emitter");
            http(elasticsearch, "--elasticsearch");
            if (sink != null) {
                http(sink, "--sink");
            }
            if (agent != null) {
                http(agent, "--agent");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid value " + port + " for --port: must be between 0 and 65535");
            }
            if (refresh.compareTo(Duration.ofSeconds(1)) < 0 || refresh.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("Invalid value " + refresh + " for --refresh: must be between PT1S and PT1H");
            }
        }

        /** Defaults: all interfaces, port 8088, refresh every 5 s, no sink or agent, system clock. */
        public static Settings of(URI processor, URI emitter, URI elasticsearch) {
            return new Settings(processor, emitter, elasticsearch, null, null, "0.0.0.0", 8088, Duration.ofSeconds(5),
                    Clock.systemUTC());
        }

        /** @return a copy listening on {@code newPort} */
        public Settings withPort(int newPort) {
            return new Settings(processor, emitter, elasticsearch, sink, agent, host, newPort, refresh, clock);
        }

        /** @return a copy that also shows the sink and the agent on the Pipeline page (either may be null) */
        public Settings withPipeline(URI newSink, URI newAgent) {
            return new Settings(processor, emitter, elasticsearch, newSink, newAgent, host, port, refresh, clock);
        }

        private static void http(URI uri, String option) {
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("Invalid value " + uri + " for " + option + ": must be an http:// or https:// URL");
            }
        }
    }

    private final Settings settings;
    private Javalin http;
    private PrometheusMeterRegistry registry;

    public ConsoleApp(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Starts the server; returns once it listens.
     *
     * @return this
     * @throws IllegalStateException when the port is in use
     */
    public synchronized ConsoleApp start() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Duration timeout = Duration.ofSeconds(10);
        Upstream processor = new Upstream("processor", "--processor", settings.processor(), client, timeout);
        Upstream emitter = new Upstream("emitter", "--emitter", settings.emitter(), client, timeout);
        Upstream es = new Upstream("Elasticsearch", "--elasticsearch", settings.elasticsearch(), client, timeout);
        Upstream sink = settings.sink() == null ? null : new Upstream("sink", "--sink", settings.sink(), client, timeout);
        Upstream agent = settings.agent() == null ? null : new Upstream("agent", "--agent", settings.agent(), client, timeout);
        LogStore logs = new LogStore(es);
        Templates templates = new Templates();
        Clock clock = settings.clock();
        long refresh = settings.refresh().toSeconds();

        registry = Metrics.newRegistry("console");
        http = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/assets";
                files.directory = "/dev/weir/console/assets";
                files.location = Location.CLASSPATH;
            });
        });
        http.before(ctx -> securityHeaders(ctx));
        http.before(ConsoleApp::sameOrigin);
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        OpsServer.install(http, registry, clock, checks);
        http.get("/", ctx -> ctx.redirect("/services"));
        http.get("/token", ctx -> tokenPage(ctx, templates, ctx.queryParam("api"), ctx.queryParam("next"), false));
        http.post("/token", ctx -> {
            Tokens.set(ctx, ctx.formParam("token"));
            ctx.redirect(Tokens.safeNext(ctx.formParam("next")));
        });
        http.post("/token/forget", ctx -> {
            Tokens.set(ctx, null);
            ctx.redirect("/services");
        });
        new ServicesPage(processor, emitter, logs, templates, clock, refresh).register(http);
        new AlertsPage(emitter, templates, clock, refresh).register(http);
        new LogsPage(logs, templates, clock).register(http);
        new SecurityPage(processor, templates, clock, refresh).register(http);
        new PipelinePage(processor, emitter, sink, agent, logs, templates, clock, refresh).register(http);
        new StatusPage(processor, templates, clock, refresh).register(http);
        http.exception(TokenRequiredException.class, (e, ctx) -> askForToken(ctx, templates, e.api()));
        try {
            http.start(settings.host(), settings.port());
        } catch (JavalinBindException e) {
            close();
            throw new IllegalStateException("Port " + settings.port() + " is already in use; start the console with --port "
                    + "and another port.", e);
        }
        log.info("console listening on port {} (processor {}, emitter {}, Elasticsearch {})", port(), settings.processor(),
                settings.emitter(), settings.elasticsearch());
        return this;
    }

    /** An API asked for a token: the page asks the user (htmx follows {@code HX-Redirect} for live refreshes). */
    private static void askForToken(Context ctx, Templates templates, String api) {
        boolean had = Tokens.of(ctx) != null;
        String next = Templates.live(ctx) ? ctx.header("HX-Current-URL") : ctx.method().name().equals("GET")
                ? ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) : ctx.header("Referer");
        next = Tokens.safeNext(next == null ? "/" : pathOf(next));
        if (Templates.live(ctx)) {
            ctx.header("HX-Redirect", Links.to("/token", "api", api, "next", next));
            ctx.status(200);
            return;
        }
        ctx.status(401);
        tokenPage(ctx, templates, api, next, had);
    }

    private static String pathOf(String url) {
        try {
            URI u = URI.create(url);
            return u.getRawPath() == null ? "/" : u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }

    private static void tokenPage(Context ctx, Templates templates, String api, String next, boolean rejected) {
        Page page = new Page("Token", "", null, 0, List.of(), "");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", page);
        params.put("api", api == null ? "" : api);
        params.put("next", Tokens.safeNext(next));
        params.put("rejected", rejected);
        templates.render(ctx, "token.jte", params);
    }

    /** Pages are never framed by another site, nor load scripts from anywhere but the console. */
    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    }

    /**
     * Refuses writes (silences, acknowledgements, the token) sent by another site: a page elsewhere
     * must not create a silence through a browser that can reach the console.
     */
    private static void sameOrigin(Context ctx) {
        String method = ctx.method().name();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        boolean foreign = site != null && !site.equals("same-origin") && !site.equals("none");
        if (!foreign && origin != null && !origin.equals("null")) {
            URI o = URI.create(origin);
            String host = ctx.header("Host");
            foreign = host == null || !(o.getHost() + (o.getPort() < 0 ? "" : ":" + o.getPort())).equalsIgnoreCase(host);
        }
        if (foreign) {
            ctx.status(403).result("Refused: this request came from another site; use the console's own page.");
            ctx.skipRemainingHandlers();
        }
    }

    /** @return the port the console listens on */
    public int port() {
        return http.port();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * {@code ConsoleApp --processor URL --emitter URL --elasticsearch URL [--port 8088]}; the
     * {@code weir console} command has the same options and more.
     */
    public static void main(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        try {
            for (String key : opts.keySet()) {
                if (!List.of("--processor", "--emitter", "--elasticsearch", "--port").contains(key)) {
                    throw new IllegalArgumentException("Unknown option " + key + "; known: --processor, --emitter, --elasticsearch, --port");
                }
            }
            Settings s = Settings.of(URI.create(opts.getOrDefault("--processor", "http://127.0.0.1:8080")),
                    URI.create(opts.getOrDefault("--emitter", "http://127.0.0.1:9093")),
                    URI.create(opts.getOrDefault("--elasticsearch", "http://127.0.0.1:9200")))
                    .withPort(Integer.parseInt(opts.getOrDefault("--port", "8088")));
            ConsoleApp app = new ConsoleApp(s).start();
            Runtime.getRuntime().addShutdownHook(new Thread(app::close, "console-shutdown"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
