package dev.weir.processor;

import dev.weir.common.command.Commands;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaStartCheck;
import dev.weir.common.ops.HttpServerSettings;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.kafka.RecordLimits;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.ops.Metrics;
import dev.weir.common.redact.Redactor;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.processor.deadletter.DeadLetterCounters;
import dev.weir.processor.deadletter.DeadLetterExceptionHandler;
import dev.weir.processor.deadletter.DeadLetterPublisher;
import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.http.ProcessorHttp;
import dev.weir.processor.logmetric.LogMetricHttp;
import dev.weir.processor.measure.query.MeasureHttp;
import dev.weir.processor.rules.RulesHttp;
import dev.weir.processor.slo.SloHttp;
import dev.weir.processor.slo.SloMetrics;
import dev.weir.processor.progress.GroupProgress;
import dev.weir.processor.rules.RuleException;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesSettings;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-processor: runs the {@link ProcessorTopology} as one Kafka Streams application
 * (exactly_once_v2), and the HTTP server with health, metrics and the query, rules and SLO routes.
 * The only place that constructs Kafka clients, the meter registry and Javalin for this component.
 *
 * <pre>{@code
 * ProcessorApp app = new ProcessorApp(ProcessorConfig.defaults("127.0.0.1:9092").withHttpPort(0), Clock.systemUTC());
 * app.start();           // returns once Kafka Streams is RUNNING
 * int port = app.httpPort();
 * app.close();
 * }</pre>
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} are synchronized.
 */
