package dev.weir.agent;

import dev.weir.agent.browser.BrowserRoutes;
import dev.weir.agent.buffer.DiskQueue;
import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.http.Handoff;
import dev.weir.agent.http.IntakeRoutes;
import dev.weir.agent.otlp.OtlpMapping;
import dev.weir.agent.otlp.OtlpRoutes;
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
import dev.weir.common.command.Commands;
import dev.weir.common.config.ConfigException;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaStartCheck;
import dev.weir.common.kafka.RecordLimits;
import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.kafka.clients.admin.Admin;
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
    private boolean checkKafkaAtStart;

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
     * Makes {@link #start()} ask Kafka once first, so that rejected credentials, an untrusted
     * certificate or a plaintext client against a TLS listener stop the start with a
     * {@link ConfigException} naming the setting ({@code weir agent} does this; embedded agents
     * that must start while Kafka is away do not).
     *
     * @return this
     */
    public AgentApp checkingKafkaAtStart() {
        this.checkKafkaAtStart = true;
        return this;
    }

    /**
     * The producer's batch size: 256 KiB, or less when a raw topic takes smaller records. When a batch is refused as
     * too large the producer splits it into batches of this size and sends them again; with a batch size above the
     * topic's {@code max.message.bytes}, one refused event would land in the same batch again and again, and hold up
     * every event behind it.
     */
    private int batchSize() {
        List<String> topics = List.of(settings.destinations().logs(), settings.destinations().requests());
        Admin admin = Admin.create(KafkaClients.admin(settings.kafka(), settings.clientId() + "-setup"));
        try {
            int smallest = RecordLimits.of(admin, topics, Integer.MAX_VALUE, Duration.ofSeconds(5)).values().stream()
                    .mapToInt(Integer::intValue).min().orElse(Integer.MAX_VALUE);
            return Math.max(1024, Math.min(256 * 1024, smallest - 1024));
        } finally {
            // close() alone waits for the unanswered describe call up to the client's default API timeout
            // (60 s), which held the start of an agent whose broker is down for a minute
            admin.close(Duration.ZERO);
        }
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

        if (checkKafkaAtStart) {
            KafkaStartCheck.run(settings.kafka(), "agent.kafka", Duration.ofSeconds(10));
        }
        Map<String, Object> props = KafkaClients.producer(settings.kafka(), settings.clientId());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // room for the largest event (agent.max-event-size) with its key, headers and batch overhead
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(2 * 1024 * 1024, settings.destinations().maxEventBytes() + (64 << 10)));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize());
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
                    enrichment(null), clock, settings.destinations(), buffer, InputMeters.of(registry, "stdin"));
        }
        if (settings.probes().enabled()) {
            AgentSettings.ProbeSettings p = settings.probes();
            HttpClient probeClient = HttpClient.newBuilder().connectTimeout(ProbeSet.MAX_INTERVAL)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            probes = new ProbeRunner(new ProbeRunner.Settings(settings.kafka(), p.topic(), p.group(),
                    settings.clientId() + "-probes", settings.destinations().logs(), settings.environment(), settings.hostName()),
                    buffer, new ProbeCheck(probeClient, clock), registry, clock);
        }
        if (settings.http().enabled()) {
            http = OpsServer.create(settings.http().server(), "agent.http", cfg -> cfg.http.maxRequestSize = settings.http().maxBodyBytes(),
                    settings.http().intake() ? BrowserRoutes.publicPaths() : java.util.Set.of());
            Map<String, HealthCheck> checks = new LinkedHashMap<>();
            checks.put("kafka", this::kafkaHealth);
            checks.put("buffer", this::bufferHealth);
            OpsServer.install(http, registry, clock, checks);
            if (settings.http().intake()) {
                JsonLineParser logs = new JsonLineParser(EventKind.LOG, enrichment(null), clock);
                JsonLineParser requests = new JsonLineParser(EventKind.REQUEST, enrichment(null), clock);
                Handoff handoff = new Handoff(buffer, settings.destinations(), settings.http().ackTimeout());
                OtlpRoutes otlp = new OtlpRoutes(new OtlpMapping(logs, requests, settings.destinations(), clock), handoff,
                        settings.http(), registry);
                otlp.install(http);
                new BrowserRoutes(settings.http().browser(), logs, handoff, clock, settings.serviceName(), registry).install(http);
                new IntakeRoutes(buffer, settings.destinations(), settings.http(), logs, requests,
                        InputMeters.of(registry, "http_logs"), InputMeters.of(registry, "http_requests"), otlp).install(http);
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
                OpsServer.start(http, settings.http().server(), "agent.http");
            } catch (RuntimeException e) {
                close();
                throw e;
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
     * {@code java -jar weir-producer-agent.jar --config agent.yml}; see {@link AgentCommand}. Exits 2 on a
     * configuration error (one line on stderr), 1 when startup fails.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(Commands.execute(new AgentCommand(), args));
    }
}
