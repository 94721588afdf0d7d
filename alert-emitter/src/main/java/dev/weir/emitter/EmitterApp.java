package dev.weir.emitter;

import dev.weir.common.command.Commands;
import dev.weir.common.config.ConfigException;
import dev.weir.common.config.Secret;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.KafkaStartCheck;
import dev.weir.common.kafka.Topics;
import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.HttpServerSettings;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import dev.weir.emitter.ack.Acks;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.alert.Fingerprints;
import dev.weir.emitter.api.AlertsApi;
import dev.weir.emitter.delivery.DeliveryException;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import java.util.UUID;
import dev.weir.emitter.cluster.KafkaOwnership;
import dev.weir.emitter.cluster.Ownership;
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
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * alert-emitter: reads an alertmanager.yml, serves the Alertmanager-compatible API on port 9093
 * (default), groups, mutes and delivers notifications. With Kafka, it also consumes the alert
 * state changes of {@code weir.alerts} (see {@link AlertConsumer}); the notification log, the
 * silences and the acknowledgements live in the compacted topics {@code weir.notifications},
 * {@code weir.silences} and {@code weir.acks}; and any number of instances share the alert groups
 * through the consumer group {@code weir-emitter} (see {@link KafkaOwnership}). Without Kafka
 * they live in memory and only {@code POST /api/v2/alerts} feeds it.
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

    /**
     * The consumer group on {@code weir.alerts} whose members share the alert groups (and whose
     * committed offsets show each owner's lag).
     */
    public static final String CONSUMER_GROUP = "weir-emitter";
    /** How long after its last heartbeat a silent instance (killed, paused) loses its groups. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** Prefix of the transactional ids of the notification-log writers, one per partition of {@code weir.alerts}. */
    public static final String TRANSACTIONAL_ID_PREFIX = "weir-emitter-nflog";

    private final Settings settings;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Javalin http;
    private Dispatcher dispatcher;
    private Thread loop;
    private volatile boolean running;
    private final Object signal = new Object();
    private final String instanceName = defaultInstanceName();

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
     * The outcome of sending a test notification through one integration.
     *
     * @param integration e.g. {@code slack[0]}
     * @param error why it failed, or null when the receiver accepted it
     */
    public record TestResult(String integration, String error) {}

    /**
     * Sends a test notification (a firing alert {@code WeirTestNotification}) through every
     * integration of a receiver, once each, without retries and without the notification log.
     *
     * @param configFile the alertmanager.yml
     * @param receiver the receiver's name
     * @param externalUrl this emitter's URL in the message
     * @return one result per integration, in configuration order
     * @throws ConfigException when the file is invalid or has no such receiver
     */
    public static List<TestResult> testReceiver(Path configFile, String receiver, String externalUrl) {
        AlertmanagerConfig config = AlertmanagerConfigLoader.load(configFile, System.getenv());
        if (config.receiver(receiver).isEmpty()) {
            throw ConfigException.invalid("RECEIVER", receiver, "no receiver with this name in " + configFile + "; it has "
                    + config.receivers().stream().map(AlertmanagerConfig.Receiver::name).toList());
        }
        List<Integration> integrations = Integrations.build(config, Templates.withDefaults(),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), Duration.ofSeconds(10)).get(receiver);
        Instant now = Instant.now();
        Map<String, String> labels = Map.of("alertname", "WeirTestNotification", "severity", "none", "receiver", receiver);
        Alert alert = new Alert(Fingerprints.of(labels), labels, Map.of("summary", "Test notification from Weir",
                "description", "Sent by weir emitter test-receiver to check that " + receiver + " is reachable."),
                now, null, externalUrl, Alert.Status.FIRING);
        NotificationData data = new NotificationData(receiver, "{}:{alertname=\"WeirTestNotification\"}",
                Map.of("alertname", "WeirTestNotification"), List.of(new AlertData(alert, false)), externalUrl);
        List<TestResult> results = new ArrayList<>();
        for (Integration i : integrations) {
            String name = i.kind() + "[" + i.index() + "]";
            try {
                i.send(data, UUID.randomUUID().toString());
                results.add(new TestResult(name, null));
            } catch (DeliveryException e) {
                results.add(new TestResult(name, e.getMessage()));
            }
        }
        return results;
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
        Instant started = settings.clock().instant();
        KafkaSettings kafka = settings.kafka();
        StateStore nflogStore;
        StateStore silenceStore;
        StateStore ackStore;
        int partitions = 1;
        if (kafka != null) {
            KafkaStartCheck.run(kafka, KAFKA_KEY, Duration.ofSeconds(10));
            partitions = requireTopics(kafka);
            nflogStore = new KafkaStateStore(kafka, Topics.NOTIFICATIONS, "weir-emitter-nflog");
            silenceStore = new KafkaStateStore(kafka, Topics.SILENCES, "weir-emitter-silences");
            ackStore = new KafkaStateStore(kafka, Topics.ACKS, "weir-emitter-acks");
        } else {
            nflogStore = StateStore.inMemory();
            silenceStore = StateStore.inMemory();
            ackStore = StateStore.inMemory();
        }
        resources.add(nflogStore);
        resources.add(silenceStore);
        resources.add(ackStore);
        NotificationLog nflog = new NotificationLog(nflogStore);
        Silences silences = new Silences(silenceStore);
        Acks acks = new Acks(ackStore);
        KafkaOwnership cluster = null;
        Ownership ownership;
        if (kafka != null) {
            Map<String, Object> props = KafkaClients.consumer(kafka, CONSUMER_GROUP);
            props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
            props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis() / 4);
            props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, instanceName);
            cluster = new KafkaOwnership(new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                    kafka, Topics.ALERTS, partitions, (KafkaStateStore) nflogStore, TRANSACTIONAL_ID_PREFIX);
            ownership = cluster;
        } else {
            ownership = Ownership.everything(nflogStore::put);
        }
        ExecutorService senders = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "emitter-sender");
            t.setDaemon(true);
            return t;
        });
        Notifier notifier = new Notifier(integrations, nflog, ownership, Retrier.defaults(), senders,
                settings.clock(), registry, settings.console());
        dispatcher = new Dispatcher(new Dispatcher.Parts(Route.tree(config.route()), settings.clock(), notifier, silences,
                new Inhibitor(config.inhibitRules()), acks, config.timeIntervals(), ownership, settings.externalUrl()), this::wake);
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("dispatcher",
                () -> running ? HealthCheck.Status.up("RUNNING") : HealthCheck.Status.down("STOPPED", "dispatcher stopped"));
        AlertConsumer alerts = null;
        if (kafka != null) {
            alerts = startAlertConsumer(kafka, registry);
            AlertConsumer a = alerts;
            checks.put("alerts", () -> a.problem() != null ? HealthCheck.Status.down("FAILED", a.problem())
                    : a.replayed() ? HealthCheck.Status.up("RUNNING")
                    : HealthCheck.Status.down("REPLAYING", "rebuilding alert state from " + Topics.ALERTS));
            KafkaOwnership c = cluster;
            checks.put("cluster", () -> c.problem() != null ? HealthCheck.Status.down("FAILED", c.problem())
                    : HealthCheck.Status.up("MEMBER"));
        }
        running = true;
        KafkaOwnership tick = cluster;
        AlertConsumer alertView = alerts;
        loop = new Thread(() -> runLoop(tick, acks), "emitter-dispatcher");
        loop.setDaemon(true);
        loop.start();
        resources.add(() -> {
            senders.shutdown();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        });
        Admin admin = kafka == null ? null : Admin.create(KafkaClients.admin(kafka, "weir-emitter-status"));
        if (admin != null) {
            resources.add(() -> admin.close(Duration.ofSeconds(5)));
        }
        AlertsApi.StatusInfo status = new AlertsApi.StatusInfo(config.original(),
                config.receivers().stream().map(AlertmanagerConfig.Receiver::name).toList(), started, version(),
                () -> clusterStatus(admin, tick, alertView));
        http = OpsServer.create(settings.http(), HTTP_KEY, c -> { });
        OpsServer.install(http, registry, settings.clock(), checks);
        new AlertsApi(dispatcher, silences, acks, settings.clock(), config.global().resolveTimeout(), status).install(http);
        try {
            OpsServer.start(http, settings.http(), HTTP_KEY);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (cluster != null) {
            startMembership(cluster, alerts, (KafkaStateStore) nflogStore, notifier);
        }
        log.info("alert-emitter {} listening on port {} with {} receivers", instanceName, port(), integrations.size());
        return this;
    }

    private void startMembership(KafkaOwnership cluster, AlertConsumer alerts, KafkaStateStore nflogStore, Notifier notifier) {
        cluster.bind(new KafkaOwnership.Handover() {
            @Override
            public boolean caughtUp(Map<TopicPartition, Long> alertsEnd, Map<TopicPartition, Long> nflogEnd) {
                return alerts.reached(alertsEnd) && nflogStore.reached(nflogEnd);
            }

            @Override
            public void adopt(IntPredicate partitions) {
                dispatcher.adopt(partitions);
            }

            @Override
            public boolean drain(IntPredicate partitions, Duration timeout) {
                return notifier.awaitIdle(partitions, timeout);
            }

            @Override
            public Map<TopicPartition, Long> processed() {
                return alerts.processed();
            }

            @Override
            public void wake() {
                EmitterApp.this.wake();
            }
        });
        Thread thread = new Thread(cluster, "emitter-membership");
        thread.setDaemon(true);
        thread.start();
        // leave the group first on close, so the other instances take over while this one drains
        resources.add(() -> {
            cluster.close();
            thread.join(60_000);
        });
    }

    /** Alertmanager's cluster status: the members of the consumer group {@code weir-emitter}. */
    private AlertsApi.Cluster clusterStatus(Admin admin, KafkaOwnership cluster, AlertConsumer alerts) {
        if (admin == null) {
            return new AlertsApi.Cluster(instanceName, "disabled", List.of());
        }
        List<AlertsApi.Peer> peers = new ArrayList<>();
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(CONSUMER_GROUP)).all()
                    .get(5, TimeUnit.SECONDS).get(CONSUMER_GROUP);
            group.members().forEach(m -> peers.add(new AlertsApi.Peer(m.clientId(), m.host())));
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not describe consumer group {}: {}", CONSUMER_GROUP, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peers.sort(java.util.Comparator.comparing(AlertsApi.Peer::name));
        boolean ready = alerts.replayed() && cluster.problem() == null && !cluster.ready().isEmpty();
        return new AlertsApi.Cluster(instanceName, ready ? "ready" : "settling", peers);
    }

    private static String version() {
        String v = EmitterApp.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    private static String defaultInstanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return "weir-emitter@" + host + "/" + ProcessHandle.current().pid();
    }

    private AlertConsumer startAlertConsumer(KafkaSettings kafkaSettings, PrometheusMeterRegistry registry) {
        Map<String, Object> props = KafkaClients.consumer(kafkaSettings, CONSUMER_GROUP);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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

    /**
     * Fails startup, before any client starts, when the topics the emitter needs are missing.
     *
     * @return how many partitions {@code weir.alerts} has (the units the instances share)
     */
    private static int requireTopics(KafkaSettings kafka) {
        String bootstrapServers = kafka.bootstrapServers();
        try (Admin admin = Admin.create(KafkaClients.admin(kafka, "weir-emitter-setup"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> missing = Stream.of(Topics.ALERTS, Topics.NOTIFICATIONS, Topics.SILENCES, Topics.ACKS)
                    .filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                throw new ConfigException("Topics " + missing + " do not exist on " + bootstrapServers
                        + "; create Weir's topics first (weir up does).");
            }
            return admin.describeTopics(List.of(Topics.ALERTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(Topics.ALERTS).partitions().size();
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

    private void runLoop(KafkaOwnership cluster, Acks acks) {
        while (running) {
            try {
                if (cluster != null) {
                    cluster.tick();
                }
                List<Alert> ackEnds = dispatcher.processDue();
                if (!ackEnds.isEmpty()) {
                    acks.endResolved(ackEnds);
                }
                Instant now = settings.clock().instant();
                long waitMs = dispatcher.nextDue().map(d -> Duration.between(now, d).toMillis()).orElse(1000L);
                waitMs = Math.max(1, Math.min(waitMs, cluster != null ? 200 : 1000));
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
