package dev.weir.emitter;

import dev.weir.common.command.Commands;
import dev.weir.common.config.ConfigException;
import dev.weir.common.config.Secret;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.KafkaStartCheck;
import dev.weir.common.ops.HttpServerSettings;
import dev.weir.common.kafka.Topics;
import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import dev.weir.emitter.api.AlertsApi;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.config.EmitterConfig;
import dev.weir.emitter.delivery.Integration;
import dev.weir.emitter.delivery.Integrations;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.delivery.Retrier;
import dev.weir.emitter.group.Dispatcher;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.intake.AlertConsumer;
import dev.weir.emitter.notifylog.NotificationLog;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.state.KafkaStateStore;
import dev.weir.emitter.state.StateStore;
import dev.weir.emitter.template.Templates;
import dev.weir.schemas.serde.WeirSerdes;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * alert-emitter: reads an alertmanager.yml, serves the Alertmanager-compatible API on port 9093
 * (default), groups, mutes and delivers notifications. With Kafka, it also consumes the alert
 * state changes of {@code weir.alerts} (see {@link AlertConsumer}), and the notification log and
 * the silences live in the compacted topics {@code weir.notifications} and {@code weir.silences};
 * without Kafka they live in memory and only {@code POST /api/v2/alerts} feeds it.
 *
 * <p>The only place that builds the HTTP server, the meter registry, Kafka clients and threads.
 */
