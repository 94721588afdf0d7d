package dev.weir.sink.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.bench.scale.Cluster;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.kafka.Topics;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.SourceInfo;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.sink.SinkApp;
import dev.weir.sink.SinkConfig;
import dev.weir.sink.document.DataStreams;
import dev.weir.sink.document.EcsDocuments;
import dev.weir.sink.document.IndexDoc;
import dev.weir.sink.template.TemplateInstaller;
import dev.weir.stack.LocalStack;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.HttpHost;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;

/**
 * Docs/s through the sink (Kafka → Avro → ECS JSON → _bulk, offsets committed) against a direct
 * bulk loader that sends the very same ECS documents, already serialised, to the same
 * Elasticsearch in the same run, with the same bulk size and concurrency.
 *
 * <ol>
 *   <li>starts a local stack (Kafka + the integ-test Elasticsearch); warms both paths up;</li>
 *   <li>chooses bulk size × concurrency by measuring the direct loader on a grid;</li>
 *   <li>runs one untimed pair with those settings and {@code docs} events;</li>
 *   <li>runs direct loader and sink alternately, 3 times each, {@code docs} events per run,
 *       every run into a data stream of its own, alternating which goes first, each after
 *       Elasticsearch finished the previous run's merges; prints each figure
 *       and the median ratio. The sink's time runs from the commit of the Kafka transaction
 *       that holds the events (the sink is started and idle before) to its last document
 *       indexed; the loader's from its first request to its last response.</li>
 * </ol>
 *
 * Run (after {@code mvn -B -q -pl bench -am package -DskipTests}, which puts the bench module's dependencies in
 * {@code bench/target/lib}): {@code java -cp "bench/target/classes:bench/target/lib/*" dev.weir.sink.bench.SinkBenchmark
 * [docs=200000] [gridDocs=50000] [bulk concurrency]}; with bulk and concurrency given, the grid is skipped. The suite
 * ({@code bench/run}) runs it in a child JVM as section 3.
 */