public final class ProcessorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessorApp.class);
    /** How long the start waits for Kafka's first answer before it leaves the rest to the clients' retries. */
    private static final Duration START_CHECK_WAIT = Duration.ofSeconds(10);
    private static final ProcessorTopics TOPICS = ProcessorTopics.weir();

    private final ProcessorConfig config;
    private final Clock clock;
    private final List<ProcessorExtension> givenExtensions; // null: the product's stages
    private final PrometheusMeterRegistry registry;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final StreamFailures failures;

    private KafkaStreams streams; // guarded by this
    private Producer<byte[], byte[]> deadLetterProducer; // guarded by this
    private KafkaStreamsMetrics streamsMetrics; // guarded by this
    private Admin progressAdmin; // guarded by this
    private ScheduledExecutorService progressPoller; // guarded by this
    private Javalin http; // guarded by this
    private boolean closed; // guarded by this

    /**
     * The processor as it runs in production: normalise, measure and alert ({@link ProcessorTopology}).
     *
     * @param config configuration
     * @param clock  clock for every part
     */
    public ProcessorApp(ProcessorConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.givenExtensions = null;
        this.registry = Metrics.newRegistry("processor");
        this.failures = new StreamFailures(registry, clock);
    }

    /**
     * The normaliser followed by other stages than the product's measures and rules (none with an empty list): for
     * tests, and for the stage-cost benchmark through {@code StagedProcessors} in the bench module.
     *
     * @param config     configuration
     * @param clock      clock for every part
     * @param extensions features added after the normalise stage, in order; each used for one run only
     */
    ProcessorApp(ProcessorConfig config, Clock clock, List<ProcessorExtension> extensions) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.givenExtensions = List.copyOf(extensions);
        this.registry = Metrics.newRegistry("processor");
        this.failures = new StreamFailures(registry, clock);
    }

    /**
     * @param config configuration
     * @return the rules of {@code rules.path}, or the default pack when it is not set
     * @throws RuleException        when a rule is invalid (the message names file, rule and field)
     * @throws UncheckedIOException when the rule files cannot be read
     */
    public static RuleSet loadRules(ProcessorConfig config) {
        Path path = config.rules().path();
        return path == null ? RuleSet.defaults() : RuleSet.load(path);
    }

    /**
     * Creates missing topics (when configured), starts Kafka Streams and the HTTP server, and waits
     * until Kafka Streams is RUNNING.
     *
     * @throws IllegalStateException when Kafka is unreachable, the port is taken, or Streams does not
     *                               reach RUNNING within the startup timeout; everything started is closed again
     */
    public synchronized void start() {
        if (closed || streams != null) {
            throw new IllegalStateException("A ProcessorApp starts once; create a new one to start again.");
        }
        try {
            int rawPartitions;
            KafkaStartCheck.run(config.kafka(), ProcessorConfig.ROOT + ".kafka", START_CHECK_WAIT);
            OutputLimits outputLimits;
            try (Admin admin = Admin.create(KafkaClients.admin(config.kafka(), config.applicationId() + "-setup"))) {
                if (config.createTopics()) {
                    TopicSetup.ensure(admin, config.topicPartitions(), config.topicReplication());
                }
                rawPartitions = rawPartitions(admin);
                outputLimits = outputLimits(admin);
            }
            int port = config.httpPort() == 0 ? freePort(config.httpHost()) : config.httpPort();
            HttpServerSettings httpSettings = config.http().withPort(port);
            HostInfo self = new HostInfo(config.advertisedHost(), port);
            ProcessorServices services = new ProcessorServices(config, clock, registry, this::streams);
            ProcessorConfig.Rules rulesConfig = config.rules();
            String kibana = rulesConfig.kibanaUrl() == null ? null : rulesConfig.kibanaUrl().toString();
            RulesSettings rules = new RulesSettings(loadRules(config), kibana, rulesConfig.evaluationInterval(), clock);
            ProcessorTopology.Settings settings = new ProcessorTopology.Settings(config.normalize(), config.measure(), rules,
                    rawPartitions, outputLimits);
            ProcessorTopology processor;
            if (givenExtensions == null) {
                processor = new ProcessorTopology(settings, TOPICS, registry, clock);
            } else {
                List<TopologyPart> stages = new ArrayList<>();
                for (ProcessorExtension e : givenExtensions) {
                    stages.addAll(e.topologyParts(services));
                }
                processor = new ProcessorTopology(settings, TOPICS, registry, clock, stages);
            }
            Topology topology = processor.build();
            log.info("Processor topology:\n{}", topology.describe());

            Map<String, Object> producerProps = KafkaClients.producer(config.kafka(), config.applicationId() + "-deadletter");
            producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordLimits.DEFAULT_MAX_REQUEST_SIZE);
            deadLetterProducer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
            DeadLetterPublisher publisher = new DeadLetterPublisher(deadLetterProducer, TOPICS.deadLetters().name(),
                    new DeadLetterCounters(registry), clock, outputLimits, new DeadLetters(new Redactor(
                            config.normalize().redaction().rules(), registry), config.normalize().redaction().keepDeadLetterOriginals()));

            StartupWatch startup = new StartupWatch();
            streams = new KafkaStreams(topology, streamsProperties(publisher, self));
            streams.setStateListener((now, before) -> {
                log.info("Kafka Streams state {} -> {}", before, now);
                startup.onChange(now);
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    stopped.countDown();
                }
            });
            streams.setUncaughtExceptionHandler(failures);
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(registry);

            progressAdmin = Admin.create(KafkaClients.admin(config.kafka(), config.applicationId() + "-progress"));
            GroupProgress progress = new GroupProgress(progressAdmin, config.applicationId(),
                    TOPICS.raw(), config.sessionTimeout(), failures::lastDeath, registry, clock);
            long every = Math.max(500, Math.min(5_000, config.sessionTimeout().toMillis() / 4));
            progressPoller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "weir-processor-progress");
                t.setDaemon(true);
                return t;
            });
            progressPoller.scheduleWithFixedDelay(progress::poll, 0, every, TimeUnit.MILLISECONDS);

            KafkaStreams s = streams;
            http = ProcessorHttp.create(httpSettings, registry, clock, s::state, progress::check, app -> {
                if (givenExtensions == null) {
                    MeasureHttp.register(app, s, config.measure(), processor.measureMetrics(), self, clock, config.http());
                    RulesHttp.register(app, s, rules);
                    SloHttp.register(app, services.streams(), rules, new SloMetrics(registry), clock, self, config.http());
                    LogMetricHttp.register(app, services.streams(), rules, processor.logMetricMeters(), clock, self, config.http());
                } else {
                    for (ProcessorExtension e : givenExtensions) {
                        e.addRoutes(app, services);
                    }
                }
            });
            ProcessorHttp.start(http, httpSettings);

            streams.start();
            KafkaStreams.State reached = startup.await(config.startupTimeout());
            if (reached == null) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + config.startupTimeout()
                        + " (state " + streams.state() + "); check that Kafka at " + config.bootstrapServers()
                        + " is reachable, or raise processor.startup-timeout.");
            }
            if (reached != KafkaStreams.State.RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped while starting (state " + reached
                        + "); see the log above for the cause.");
            }
            log.info("Processor ready: Kafka {}, HTTP port {}", config.bootstrapServers(), httpPort());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new IllegalStateException("Interrupted while starting the processor", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * A port that was free a moment ago. Kafka Streams must know this instance's HTTP port (its
     * {@code application.server}) before the server can be started, since the query routes need
     * the KafkaStreams instance; another process may take the port in between, and then start
     * fails with the port-in-use message. Several instances should use fixed ports.
     */
    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + host + " (" + e.getMessage()
                    + "); set processor.http.port to a fixed port.", e);
        }
    }

    /**
     * The measures and rules run in the raw topics' tasks ({@link ProcessorTopology}), so
     * the repartition topics for events read outside their service's task get the raw topics' partition count.
     */
    private int rawPartitions(Admin admin) {
        List<String> raw = TOPICS.raw();
        try {
            int max = 0;
            for (TopicDescription d : admin.describeTopics(raw).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                max = Math.max(max, d.partitions().size());
            }
            return max;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("The raw topics " + raw + " must exist on " + config.bootstrapServers()
                        + " before the processor starts (" + e.getCause().getMessage()
                        + "); create them, or set processor.topics.create=true.", e);
            }
            throw new IllegalStateException("Cannot describe the raw topics " + raw + " on " + config.bootstrapServers()
                    + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + config.bootstrapServers() + " did not describe the raw topics "
                    + raw + " within 30 s; check that it is reachable.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing the raw topics", e);
        }
    }

    /**
     * The largest record the processor may write to its clean and dead-letter topics, from their {@code max.message.bytes}
     * and the producers' {@code max.request.size}.
     */
    private OutputLimits outputLimits(Admin admin) {
        String deadLetterTopic = TOPICS.deadLetters().name();
        Map<String, Integer> limits = RecordLimits.of(admin, List.of(TOPICS.logs().name(), TOPICS.requests().name(), deadLetterTopic),
                RecordLimits.DEFAULT_MAX_REQUEST_SIZE);
        int deadLetters = limits.get(deadLetterTopic);
        if (deadLetters < DeadLetters.MIN_RECORD_BYTES) {
            throw new IllegalStateException("The dead-letter topic " + deadLetterTopic + " takes records of at most "
                    + deadLetters + " bytes, too few for a dead letter's headers; set its max.message.bytes to at least "
                    + DeadLetters.MIN_RECORD_BYTES + ".");
        }
        log.info("Largest records written: {}", limits);
        return new OutputLimits(limits, RecordLimits.maxRecordBytes(RecordLimits.DEFAULT_MAX_REQUEST_SIZE,
                RecordLimits.DEFAULT_MAX_MESSAGE_BYTES));
    }

    private Properties streamsProperties(DeadLetterPublisher publisher, HostInfo self) {
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.topicReplication());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        long session = config.sessionTimeout().toMillis();
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) session);
        // Kafka's advice: at most a third of the session timeout (its default is 3 s of 45 s)
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) Math.min(3_000, session / 3));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        // the limit OutputLimits assumes (Kafka's default), written out so that it cannot drift
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), RecordLimits.DEFAULT_MAX_REQUEST_SIZE);
        p.put(DeadLetterExceptionHandler.PUBLISHER_CONFIG, publisher);
        return p;
    }

    private synchronized KafkaStreams streams() {
        if (streams == null) {
            throw new IllegalStateException("Kafka Streams is not created yet; ask for it in a route or processor, not while building the topology.");
        }
        return streams;
    }

    /**
     * @return the port the HTTP server listens on
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized int httpPort() {
        if (http == null) {
            throw new IllegalStateException("The processor is not started");
        }
        return http.port();
    }

    /** @return the Streams state, or {@code null} before {@link #start()} */
    public synchronized KafkaStreams.State state() {
        return streams == null ? null : streams.state();
    }

    /** @return why Kafka Streams was shut down (a sentence saying what to do), or {@code null} while it was not */
    public String failure() {
        return failures.failure();
    }

    /** @return the meter registry scraped at {@code /metrics} */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Waits until Kafka Streams stops for good (ERROR or NOT_RUNNING).
     *
     * @throws InterruptedException when interrupted
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops HTTP, Kafka Streams, the metrics, the progress watch, the dead-letter producer, in that order. Never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closeQuietly();
        closed = true;
        stopped.countDown();
    }

    private synchronized void closeQuietly() {
        if (http != null) {
            try {
                http.stop();
            } catch (RuntimeException e) {
                log.warn("Stopping the HTTP server failed", e);
            }
        }
        if (streams != null) {
            try {
                if (!streams.close(Duration.ofSeconds(60))) {
                    log.warn("Kafka Streams did not close within 60 s");
                }
            } catch (RuntimeException e) {
                log.warn("Closing Kafka Streams failed", e);
            }
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (progressPoller != null) {
            progressPoller.shutdownNow();
        }
        if (progressAdmin != null) {
            try {
                progressAdmin.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the progress admin client failed", e);
            }
        }
        if (deadLetterProducer != null) {
            try {
                deadLetterProducer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("Closing the dead-letter producer failed", e);
            }
        }
        registry.close();
    }

    /**
     * {@code weir processor [--config FILE] [--bootstrap-servers HOST:PORT] [--port N]}: runs until stopped. Exits
     * with 2 on a configuration error (one line on stderr), 1 when it cannot start or Kafka Streams fails.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(Commands.execute(new ProcessorCommand(), args));
    }
}