public final class EmitterApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmitterApp.class);

    /**
     * @param configFile the alertmanager.yml
     * @param http the API server: port 9093 by default (0 picks a free port), token, TLS
     * @param kafka the cluster, or null to keep state in memory
     * @param externalUrl this emitter's URL for links in messages
     * @param clock the clock
     * @param console told one line per notification sent ({@code weir up} prints them)
     */
    public record Settings(Path configFile, HttpServerSettings http, KafkaSettings kafka, String externalUrl, Clock clock,
                           Consumer<String> console) {
        public Settings {
            Objects.requireNonNull(configFile, "configFile");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(clock, "clock");
            externalUrl = externalUrl == null ? (http.tls() ? "https" : "http") + "://localhost:"
                    + (http.port() == 0 ? EmitterConfig.DEFAULT_PORT : http.port()) : externalUrl;
            console = console == null ? line -> { } : console;
        }

        /**
         * Plain HTTP on all interfaces against a plaintext Kafka (tests, {@code weir up}).
         *
         * @param configFile the alertmanager.yml
         * @param httpPort the API port; 0 picks a free port
         * @param bootstrapServers Kafka brokers, or null to keep state in memory
         * @param externalUrl this emitter's URL for links in messages, or null
         * @param apiToken bearer token the API requires, or null
         * @param clock the clock
         * @param console told one line per notification sent, or null
         */
        public Settings(Path configFile, int httpPort, String bootstrapServers, String externalUrl, String apiToken, Clock clock,
                        Consumer<String> console) {
            this(configFile, HttpServerSettings.of("0.0.0.0", validPort(httpPort)).withToken(apiToken == null ? null : Secret.of(apiToken)),
                    bootstrapServers == null ? null : KafkaSettings.plaintext(bootstrapServers), externalUrl, clock, console);
        }

        private static int validPort(int port) {
            if (port < 0 || port > 65535) {
                throw ConfigException.invalid("emitter.http.port", port, "must be between 0 and 65535");
            }
            return port;
        }

        /** Defaults: port 9093, no Kafka, system clock. */
        public static Settings of(Path configFile) {
            return new Settings(configFile, EmitterConfig.DEFAULT_PORT, null, null, null, Clock.systemUTC(), null);
        }
    }

    private static final String HTTP_KEY = "emitter.http";
    private static final String KAFKA_KEY = "emitter.kafka";

    /** Consumer group under which the offsets of {@code weir.alerts} are committed (they show the lag). */
    public static final String CONSUMER_GROUP = "weir-emitter";

    private final Settings settings;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Javalin http;
    private Dispatcher dispatcher;
    private Thread loop;
    private volatile boolean running;
    private final Object signal = new Object();

    public EmitterApp(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Validates an alertmanager.yml without starting anything: keys, values, references and
     * every template.
     *
     * @param configFile the alertmanager.yml
     * @return warnings that do not stop startup (e.g. URLs left as placeholders); empty when clean
     * @throws ConfigException for the first problem that would stop startup
     */
    public static List<String> check(Path configFile) {
        AlertmanagerConfig config = AlertmanagerConfigLoader.load(configFile, System.getenv());
        Integrations.build(config, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(10));
        return config.warnings();
    }

    /**
     * Starts the emitter.
     *
     * @return this
     * @throws ConfigException when the configuration is invalid (nothing is started then)
     */
    public synchronized EmitterApp start() {
        AlertmanagerConfig config = AlertmanagerConfigLoader.load(settings.configFile(), System.getenv());
        config.warnings().forEach(w -> log.warn("{}", w));
        Map<String, List<Integration>> integrations = Integrations.build(config, Templates.withDefaults(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10));
        PrometheusMeterRegistry registry = Metrics.newRegistry("emitter");
        resources.add(registry::close);
        StateStore nflogStore;
        StateStore silenceStore;
        if (settings.kafka() != null) {
            KafkaStartCheck.run(settings.kafka(), KAFKA_KEY, Duration.ofSeconds(10));
            requireTopics(settings.kafka());
            nflogStore = new KafkaStateStore(settings.kafka(), Topics.NOTIFICATIONS, "weir-emitter-nflog");
            silenceStore = new KafkaStateStore(settings.kafka(), Topics.SILENCES, "weir-emitter-silences");
            resources.add(nflogStore);
            resources.add(silenceStore);
        } else {
            nflogStore = StateStore.inMemory();
            silenceStore = StateStore.inMemory();
        }
        ExecutorService senders = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "emitter-sender");
            t.setDaemon(true);
            return t;
        });
        resources.add(() -> {
            senders.shutdown();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        });
        Notifier notifier = new Notifier(integrations, new NotificationLog(nflogStore), Retrier.defaults(), senders,
                settings.clock(), registry, settings.console());
        Silences silences = new Silences(silenceStore);
        dispatcher = new Dispatcher(Route.tree(config.route()), settings.clock(), notifier, silences,
                new Inhibitor(config.inhibitRules()), settings.externalUrl(), this::wake);
        running = true;
        loop = new Thread(this::runLoop, "emitter-dispatcher");
        loop.setDaemon(true);
        loop.start();
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("dispatcher",
                () -> running ? HealthCheck.Status.up("RUNNING") : HealthCheck.Status.down("STOPPED", "dispatcher stopped"));
        if (settings.kafka() != null) {
            AlertConsumer alerts = startAlertConsumer(settings.kafka(), registry);
            checks.put("alerts", () -> alerts.problem() != null ? HealthCheck.Status.down("FAILED", alerts.problem())
                    : alerts.replayed() ? HealthCheck.Status.up("RUNNING")
                    : HealthCheck.Status.down("REPLAYING", "rebuilding alert state from " + Topics.ALERTS));
        }
        http = OpsServer.create(settings.http(), HTTP_KEY, c -> { });
        OpsServer.install(http, registry, settings.clock(), checks);
        new AlertsApi(dispatcher, silences, settings.clock(), config.global().resolveTimeout()).install(http);
        try {
            OpsServer.start(http, settings.http(), HTTP_KEY);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("alert-emitter listening on port {} with {} receivers", port(), integrations.size());
        return this;
    }

    private AlertConsumer startAlertConsumer(KafkaSettings kafkaSettings, PrometheusMeterRegistry registry) {
        KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(KafkaClients.consumer(kafkaSettings, CONSUMER_GROUP),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        AlertConsumer alerts = new AlertConsumer(kafka, Topics.ALERTS, WeirSerdes.alertEvent().deserializer(),
                dispatcher::put, registry);
        Thread thread = new Thread(alerts, "emitter-alerts-consumer");
        thread.setDaemon(true);
        thread.start();
        resources.add(() -> {
            alerts.close();
            thread.join(10_000);
        });
        return alerts;
    }

    /** Fails startup, before any client starts, when the topics the emitter needs are missing. */
    private static void requireTopics(KafkaSettings kafka) {
        String bootstrapServers = kafka.bootstrapServers();
        try (Admin admin = Admin.create(KafkaClients.admin(kafka, "weir-emitter-setup"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missing = Stream.of(Topics.ALERTS, Topics.NOTIFICATIONS, Topics.SILENCES)
                    .filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new ConfigException("Topics " + missing + " do not exist on " + bootstrapServers
                        + "; create Weir's topics first (weir up does).");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ConfigException("Kafka at " + bootstrapServers + " did not answer within 30 s ("
                    + e.getMessage() + "); check " + KAFKA_KEY + ".bootstrap-servers.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("Interrupted while checking the topics on " + bootstrapServers);
        }
    }

    /** @return the port the API listens on */
    public int port() {
        return http.port();
    }

    /** @return the dispatcher, for in-process feeding (the Kafka consumer, tests) */
    public Dispatcher dispatcher() {
        return dispatcher;
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void runLoop() {
        while (running) {
            try {
                dispatcher.processDue();
                Instant now = settings.clock().instant();
                long waitMs = dispatcher.nextDue().map(d -> Duration.between(now, d).toMillis()).orElse(1000L);
                waitMs = Math.max(1, Math.min(waitMs, 1000));
                synchronized (signal) {
                    signal.wait(waitMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("dispatcher loop failed; continuing", e);
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (http != null) {
            http.stop();
        }
        if (loop != null) {
            loop.interrupt();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("error while closing", e);
            }
        }
        resources.clear();
    }

    /**
     * {@code weir emitter [alertmanager.yml] [--config emitter.yml] [--port N] [--bootstrap-servers HOSTS]
     * [--external-url URL]} and {@code weir emitter check alertmanager.yml}; see {@link EmitterCommand}. Exits 2 on
     * configuration errors (one line on stderr).
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(Commands.execute(new EmitterCommand(), args));
    }
}