public final class SinkBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int docs = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int gridDocs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Path dir = Files.createTempDirectory("weir-sink-bench-");
        try (LocalStack stack = LocalStack.start(dir, true)) {
            String bootstrap = stack.kafka().bootstrapServers();
            String esUrl = stack.elasticsearch().httpUrl();
            try (Admin admin = Cluster.admin(bootstrap)) {
                TopicSetup.ensure(admin, 3, (short) 1);
            }
            try (RestClient rest = RestClient.builder(HttpHost.create(esUrl)).build()) {
                ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
                new TemplateInstaller(client).install(SinkConfig.FieldTypes.AUTO);
                EcsDocuments ecs = new EcsDocuments(new DataStreams("default", List.of("authentication")));

                // 0. warm up both paths (JIT, data stream creation, page cache); not measured
                String group = "bench-sink";
                catchUp(bootstrap, esUrl, group, 1000, 2); // the group starts at the end of the topics
                direct(client, documents(ecs, events("warm", gridDocs)), 1000, 2);
                sink(bootstrap, esUrl, group, events("warmsink", gridDocs), 1000, 2);

                // 1. the grid, on the direct loader
                int bestSize = 0;
                int bestConcurrency = 0;
                double best = 0;
                int run = 0;
                boolean fixed = args.length > 3;
                if (fixed) {
                    bestSize = Integer.parseInt(args[2]);
                    bestConcurrency = Integer.parseInt(args[3]);
                }
                for (int size : fixed ? new int[0] : new int[] {1000, 2000, 4000}) {
                    for (int concurrency : new int[] {1, 2, 3}) {
                        List<IndexDoc> batch = documents(ecs, events("grid" + run++, gridDocs));
                        quiesce(rest);
                        double rate = direct(client, batch, size, concurrency);
                        System.out.printf(Locale.ROOT, "grid  bulk=%5d concurrency=%d  direct %8.0f docs/s%n", size, concurrency, rate);
                        if (rate > best) {
                            best = rate;
                            bestSize = size;
                            bestConcurrency = concurrency;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "chosen bulk=%d concurrency=%d%n", bestSize, bestConcurrency);

                // 1b. one untimed pair with the chosen settings and size, so that neither side's first timed
                // run is its first at this size. (The first timed direct run is still often 20-30 % slower
                // than the later ones, cause not found: BENCHMARKS.md reports pairs 2-3 beside the median.)
                quiesce(rest);
                direct(client, documents(ecs, events("warmdirect", docs)), bestSize, bestConcurrency);
                quiesce(rest);
                sink(bootstrap, esUrl, group, events("warmsink2", docs), bestSize, bestConcurrency);

                // 2. alternate direct and sink runs
                double[] directRates = new double[3];
                double[] sinkRates = new double[3];
                double[] ratios = new double[3];
                for (int i = 0; i < 3; i++) {
                    // alternate which goes first, so a drift of the machine's load does not favour one side
                    List<IndexDoc> directDocs = documents(ecs, events("direct" + i, docs));
                    List<LogEvent> sinkEvents = events("sink" + i, docs);
                    if (i % 2 == 0) {
                        quiesce(rest);
                        directRates[i] = direct(client, directDocs, bestSize, bestConcurrency);
                        quiesce(rest);
                        sinkRates[i] = sink(bootstrap, esUrl, group, sinkEvents, bestSize, bestConcurrency);
                    } else {
                        quiesce(rest);
                        sinkRates[i] = sink(bootstrap, esUrl, group, sinkEvents, bestSize, bestConcurrency);
                        quiesce(rest);
                        directRates[i] = direct(client, directDocs, bestSize, bestConcurrency);
                    }
                    ratios[i] = sinkRates[i] / directRates[i];
                    System.out.printf(Locale.ROOT, "run %d  direct %8.0f docs/s   sink %8.0f docs/s   ratio %.3f%n", i + 1,
                            directRates[i], sinkRates[i], ratios[i]);
                    check(client, "logs-svc-direct" + i, docs);
                    check(client, "logs-svc-sink" + i, docs);
                }
                System.out.printf(Locale.ROOT, "median  direct %.0f docs/s  sink %.0f docs/s  ratio %.3f  (docs=%d, bulk=%d, concurrency=%d)%n",
                        median(directRates), median(sinkRates), median(ratios), docs, bestSize, bestConcurrency);
            }
        } finally {
            // the broker's and Elasticsearch's data (tens of MB per run); -Dweir.bench.keep-work=true keeps them
            if (!Boolean.getBoolean("weir.bench.keep-work")) {
                TempDirs.delete(dir);
            }
        }
    }

    /**
     * Lets Elasticsearch finish the previous run's background work (refresh, flush, merges), so
     * that a run does not pay for the one before it.
     */
    private static void quiesce(RestClient rest) throws IOException {
        json(rest, "POST", "/_refresh");
        json(rest, "POST", "/_flush");
        Poll.until(Duration.ofSeconds(120), Duration.ofMillis(200), () -> {
            var stats = json(rest, "GET", "/_nodes/stats/indices,thread_pool").path("nodes").elements().next();
            return stats.path("indices").path("merges").path("current").asLong() == 0
                    && stats.path("thread_pool").path("write").path("active").asLong() == 0
                    && stats.path("thread_pool").path("refresh").path("active").asLong() == 0;
        }, () -> "Elasticsearch to finish merging");
    }

    private static JsonNode json(RestClient rest, String method, String path) throws IOException {
        Response response = rest.performRequest(new Request(method, path));
        try (InputStream body = response.getEntity().getContent()) {
            return JSON.readTree(body);
        }
    }

    private static void check(ElasticsearchClient client, String stream, int docs) throws IOException {
        client.indices().refresh(r -> r.index(stream));
        long n = client.count(c -> c.index(stream)).count();
        if (n != docs) {
            throw new IllegalStateException(stream + " holds " + n + " documents, expected " + docs);
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** Realistic log events, about 600 bytes of JSON each. */
    static List<LogEvent> events(String namespace, int n) {
        List<LogEvent> out = new ArrayList<>(n);
        Instant t = Instant.now();
        for (int i = 0; i < n; i++) {
            boolean error = i % 10 == 0;
            out.add(LogEvent.newBuilder()
                    .setId(namespace + "-" + i).setTimestamp(t.minusMillis(n - i)).setReceivedAt(t)
                    .setService("svc").setEnvironment(namespace).setHost("host-" + (i % 7))
                    .setLevel(error ? LogLevel.ERROR : LogLevel.INFO)
                    .setMessage("Processed order " + i + " for customer " + (i * 31 % 997) + " in " + (i % 250) + " ms")
                    .setLogger("dev.shop.OrderService").setThread("http-nio-8080-exec-" + (i % 16))
                    .setTraceId(String.format(Locale.ROOT, "%032x", i * 2654435761L)).setSpanId(String.format(Locale.ROOT, "%016x", i))
                    .setError(error ? ErrorInfo.newBuilder().setType("java.io.IOException").setMessage("Connection reset")
                            .setStackTrace("java.io.IOException: Connection reset\n\tat dev.shop.Client.call(Client.java:42)").build() : null)
                    .setEvent(EventInfo.newBuilder().setCategory("web").setAction("order").setOutcome(error ? "failure" : "success").build())
                    .setLabels(Map.of("region", "eu-west-1", "version", "1.4." + (i % 5)))
                    .setSource(SourceInfo.newBuilder().setFormat("logstash").setInput("file").setFile("/var/log/shop.json")
                            .setOffset((long) i * 600).build())
                    .build());
        }
        return out;
    }

    static List<IndexDoc> documents(EcsDocuments ecs, List<LogEvent> events) {
        List<IndexDoc> out = new ArrayList<>(events.size());
        for (LogEvent e : events) {
            out.add(ecs.log(e));
        }
        return out;
    }

    /** The baseline: the same documents, serialised beforehand, bulk-created by {@code concurrency} threads. */
    static double direct(ElasticsearchClient client, List<IndexDoc> docs, int size, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                while (true) {
                    int from = next.getAndAdd(size);
                    if (from >= docs.size()) {
                        return null;
                    }
                    BulkRequest.Builder b = new BulkRequest.Builder();
                    for (IndexDoc d : docs.subList(from, Math.min(docs.size(), from + size))) {
                        b.operations(op -> op.create(c -> c.index(d.target()).id(d.id())
                                .document(BinaryData.of(d.json(), ContentType.APPLICATION_JSON))));
                    }
                    BulkResponse r = client.bulk(b.build());
                    if (r.errors()) {
                        throw new IllegalStateException("direct loader got item errors: " + r.items().stream()
                                .filter(i -> i.error() != null).findFirst().orElseThrow().error());
                    }
                }
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return docs.size() / seconds;
    }

    private static SinkConfig config(String bootstrap, String esUrl, String group, int size, int concurrency) {
        SinkConfig c = SinkConfig.defaults(bootstrap, esUrl).withHttpPort(0);
        return c.withKafka(new SinkConfig.Kafka(bootstrap, group, List.of(Topics.LOGS), Topics.DEADLETTER, Math.max(2000, size)))
                .withBulk(new SinkConfig.Bulk(size, 50L * 1024 * 1024, Duration.ofMillis(200), concurrency,
                        Duration.ofMillis(100), Duration.ofSeconds(5), 10));
    }

    private static void catchUp(String bootstrap, String esUrl, String group, int size, int concurrency) {
        try (SinkApp sink = new SinkApp(config(bootstrap, esUrl, group, size, concurrency), Clock.systemUTC())) {
            sink.start();
            awaitCaughtUp(bootstrap, group, Duration.ofMinutes(5));
        }
    }

    /** Waits until the sink's group has committed the end of every partition of {@value Topics#LOGS}. */
    private static void awaitCaughtUp(String bootstrap, String group, Duration timeout) {
        try (Admin admin = Cluster.admin(bootstrap)) {
            Poll.until(timeout, () -> Cluster.lag(admin, group, List.of(Topics.LOGS)) == 0,
                    () -> "consumer group " + group + " to commit the end offsets of " + Topics.LOGS);
        }
    }

    /**
     * Times the sink alone: it is started and idle first; the events are then written in one Kafka
     * transaction, invisible to its read_committed consumer until the commit, which starts the clock.
     * So neither the sink's start-up nor the producer's work is counted, and the sink gets no head start.
     */
    static double sink(String bootstrap, String esUrl, String group, List<LogEvent> events, int size, int concurrency) {
        try (SinkApp sink = new SinkApp(config(bootstrap, esUrl, group, size, concurrency), Clock.systemUTC())) {
            sink.start();
            Map<String, Object> props = KafkaClients.producer(bootstrap, "bench");
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "weir-bench-" + UUID.randomUUID());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            long start;
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props)) {
                p.initTransactions();
                p.beginTransaction();
                for (LogEvent e : events) {
                    p.send(new ProducerRecord<>(Topics.LOGS, e.getId().getBytes(), WeirSerdes.logEvent().serialize(Topics.LOGS, e)));
                }
                p.flush();
                start = System.nanoTime();
                p.commitTransaction();
            }
            Poll.until(Duration.ofMinutes(10), Duration.ofMillis(5),
                    () -> sink.metrics().count("weir.sink.indexed") >= events.size(),
                    () -> events.size() + " documents indexed by the sink");
            double seconds = (System.nanoTime() - start) / 1e9;
            awaitCaughtUp(bootstrap, group, Duration.ofMinutes(1));
            return events.size() / seconds;
        }
    }
}
