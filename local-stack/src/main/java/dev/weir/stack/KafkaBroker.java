package dev.weir.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) in a child JVM on
 * loopback, for tests and {@code weir up}.
 *
 * <p>Topics are not created automatically ({@code auto.create.topics.enable=false}), as in
 * production, where a typo in a topic name must not silently create a topic: use
 * {@link #createTopic(String, int)}. Internal topics (offsets, transactions) use replication 1.
 *
 * <p>The broker runs as {@code java ... kafka.Kafka server.properties} so that failure tests can
 * {@link #kill()} it. It dies with this JVM: a shutdown hook stops it, and when this JVM is killed
 * the child notices its standard input closing and halts (see {@link ChildMain}).
 *
 * <p>Files in the data directory: {@code server.properties}, {@code log4j2.properties},
 * {@code kafka.log} (the broker's output, appended across restarts) and {@code logs/} (the
 * partitions and the metadata log).
 *
 * <p>Thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 40;

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Path configFile;
    private final Path logFile;
    private final String clusterId;

    private final Security security; // null: a plaintext broker

    private Process process; // guarded by this; null when not running
    private final ServerShutdownHook shutdownHook = new ServerShutdownHook("weir-kafka-broker-shutdown"); // guarded by this

    private KafkaBroker(Path dataDir, int port, int controllerPort, Security security) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.configFile = dataDir.resolve("server.properties");
        this.logFile = dataDir.resolve("kafka.log");
        this.clusterId = Uuid.randomUuid().toString();
        this.security = security;
    }

    /**
     * What a secured broker offers: a SASL_SSL listener ({@link KafkaBroker#bootstrapServers()})
     * where the users authenticate with SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, and an SSL listener
     * that requires a client certificate signed by the stack's CA ({@link #mtlsBootstrapServers()}).
     * The broker talks to itself over SASL_SSL as {@value #ADMIN_USER}.
     *
     * @param certificates         the CA, server and client certificates (PEM)
     * @param users                user name to password, for clients
     * @param adminPassword        password of {@value #ADMIN_USER}
     * @param mtlsBootstrapServers the mutual-TLS listener, {@code 127.0.0.1:PORT}
     */
    public record Security(Certificates certificates, Map<String, String> users, String adminPassword, String mtlsBootstrapServers) {
        /** The broker's own user (inter-broker traffic, the stack's admin client). */
        public static final String ADMIN_USER = "admin";

        public Security {
            users = Map.copyOf(users);
        }

        @Override
        public String toString() {
            return "Security[users=" + users.keySet() + ", mtls=" + mtlsBootstrapServers + "]";
        }
    }

    /**
     * Formats (when new) and starts a broker on two free loopback ports, and waits until it
     * answers an Admin {@code describeCluster}.
     *
     * @param dataDir directory for the configuration, the broker log and the data; created if
     *                missing, reused (with its topics and records) if it holds an earlier broker's data
     * @return the running broker
     * @throws IOException when the broker cannot be started or is not ready within 90 s; the
     *                     message includes the end of the broker log
     */
    public static KafkaBroker start(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        int[] ports = Ports.free(2);
        KafkaBroker broker = new KafkaBroker(dir, ports[0], ports[1], null);
        broker.writeConfig();
        broker.launchAndAwaitReady();
        return broker;
    }

    /**
     * Starts a secured broker: SASL_SSL on {@link #bootstrapServers()} (SCRAM users created by
     * {@code StorageTool format --add-scram}, PLAIN with the same passwords), SSL with required
     * client certificates on {@link Security#mtlsBootstrapServers()}, certificates generated now
     * under {@code dataDir/tls}.
     *
     * @param dataDir directory for configuration, certificates, log and data
     * @param users   user name to password (letters, digits, '-' and '_' only)
     * @return the running broker
     * @throws IOException when it does not start within 90 s
     */
    public static KafkaBroker startSecured(Path dataDir, Map<String, String> users) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        users.forEach((u, pw) -> {
            if (!u.matches("[A-Za-z0-9_-]+") || !pw.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("User names and passwords of the secured broker must be letters, digits, '-' or '_'");
            }
        });
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        Certificates certificates = Certificates.generate(dir.resolve("tls"), "weir-kafka");
        int[] ports = Ports.free(3);
        Security security = new Security(certificates, users, "admin-" + Uuid.randomUuid(), Ports.HOST + ":" + ports[2]);
        KafkaBroker broker = new KafkaBroker(dir, ports[0], ports[1], security);
        broker.writeConfig();
        broker.launchAndAwaitReady();
        return broker;
    }

    /** @return the security of a broker started by {@link #startSecured}, or {@code null} for a plaintext one */
    public Security security() {
        return security;
    }

    /** @return the bootstrap servers, {@code "127.0.0.1:PORT"}; the same across restarts */
    public String bootstrapServers() {
        return Ports.HOST + ":" + port;
    }

    /** @return the file receiving the broker JVM's output (appended across restarts) */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the broker gracefully (SIGTERM, then waits up to 60 s for the process to exit; SIGKILL
     * after that). Does nothing when it is not running.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        long started = System.nanoTime();
        // Not Process.destroy(): it also closes the child's standard input, which ChildMain takes
        // as the parent being gone and halts before Kafka has shut down cleanly.
        process.toHandle().destroy();
        boolean exited = awaitExit(process, STOP_TIMEOUT);
        if (!exited) {
            log.warn("Kafka broker {} did not stop within {} s; killing it", bootstrapServers(), STOP_TIMEOUT.toSeconds());
            process.destroyForcibly();
            awaitExit(process, STOP_TIMEOUT);
        }
        log.info("Stopped Kafka broker {} in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        released();
    }

    /** Kills the broker process with SIGKILL, as a crash would, and waits for it to be gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit(process, STOP_TIMEOUT);
        log.info("Killed Kafka broker {}", bootstrapServers());
        released();
    }

    /**
     * Starts the broker again on the same ports with the same data, after {@link #stop()} or
     * {@link #kill()} (stops it first if it is running), and waits until it is ready.
     *
     * @throws IOException when it does not become ready within 90 s
     */
    public synchronized void restart() throws IOException {
        stop();
        launchAndAwaitReady();
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader.
     * Does nothing when the topic exists already (whatever its partition count).
     *
     * @param name       topic name
     * @param partitions number of partitions; at least 1
     * @throws IllegalStateException when the broker refuses or does not answer
     */
    public void createTopic(String name, int partitions) {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("Invalid value " + partitions + " for partitions: must be at least 1");
        }
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic '" + name + "' on " + bootstrapServers()
                            + ": " + e.getCause(), e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Creating topic '" + name + "' on " + bootstrapServers()
                        + " did not finish within 30 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic '" + name + "'", e);
            }
            Waits.pollUntil(Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
                TopicDescription d = admin.describeTopics(Set.of(name)).allTopicNames().get(5, TimeUnit.SECONDS).get(name);
                return d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            }, "every partition of topic '" + name + "' on " + bootstrapServers() + " to have a leader");
        }
    }

    /** Stops the broker; never throws. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Stopping Kafka broker {} failed", bootstrapServers(), e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "weir-local-stack");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        if (security != null) {
            props.put("security.protocol", "SASL_SSL");
            props.put("sasl.mechanism", "SCRAM-SHA-512");
            props.put("sasl.jaas.config", scramLogin(Security.ADMIN_USER, security.adminPassword()));
            props.put("ssl.truststore.type", "PEM");
            props.put("ssl.truststore.location", security.certificates().ca().toString());
        }
        return Admin.create(props);
    }

    private synchronized void launchAndAwaitReady() throws IOException {
        long started = System.nanoTime();
        ChildJvm.mark(logFile, "starting Kafka broker on " + bootstrapServers());
        Process p = ChildJvm.launchServer(dataDir, logFile,
                List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:+ExitOnOutOfMemoryError",
                        "-Djava.awt.headless=true",
                        "-Dlog4j2.configurationFile=" + dataDir.resolve("log4j2.properties").toUri()),
                KafkaServerMain.class.getName(), serverArgs());
        process = p;
        shutdownHook.install(() -> {
            p.toHandle().destroy();
            if (!awaitExit(p, Duration.ofSeconds(15))) {
                p.destroyForcibly();
            }
        });
        try {
            awaitReady(p);
        } catch (RuntimeException e) {
            kill();
            throw new IOException("Kafka broker on " + bootstrapServers() + " (data in " + dataDir + ") did not become ready: "
                    + e.getMessage() + System.lineSeparator() + "Last lines of " + logFile + ":" + System.lineSeparator()
                    + ChildJvm.tail(logFile, LOG_TAIL_LINES), e);
        }
        log.info("Kafka broker ready on {} in {} ms (data in {})", bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000, dataDir);
    }

    private void awaitReady(Process p) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        // Connecting Admin before anything listens only fills the log with connection warnings.
        Waits.pollUntil(READY_TIMEOUT, Duration.ofMillis(100), () -> {
            checkAlive(p);
            return Ports.accepting(port);
        }, "the broker to listen on " + bootstrapServers());
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        try (Admin admin = admin()) {
            Waits.pollUntil(left, Duration.ofMillis(100), () -> {
                checkAlive(p);
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            }, "the broker on " + bootstrapServers() + " to answer describeCluster");
        }
    }

    private static void checkAlive(Process p) {
        if (!p.isAlive()) {
            throw new Waits.GiveUp("the broker process exited with code " + p.exitValue());
        }
    }

    private void released() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("Closing the broker's standard input failed", e);
        }
        process = null;
        shutdownHook.remove();
    }

    /**
     * From now on this broker is stopped only by {@link #close()} (or, when this JVM dies, through
     * its watched standard input), not by a JVM shutdown hook of its own: the JVM runs all hooks at
     * once, so an owner whose own hook first closes what uses the broker calls this.
     */
    synchronized void leaveShutdownToOwner() {
        shutdownHook.leaveToOwner();
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private List<String> serverArgs() {
        List<String> args = new java.util.ArrayList<>(List.of(clusterId, configFile.toString()));
        if (security != null) {
            Map<String, String> all = new java.util.LinkedHashMap<>(security.users());
            all.put(Security.ADMIN_USER, security.adminPassword());
            all.forEach((user, password) -> {
                for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256")) {
                    args.add("--add-scram");
                    args.add(mechanism + "=[name=" + user + ",password=" + password + "]");
                }
            });
        }
        return args;
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private void writeConfig() throws IOException {
        Path logDirs = dataDir.resolve("logs");
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@" + Ports.HOST + ":" + controllerPort);
        config.put("controller.listener.names", "CONTROLLER");
        if (security == null) {
            config.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + port + ",CONTROLLER://" + Ports.HOST + ":" + controllerPort);
            config.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + port);
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            secureListeners(config);
        }
        config.put("log.dirs", logDirs.toString());
        config.put("num.partitions", "3");
        config.put("default.replication.factor", "1");
        config.put("auto.create.topics.enable", "false");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "10");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("min.insync.replicas", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        // After a kill -9 the controller refuses the restarted broker's registration until the
        // old session expires (default 9 s); a shorter session makes failure tests faster.
        config.put("broker.session.timeout.ms", "4000");
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.put("log.retention.hours", "168");
        config.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        StringBuilder text = new StringBuilder("# Written by dev.weir.stack.KafkaBroker\n");
        config.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(configFile, text, StandardCharsets.UTF_8);

        Files.writeString(dataDir.resolve("log4j2.properties"), String.join("\n",
                "# Written by dev.weir.stack.KafkaBroker: warnings, plus the broker's start and stop",
                "appender.out.type=Console",
                "appender.out.name=STDOUT",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=[%d] %p %m (%c)%n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.out.ref=STDOUT",
                "logger.server.name=kafka.server.KafkaRaftServer",
                "logger.server.level=INFO",
                "logger.broker.name=kafka.server.BrokerServer",
                "logger.broker.level=INFO",
                "logger.controller.name=kafka.server.ControllerServer",
                "logger.controller.level=INFO",
                "logger.state.name=state.change.logger",
                "logger.state.level=WARN",
                ""), StandardCharsets.UTF_8);
    }

    private void secureListeners(Map<String, String> config) throws IOException {
        String mtls = security.mtlsBootstrapServers();
        config.put("listeners", "SASL_SSL://" + Ports.HOST + ":" + port + ",SSL://" + mtls + ",CONTROLLER://" + Ports.HOST + ":"
                + controllerPort);
        config.put("advertised.listeners", "SASL_SSL://" + Ports.HOST + ":" + port + ",SSL://" + mtls);
        config.put("inter.broker.listener.name", "SASL_SSL");
        config.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
        config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        String admin = scramLogin(Security.ADMIN_USER, security.adminPassword());
        config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", admin);
        config.put("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", admin);
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + Security.ADMIN_USER + "\" password=\"" + security.adminPassword() + "\" user_" + Security.ADMIN_USER + "=\""
                + security.adminPassword() + "\"");
        security.users().forEach((u, pw) -> plain.append(" user_").append(u).append("=\"").append(pw).append('"'));
        config.put("listener.name.sasl_ssl.plain.sasl.jaas.config", plain + ";");
        config.put("ssl.keystore.type", "PEM");
        config.put("ssl.keystore.location", security.certificates().serverBundle().toString());
        config.put("ssl.truststore.type", "PEM");
        config.put("ssl.truststore.location", security.certificates().ca().toString());
        config.put("listener.name.ssl.ssl.client.auth", "required");
    }

    /** For failure messages in {@link LocalStack}. */
    Path dataDir() {
        return dataDir;
    }
}
