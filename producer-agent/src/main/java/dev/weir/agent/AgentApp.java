package dev.weir.agent;

import dev.weir.agent.buffer.DiskQueue;
import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.http.IntakeRoutes;
import dev.weir.agent.parse.Enrichment;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.JsonLineParser;
import dev.weir.agent.probe.ProbeCheck;
import dev.weir.agent.probe.ProbeRunner;
import dev.weir.agent.probe.ProbeSet;
import dev.weir.agent.ship.InputMeters;
import dev.weir.agent.ship.Shipper;
import dev.weir.agent.stdin.StdinInput;
import dev.weir.agent.tail.Checkpoints;
import dev.weir.agent.tail.FileInput;
import dev.weir.agent.tail.FileInputSettings;
import dev.weir.common.config.ConfigException;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer-agent: tails files, reads stdin and serves HTTP intake, buffers in memory and on
 * disk, and ships to Kafka with an idempotent {@code acks=all} producer, moving file checkpoints
 * only after the broker acknowledged. The only place that constructs the producer, the meter
 * registry and Javalin.
 *
 * <p>Embedding (the CLI's {@code weir agent} / {@code weir up}):
 * <pre>{@code
 * AgentApp agent = new AgentApp(AgentConfig.load(path), Clock.systemUTC());
 * agent.start();
 * ...
 * agent.close();
 * }</pre>
 */
public final class AgentApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentApp.class);

    private final AgentSettings settings;
    private final Clock clock;
    private final InputStream stdinStream;
    private PrometheusMeterRegistry registry;
    private Producer<byte[], byte[]> producer;
    private EventBuffer buffer;
    private Shipper shipper;
    private Checkpoints checkpoints;
    private final List<FileInput> fileInputs = new ArrayList<>();
    private StdinInput stdin;
    private ProbeRunner probes;
    private Javalin http;
    private ScheduledExecutorService scheduler;
    private volatile boolean started;
    private boolean closed;

    /**
     * @param settings validated settings
     * @param clock for timestamps of unparseable lines, syslog years and health
     */
    public AgentApp(AgentSettings settings, Clock clock) {
        this(settings, clock, System.in);
    }

    /**
     * @param settings validated settings
     * @param clock for timestamps of unparseable lines, syslog years and health
     * @param stdinStream what the stdin input reads when enabled
     */
    public AgentApp(AgentSettings settings, Clock clock, InputStream stdinStream) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stdinStream = Objects.requireNonNull(stdinStream, "stdinStream");
    }

    /**
     * Starts every input, the shipper and the HTTP server.
     *
     * @throws IOException when the data directory, checkpoint or disk buffer cannot be used
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("the agent was started already");
        }
        registry = Metrics.newRegistry("agent");
        Path dataDir = settings.dataDir().toAbsolutePath();
        java.nio.file.Files.createDirectories(dataDir);
        AgentSettings.BufferSettings b = settings.buffer();
        DiskQueue disk = b.diskEnabled() ? new DiskQueue(dataDir.resolve("buffer"), b.diskBytes(), b.segmentBytes(), registry) : null;
        buffer = new EventBuffer(b.memoryBytes(), disk, registry);

        Map<String, Object> props = KafkaClients.producer(settings.bootstrapServers(), settings.clientId());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2 * b.inFlightBytes()));
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        shipper = new Shipper(buffer, producer, b.inFlightBytes(), registry, clock);

        checkpoints = new Checkpoints(dataDir.resolve("checkpoints.json"));
        for (FileInputSettings f : settings.files()) {
            Enrichment enrichment = enrichment(f.service());
            fileInputs.add(new FileInput(f, f.parser().create(f.events(), enrichment, clock, f.timezone()), enrichment,
                    settings.destinations(), buffer, checkpoints, registry, clock));
        }
        if (settings.stdin().enabled()) {
            AgentSettings.StdinSettings s = settings.stdin();
            stdin = new StdinInput(stdinStream, s.parser().create(s.events(), enrichment(null), clock, java.time.ZoneId.systemDefault()),
                    settings.destinations(), buffer, InputMeters.of(registry, "stdin"));
        }
        if (settings.probes().enabled()) {
            AgentSettings.ProbeSettings p = settings.probes();
            HttpClient probeClient = HttpClient.newBuilder().connectTimeout(ProbeSet.MAX_INTERVAL)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            probes = new ProbeRunner(new ProbeRunner.Settings(settings.bootstrapServers(), p.topic(), p.group(),
                    settings.clientId() + "-probes", settings.destinations().logs(), settings.environment(), settings.hostName()),
                    buffer, new ProbeCheck(probeClient, clock), registry, clock);
        }
        if (settings.http().enabled()) {
            http = Javalin.create(cfg -> {
                cfg.showJavalinBanner = false;
                cfg.http.maxRequestSize = settings.http().maxBodyBytes();
            });
            Map<String, HealthCheck> checks = new LinkedHashMap<>();
            checks.put("kafka", this::kafkaHealth);
            checks.put("buffer", this::bufferHealth);
            OpsServer.install(http, registry, clock, checks);
            if (settings.http().intake()) {
                new IntakeRoutes(buffer, settings.destinations(), settings.http(),
                        new JsonLineParser(EventKind.LOG, enrichment(null), clock),
                        new JsonLineParser(EventKind.REQUEST, enrichment(null), clock),
                        InputMeters.of(registry, "http_logs"), InputMeters.of(registry, "http_requests")).install(http);
            }
        }

        shipper.start();
        fileInputs.forEach(FileInput::start);
        if (stdin != null) {
            stdin.start();
        }
        if (probes != null) {
            probes.start();
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weir-agent-checkpoint");
            t.setDaemon(true);
            return t;
        });
        long every = settings.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushCheckpoints, every, every, TimeUnit.MILLISECONDS);
        if (http != null) {
            try {
                http.start(settings.http().host(), settings.http().port());
            } catch (RuntimeException e) {
                close();
                throw new IllegalStateException("Cannot start the agent's HTTP server on " + settings.http().host() + ":"
                        + settings.http().port() + "; set agent.http.port to a free port (" + e.getMessage() + ")", e);
            }
        }
        started = true;
        log.info("Agent started: {} file inputs, stdin {}, probes {}, HTTP {}, Kafka {}", fileInputs.size(), stdin != null ? "on" : "off",
                probes != null ? "group " + settings.probes().group() : "off",
                http != null ? settings.http().host() + ":" + http.port() : "off", settings.bootstrapServers());
    }

    private Enrichment enrichment(String serviceOverride) {
        return new Enrichment(serviceOverride != null ? serviceOverride : settings.serviceName(), settings.environment(), settings.hostName());
    }

    private HealthCheck.Status kafkaHealth() {
        Instant stalled = shipper.brokerStalledSince();
        return stalled == null ? HealthCheck.Status.up("connected")
                : HealthCheck.Status.down("stalled", "no acknowledgement from Kafka since " + stalled);
    }

    private HealthCheck.Status bufferHealth() {
        return buffer.hasRoomFor(1) ? HealthCheck.Status.up("accepting") : HealthCheck.Status.down("full", "buffer full; inputs are paused");
    }

    private void flushCheckpoints() {
        try {
            checkpoints.flush();
        } catch (IOException | RuntimeException e) {
            log.error("Cannot write checkpoint {}; the previous one stays in place", checkpoints.file(), e);
        }
    }

    /** @return the port the HTTP server listens on, or -1 when it is disabled */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** @return the meter registry served at {@code /metrics} */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return names of the probes this agent runs now (empty when probes are off) */
    public java.util.Set<String> probesAssigned() {
        return probes == null ? java.util.Set.of() : probes.assigned();
    }

    /** @return completes when stdin ended and all its events were acknowledged; never completes when stdin is off */
    public CompletableFuture<Void> stdinFinished() {
        return stdin == null ? new CompletableFuture<>() : stdin.finished();
    }

    /**
     * Stops inputs, gives the buffer and the producer up to 10 s to deliver what was read, writes
     * the checkpoint a last time and stops the HTTP server. Lines read but not acknowledged are
     * read again after restart (files) or were never acknowledged to their sender (HTTP).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (http != null) {
            http.stop();
        }
        if (stdin != null) {
            stdin.close();
        }
        if (probes != null) {
            probes.close();
        }
        fileInputs.forEach(FileInput::close);
        try {
            if (buffer != null && !buffer.awaitEmpty(Duration.ofSeconds(5))) {
                log.warn("Stopping with events still buffered; file inputs will read them again after restart");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shipper != null) {
            shipper.close(Duration.ofSeconds(5));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (checkpoints != null) {
            flushCheckpoints();
        }
        if (buffer != null) {
            buffer.close();
        }
        if (registry != null) {
            registry.close();
        }
        log.info("Agent stopped");
    }

    /**
     * {@code java -jar weir-producer-agent.jar --config agent.yml}. Exits 2 on a configuration
     * error (one line on stderr), 1 when startup fails.
     */
    public static void main(String[] args) {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].startsWith("--config=")) {
                config = Path.of(args[i].substring("--config=".length()));
            }
        }
        if (config == null) {
            System.err.println("Usage: AgentApp --config FILE");
            System.exit(2);
        }
        AgentSettings settings;
        try {
            settings = AgentConfig.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        AgentApp app = new AgentApp(settings, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "weir-agent-shutdown"));
        try {
            app.start();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            log.error("Agent failed to start", e);
            System.exit(1);
        }
        if (settings.stdin().enabled() && settings.stdin().exitAtEnd()) {
            app.stdinFinished().join();
            app.close();
            System.exit(0);
        }
        try {
            // The agent's threads are daemons; main keeps the JVM alive until a signal runs the shutdown hook.
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
