package dev.weir.sink;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.weir.common.command.Commands;
import dev.weir.common.config.ConfigException;
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaStartCheck;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.kafka.RecordLimits;
import dev.weir.common.ops.HealthCheck;
import dev.weir.common.ops.Metrics;
import dev.weir.common.ops.OpsServer;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.sink.bulk.Backoff;
import dev.weir.sink.bulk.BulkEndpoint;
import dev.weir.sink.bulk.BulkIndexer;
import dev.weir.sink.bulk.EarlierCopies;
import dev.weir.sink.consume.SinkLoop;
import dev.weir.sink.deadletter.DeadLetterPublisher;
import dev.weir.sink.document.DataStreams;
import dev.weir.sink.document.DeadLetterDocuments;
import dev.weir.sink.document.EcsDocuments;
import dev.weir.sink.document.RecordConverter;
import dev.weir.sink.ops.ClusterStatus;
import dev.weir.sink.ops.ElasticsearchStartCheck;
import dev.weir.sink.ops.SinkMetrics;
import dev.weir.sink.retention.RetentionJob;
import dev.weir.sink.template.TemplateInstaller;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.message.BasicHeader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink component: consumes {@code weir.logs}, {@code weir.requests}, {@code weir.alerts} and
 * {@code weir.deadletter} and bulk-indexes them into Elasticsearch data streams; serves
 * {@code /metrics}, {@code /health/live} and {@code /health/ready}. The only class that
 * constructs the Kafka clients, the Elasticsearch client, the meter registry and Javalin.
 *
 * <pre>{@code
 * SinkApp sink = new SinkApp(SinkConfig.defaults("127.0.0.1:9092", "http://127.0.0.1:9200").withHttpPort(0), Clock.systemUTC());
 * sink.start();   // templates installed, consumer assigned
 * ...
 * sink.close();
 * }</pre>
 *
 * <p>{@link #start()} and {@link #close()} are not meant to be called concurrently.
 */
public final class SinkApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkApp.class);
    private static final Duration ASSIGN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_CHECK_WAIT = Duration.ofSeconds(10);
    private static final String HTTP_KEY = "http";

    private final SinkConfig config;
    private final Clock clock;

    private PrometheusMeterRegistry registry;
    private SinkMetrics metrics;
    private RestClient restClient;
    private ElasticsearchClient client;
    private KafkaProducer<byte[], byte[]> producer;
    private ExecutorService bulkExecutor;
    private ScheduledExecutorService retentionExecutor;
    private SinkLoop loop;
    private Thread loopThread;
    private Javalin http;
    private TemplateInstaller.Result templates;

    /**
     * @param config validated configuration
     * @param clock  time source for documents, retention and health
     */
    public SinkApp(SinkConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Connects to Elasticsearch (waiting up to {@code elasticsearch.startup-timeout}), installs the
     * templates, starts consuming and serving HTTP, and returns once the consumer holds its
     * partitions.
     *
     * @throws IllegalStateException when Elasticsearch or Kafka cannot be reached in time, or the
     *                               HTTP port is taken; everything started is closed again
     */
    public void start() {
        try {
            doStart();
        } catch (RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while starting the sink", e);
        }
    }

    private void doStart() throws InterruptedException {
        registry = Metrics.newRegistry("sink");
        metrics = new SinkMetrics(registry);
        ClusterStatus cluster = new ClusterStatus(clock);
        KafkaStartCheck.run(config.kafka().connection(), "kafka", START_CHECK_WAIT);
        client = elasticsearchClient();
        templates = installTemplates();

        producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        SinkConfig.Bulk bulk = config.bulk();
        EarlierCopies copies = new EarlierCopies(client, EarlierCopies.DEFAULT_SKEW);
        DeadLetterDocuments deadLetterDocs = new DeadLetterDocuments(new Redactor(BuiltInRules.all(), registry));
        BulkIndexer indexer = new BulkIndexer(new BulkEndpoint(restClient), copies,
                new DeadLetterPublisher(producer, config.kafka().deadLetterTopic(), deadLetterLimit(), new DeadLetters()),
                deadLetterDocs, metrics, cluster,
                new Backoff(bulk.initialBackoff(), bulk.maxBackoff(), new SecureRandom()), bulk.maxItemRetries(), clock);
        bulkExecutor = Executors.newFixedThreadPool(bulk.concurrency(), named("weir-sink-bulk"));
        DataStreams streams = new DataStreams(config.elasticsearch().defaultNamespace(),
                config.elasticsearch().securityCategories());
        loop = new SinkLoop(consumer, config.kafka().topics(), new RecordConverter(new EcsDocuments(streams), deadLetterDocs), indexer,
                bulkExecutor, bulk, metrics, clock);
        loopThread = new Thread(loop, "weir-sink-consumer");
        loopThread.start();

        if (config.retention().enabled()) {
            RetentionJob retention = new RetentionJob(client, config.retention(), clock, copies::rolledOver);
            retentionExecutor = Executors.newSingleThreadScheduledExecutor(named("weir-sink-retention"));
            long interval = config.retention().checkInterval().toMillis();
            retentionExecutor.scheduleWithFixedDelay(() -> {
                try {
                    retention.runOnce();
                } catch (Exception e) {
                    log.warn("Retention run failed; trying again in {} ms: {}", interval, e.toString());
                }
            }, Math.min(interval, 60_000), interval, TimeUnit.MILLISECONDS);
        }

        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("elasticsearch", cluster);
        checks.put("kafka", () -> !loop.isRunning() ? HealthCheck.Status.down("stopped", String.valueOf(loop.failure()))
                : loop.isAssigned() ? HealthCheck.Status.up("consuming") : HealthCheck.Status.down("joining", "not assigned yet"));
        http = OpsServer.create(config.http(), HTTP_KEY, c -> { });
        OpsServer.install(http, registry, clock, checks);
        OpsServer.start(http, config.http(), HTTP_KEY);

        long deadline = System.nanoTime() + ASSIGN_TIMEOUT.toNanos();
        while (!loop.isAssigned()) {
            if (!loop.isRunning()) {
                throw new IllegalStateException("The sink's consumer stopped while starting: " + loop.failure(), loop.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The sink's consumer got no partitions within " + ASSIGN_TIMEOUT.toSeconds()
                        + " s; check kafka.bootstrap-servers (" + config.kafka().bootstrapServers() + ") and that the topics "
                        + config.kafka().topics() + " exist");
            }
            Thread.sleep(20);
        }
        log.info("Sink ready: {} -> {} ({} field types), HTTP on port {}", config.kafka().topics(),
                config.elasticsearch().url(), templates.fieldTypes(), http.port());
    }

    private ElasticsearchClient elasticsearchClient() {
        SinkConfig.Elasticsearch es = config.elasticsearch();
        ElasticsearchSettings connection = es.connection();
        var builder = RestClient.builder(HttpHost.create(es.url().toString()))
                .setRequestConfigCallback(rc -> rc.setConnectTimeout(5_000)
                        .setSocketTimeout((int) es.requestTimeout().toMillis()))
                .setHttpClientConfigCallback(h -> {
                    h.setMaxConnPerRoute(Math.max(10, config.bulk().concurrency() + 4));
                    h.setMaxConnTotal(Math.max(30, config.bulk().concurrency() + 4));
                    connection.sslContext().ifPresent(h::setSSLContext);
                    if (!connection.verifyCertificates()) {
                        h.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
                    }
                    return h;
                });
        // the header is sent up front rather than after a 401 challenge: API keys and bearer tokens have no challenge
        connection.authorization().ifPresent(a -> builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", a.reveal())}));
        restClient = builder.build();
        return new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    private TemplateInstaller.Result installTemplates() throws InterruptedException {
        Duration timeout = config.elasticsearch().startupTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        TemplateInstaller installer = new TemplateInstaller(client);
        while (true) {
            try {
                return installer.install(config.elasticsearch().fieldTypes());
            } catch (IOException | RuntimeException e) {
                java.util.Optional<ConfigException> fatal = ElasticsearchStartCheck.explain(config.elasticsearch().connection(), e);
                if (fatal.isPresent()) {
                    throw fatal.get();
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Elasticsearch at " + config.elasticsearch().url() + " did not answer within "
                            + timeout.toSeconds() + " s (" + e.getMessage() + "); check elasticsearch.url", e);
                }
                Thread.sleep(500);
            }
        }
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> p = KafkaClients.producer(config.kafka().connection(), "weir-sink-deadletter");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RecordLimits.DEFAULT_MAX_REQUEST_SIZE); // what deadLetterLimit() assumes
        return p;
    }

    /** The largest dead letter the producer and the dead-letter topic take: larger ones are cut to fit. */
    private int deadLetterLimit() {
        String topic = config.kafka().deadLetterTopic();
        try (Admin admin = Admin.create(KafkaClients.admin(config.kafka().connection(), "weir-sink-setup"))) {
            int limit = RecordLimits.of(admin, List.of(topic), RecordLimits.DEFAULT_MAX_REQUEST_SIZE).get(topic);
            if (limit < DeadLetters.MIN_RECORD_BYTES) {
                throw new IllegalStateException("The dead-letter topic " + topic + " takes records of at most " + limit
                        + " bytes, too few for a dead letter's headers; set its max.message.bytes to at least "
                        + DeadLetters.MIN_RECORD_BYTES + ".");
            }
            return limit;
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = KafkaClients.consumer(config.kafka().connection(), config.kafka().groupId());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.kafka().maxPollRecords());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "weir-sink");
        // Fewer, larger fetches: the broker shares the CPU with Elasticsearch on small machines.
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return p;
    }

    /** @return the port /metrics and /health listen on */
    public int httpPort() {
        if (http == null) {
            throw new IllegalStateException("The sink is not started");
        }
        return http.port();
    }

    /** @return the sink's meters; valid after {@link #start()} */
    public SinkMetrics metrics() {
        return metrics;
    }

    /** @return the field types the templates use; valid after {@link #start()} */
    public SinkConfig.FieldTypes fieldTypes() {
        return templates.fieldTypes();
    }

    /** Stops consuming (finishing batches in flight for up to 20 s), then closes every client. Never throws. */
    @Override
    public void close() {
        if (loop != null) {
            try {
                if (!loop.stop(Duration.ofSeconds(30))) {
                    log.warn("The consumer loop did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
        if (retentionExecutor != null) {
            retentionExecutor.shutdownNow();
            retentionExecutor = null;
        }
        if (bulkExecutor != null) {
            bulkExecutor.shutdownNow();
            bulkExecutor = null;
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
            producer = null;
        }
        if (http != null) {
            http.stop();
            http = null;
        }
        if (restClient != null) {
            try {
                restClient.close();
            } catch (IOException e) {
                log.warn("Closing the Elasticsearch client failed", e);
            }
            restClient = null;
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** @return the consumer thread, which runs until the sink stops; for {@link SinkCommand} */
    Thread consumerThread() {
        return loopThread;
    }

    /** @return why the consumer loop stopped on its own, or {@code null} */
    Throwable consumerFailure() {
        SinkLoop l = loop;
        return l == null ? null : l.failure();
    }

    /**
     * {@code weir sink [--config FILE] [--bootstrap-servers HOST:PORT] [--elasticsearch URL] [--port N]}; see
     * {@link SinkCommand}. Exits with 2 on a configuration error (one line on stderr), 1 when it fails.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(Commands.execute(new SinkCommand(), args));
    }
}
