package dev.weir.processor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Events per second through the whole processor ({@link ProcessorApp} with normalise, measures
 * and rules; exactly_once_v2, then at_least_once) against baselines over the same raw topics
 * in the same run: a bare consumer that only reads the bytes, and a bare consume → Jackson parse →
 * produce loop (the goal's baseline). Two more runs split the distance from the bare loop to the processor: the bare
 * loop in transactions committed with its consumed offsets every commit interval, by hand (what exactly-once itself
 * costs), and the bare loop's work as a Kafka Streams application under exactly_once_v2 with the processor's settings
 * ({@link StreamsFloor}: what the framework adds). What is left after that is Weir's own work. Each figure is the median of {@code repeats} runs (at_least_once
 * may run fewer times, see {@link #run(String, int, int, int, Path, PrintStream)}); each processor run
 * has a new application id and starts on empty output topics (deleted and re-created), so every run
 * does the same work. {@code -Dweir.bench.stream-threads=N} sets the processor's stream threads (default: the processor's
 * default, one per core),
 * {@code -Dweir.bench.commit-interval-ms=N} its commit interval (default: the processor's default, 100 ms).
 *
 * <pre>java -cp "stream-processor/target/classes:stream-processor/target/lib/*" \
 *     dev.weir.processor.bench.ProcessorThroughputBenchmark HOST:PORT [EVENTS=200000] [REPEATS=3]</pre>
 *
 * <p>The broker must hold no other data in Weir's topics: the raw topics are the workload (the
 * benchmark appends its events), and output topics are deleted between runs. A processor run is
 * timed from {@code start()} returning (Kafka Streams RUNNING) until the measuring stage, the
 * last in the pipeline, has counted every event (its {@code http_requests_total} and
 * {@code weir_measured_logs_total}; the commit of the last transaction, at most one 100 ms commit
 * interval, is not included). Events counted before RUNNING are left out of the rate: with more than
 * one stream thread, the first thread runs its tasks while the others are still joining, and in
 * 1M-event runs that was up to 180 000 events done before the clock started. The bare loop is timed
 * from its first record to the producer's last acknowledgement, in transactions to the last commit.
 */
public final class ProcessorThroughputBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BARE_OUT = "bench.bare-out";
    private static final List<String> OUTPUTS = List.of(Topics.LOGS, Topics.REQUESTS, Topics.DEADLETTER, Topics.STATS_ERRORS,
            Topics.STATS_LATENCY, Topics.STATS_LOGINS, Topics.ALERTS);

    private ProcessorThroughputBenchmark() {
    }

    /**
     * Figures of one benchmark run, events per second.
     *
     * @param events    events in the raw topics (each run processes all of them)
     * @param consumeOnly runs of a bare consumer that only reads the bytes
     * @param bare      bare loop runs (consume → Jackson parse → produce)
     * @param bareTransactional runs of the bare loop in transactions committed with the consumed offsets every commit
     *                  interval, by hand (what exactly-once costs without Kafka Streams)
     * @param streamsFloor runs of the bare loop's work as a Kafka Streams application ({@link StreamsFloor}) under
     *                  exactly_once_v2, with the processor's stream threads and commit interval
     * @param exactlyOnce processor runs under exactly_once_v2
     * @param atLeastOnce processor runs under at_least_once
     * @param exactlyOnceOneThread processor runs under exactly_once_v2 with one stream thread, run in the same rounds as
     *                  at_least_once when the processor has more threads (else empty): what the extra threads bring
     */
    public record Result(long events, List<Double> consumeOnly, List<Double> bare, List<Double> bareTransactional,
                         List<Double> streamsFloor, List<Double> exactlyOnce, List<Double> atLeastOnce,
                         List<Double> exactlyOnceOneThread) {
        /** @return median events/s of the bare consumer that only reads the bytes */
        public double consumeOnlyMedian() {
            return median(consumeOnly);
        }

        /** @return median events/s of the bare loop */
        public double bareMedian() {
            return median(bare);
        }

        /** @return median events/s of the bare loop in transactions */
        public double bareTransactionalMedian() {
            return median(bareTransactional);
        }

        /** @return median events/s of the bare loop's work in Kafka Streams under exactly_once_v2 */
        public double streamsFloorMedian() {
            return median(streamsFloor);
        }

        /** @return median events/s under exactly_once_v2 */
        public double exactlyOnceMedian() {
            return median(exactlyOnce);
        }

        /** @return median events/s under at_least_once */
        public double atLeastOnceMedian() {
            return median(atLeastOnce);
        }

        /** @return median events/s under exactly_once_v2 with one stream thread */
        public double exactlyOnceOneThreadMedian() {
            return median(exactlyOnceOneThread);
        }

        @Override
        public String toString() {
            return String.format("events=%d consume-only=%.0f/s bare=%.0f/s bare-transactional=%.0f/s (%.2fx) streams-floor=%.0f/s (%.2fx) exactly_once_v2=%.0f/s (%.2fx) at_least_once=%.0f/s (%.2fx)"
                    + " exactly_once_v2-1-thread=%.0f/s runs: bare=%s bare-tx=%s floor=%s eos=%s alos=%s eos-1-thread=%s",
                    events, consumeOnlyMedian(), bareMedian(), bareTransactionalMedian(),
                    bareTransactionalMedian() / bareMedian(), streamsFloorMedian(), streamsFloorMedian() / bareMedian(), exactlyOnceMedian(), exactlyOnceMedian() / bareMedian(), atLeastOnceMedian(),
                    atLeastOnceMedian() / bareMedian(), exactlyOnceOneThreadMedian(), rounded(bare), rounded(bareTransactional), rounded(streamsFloor), rounded(exactlyOnce),
                    rounded(atLeastOnce), rounded(exactlyOnceOneThread));
        }

        private static List<Long> rounded(List<Double> xs) {
            return xs.stream().map(Math::round).toList();
        }
    }

    /**
     * @param args bootstrap servers, optional event count (200000) and repeats (3)
     * @throws Exception when Kafka fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ProcessorThroughputBenchmark HOST:PORT [EVENTS=200000] [REPEATS=3]");
            System.exit(2);
        }
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("weir-throughput");
        Result r = run(args[0], events, repeats, dir, System.out);
        System.out.println("THROUGHPUT " + r);
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @param events    raw events to append to the raw topics
     * @param repeats   runs per mode (the median is reported)
     * @param dir       for the processors' state directories
     * @param out       progress lines
     * @return the figures
     * @throws Exception when Kafka fails
     */
    public static Result run(String bootstrap, int events, int repeats, Path dir, PrintStream out) throws Exception {
        return run(bootstrap, events, repeats, repeats, dir, out);
    }

    /**
     * Like {@link #run(String, int, int, Path, PrintStream)}, with fewer at_least_once runs (the
     * first {@code atLeastOnceRepeats} rounds have one), for large workloads where every processor
     * run takes minutes. Those rounds also run exactly_once_v2 with one stream thread when the
     * processor has more.
     *
     * @param bootstrap          Kafka bootstrap servers
     * @param events             raw events to append to the raw topics
     * @param repeats            rounds; each has a bare loop run and an exactly_once_v2 run
     * @param atLeastOnceRepeats at_least_once runs, at most {@code repeats}
     * @param dir                for the processors' state directories
     * @param out                progress lines
     * @return the figures
     * @throws Exception when Kafka fails
     */
    public static Result run(String bootstrap, int events, int repeats, int atLeastOnceRepeats, Path dir, PrintStream out)
            throws Exception {
        if (atLeastOnceRepeats < 0 || atLeastOnceRepeats > repeats) {
            throw new IllegalArgumentException("atLeastOnceRepeats must be 0.." + repeats + ", was " + atLeastOnceRepeats);
        }
        long total;
        try (Admin admin = admin(bootstrap)) {
            TopicSetup.ensure(admin, 3, (short) 1);
            createIfMissing(admin, BARE_OUT);
            out.printf("loading %d raw events%n", events);
            load(bootstrap, events);
            total = endOffsets(bootstrap, List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS));
            out.printf("raw events: %d%n", total);
            List<Double> consumeOnly = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            List<Double> bareTx = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            List<Double> eos = new ArrayList<>();
            List<Double> alos = new ArrayList<>();
            List<Double> eosOneThread = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                consumeOnly.add(consumeOnly(bootstrap, total));
                out.printf("consume-only run %d: %.0f events/s%n", i + 1, consumeOnly.get(i));
                bare.add(bare(bootstrap, total));
                out.printf("bare loop run %d: %.0f events/s%n", i + 1, bare.get(i));
                bareTx.add(bareTransactional(bootstrap, total, commitInterval(bootstrap)));
                out.printf("transactional bare loop run %d: %.0f events/s%n", i + 1, bareTx.get(i));
                floor.add(streamsFloor(bootstrap, "exactly_once_v2", streamThreads(), total, dir.resolve("floor-" + i)));
                out.printf("Kafka Streams floor exactly_once_v2 run %d: %.0f events/s%n", i + 1, floor.get(i));
                for (String guarantee : i < atLeastOnceRepeats ? List.of("exactly_once_v2", "at_least_once") : List.of("exactly_once_v2")) {
                    resetOutputs(admin);
                    double rate = processor(bootstrap, guarantee, streamThreads(), total, dir.resolve(guarantee + "-" + i));
                    (guarantee.startsWith("exactly") ? eos : alos).add(rate);
                    out.printf("processor %s run %d: %.0f events/s%n", guarantee, i + 1, rate);
                }
                if (i < atLeastOnceRepeats && streamThreads() > 1) {
                    resetOutputs(admin);
                    double rate = processor(bootstrap, "exactly_once_v2", 1, total, dir.resolve("one-thread-" + i));
                    eosOneThread.add(rate);
                    out.printf("processor exactly_once_v2 with 1 stream thread run %d: %.0f events/s%n", i + 1, rate);
                }
            }
            return new Result(total, consumeOnly, bare, bareTx, floor, eos, alos, eosOneThread);
        }
    }

    /**
     * Prepares the workload of one run on a broker holding no other data in Weir's topics: creates
     * Weir's topics (when missing) and the bare loop's output topic with {@code partitions}
     * partitions, and appends {@code events} realistic raw events to the raw topics.
     *
     * @param bootstrap  Kafka bootstrap servers
     * @param partitions partitions of the topics created now (existing topics keep theirs)
     * @param events     raw events to append
     * @return the events now in the raw topics
     * @throws Exception when Kafka fails
     */
    public static long prepare(String bootstrap, int partitions, int events) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            TopicSetup.ensure(admin, partitions, (short) 1);
            createIfMissing(admin, BARE_OUT, partitions);
        }
        load(bootstrap, events);
        return endOffsets(bootstrap, List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS));
    }

    /**
     * One run of the bare consume → Jackson parse → re-serialise → produce loop over the raw topics.
     *
     * @param bootstrap Kafka bootstrap servers
     * @param total     events in the raw topics (from {@link #prepare})
     * @return events per second, from the first record to the producer's last acknowledgement
     * @throws Exception when Kafka fails or the loop does not finish within 10 minutes
     */
    public static double bareRate(String bootstrap, long total) throws Exception {
        return bare(bootstrap, total);
    }

    /**
     * Deletes the processor's output topics and re-creates them (with Weir's other missing topics),
     * so that the next processor run starts on empty outputs.
     *
     * @param bootstrap  Kafka bootstrap servers
     * @param partitions partitions of the re-created topics
     * @throws Exception when Kafka fails or the topics are not re-created within 60 s
     */
    public static void resetOutputs(String bootstrap, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            resetOutputs(admin, partitions);
        }
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @return the configuration of the benchmark's input loader (not idempotent, so that it never hangs; see below)
     */
    public static Map<String, Object> loaderConfig(String bootstrap) {
        return loaderProducerConfig(bootstrap);
    }

    /**
     * @param app a started processor
     * @return the events it has finished with: counted by its measuring stage, or dead-lettered by its normaliser
     */
    public static double measuredEvents(ProcessorApp app) {
        return measured(app);
    }

    /**
     * Realistic raw traffic of 20 services over the last 30 minutes: access logs (nginx-like and JSON), app logs, logins,
     * each line as an agent tailing the service's access log or app log sends it (its file-line {@code event.id},
     * {@code log.file.path}, {@code log.offset}, {@code host.name}), so the normaliser checks every event for a copy.
     */
    static void load(String bootstrap, int events) {
        Random rnd = new Random(42);
        java.util.Map<String, long[]> fileOffsets = new java.util.HashMap<>();
        Instant start = Instant.now().minus(Duration.ofMinutes(30));
        long stepMicros = Duration.ofMinutes(30).toNanos() / 1000 / Math.max(1, events);
        String[] routes = {"/orders/%d", "/cart/%d/items", "/products/%d", "/api/v1/users/%d/profile", "/search", "/health", "/checkout"};
        String[] methods = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(loaderProducerConfig(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                Instant t = start.plusNanos(stepMicros * 1000 * i);
                String service = "svc-" + (rnd.nextInt(20) < 15 ? rnd.nextInt(5) : 5 + rnd.nextInt(15));
                ObjectNode n = JSON.createObjectNode().put("@timestamp", t.toString());
                String topic;
                int kind = rnd.nextInt(100);
                if (kind < 65) {
                    topic = Topics.RAW_REQUESTS;
                    int status = rnd.nextInt(100) < 92 ? 200 : rnd.nextBoolean() ? 404 : 503;
                    n.put("service", service).put("method", methods[rnd.nextInt(methods.length)])
                            .put("path", String.format(routes[rnd.nextInt(routes.length)], rnd.nextInt(100_000)) + "?page=" + rnd.nextInt(5))
                            .put("status", status).put("duration_ms", Math.round(20 * Math.exp(rnd.nextGaussian()) * 100) / 100.0)
                            .put("bytes", rnd.nextInt(50_000)).put("client_ip", "10.0." + rnd.nextInt(256) + "." + rnd.nextInt(256))
                            .put("user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36")
                            .put("trace_id", Long.toHexString(rnd.nextLong()) + Long.toHexString(rnd.nextLong()));
                } else if (kind < 70) {
                    topic = Topics.RAW_REQUESTS;
                    boolean ok = rnd.nextInt(4) == 0;
                    n.put("service", "auth").put("method", "POST").put("path", "/login").put("status", ok ? 200 : 401)
                            .put("duration_ms", 30 + rnd.nextInt(40)).put("client_ip", "198.51.100." + rnd.nextInt(64))
                            .put("user_name", "user" + rnd.nextInt(500));
                } else {
                    topic = Topics.RAW_LOGS;
                    boolean error = rnd.nextInt(10) == 0;
                    n.put("service.name", service).put("log.level", error ? "ERROR" : "INFO")
                            .put("message", error ? "Payment failed for order " + rnd.nextInt(100_000) + " user alice@example.com"
                                    : "Handled request " + UUID.randomUUID() + " in " + rnd.nextInt(300) + " ms")
                            .put("log.logger", "dev.shop.OrderService").put("process.thread.name", "http-nio-8080-exec-" + rnd.nextInt(20))
                            .put("trace.id", Long.toHexString(rnd.nextLong())).put("labels.region", "eu-west-1");
                    if (error) {
                        n.put("error.stack_trace", "java.net.SocketTimeoutException: Read timed out\n"
                                + "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n"
                                + "\tat dev.shop.PaymentClient.charge(PaymentClient.java:" + (40 + rnd.nextInt(3)) + ")\n"
                                + "\tat dev.shop.OrderService.pay(OrderService.java:97)");
                    }
                }
                String file = "/var/log/" + n.path("service").asText(service) + (topic.equals(Topics.RAW_LOGS) ? "/app.log" : "/access.log");
                long[] offset = fileOffsets.computeIfAbsent(file, f -> new long[1]);
                n.put("host.name", "web-1").put("event.id", String.format("%016x-%d", file.hashCode() & 0xffffffffL, offset[0]))
                        .put("log.file.path", file).put("log.offset", offset[0]);
                byte[] value = bytes(n);
                offset[0] += value.length + 1;
                producer.send(new ProducerRecord<>(topic, null, t.toEpochMilli(), service.getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
    }

    /**
     * The input loader's producer: not part of what is measured, so it trades idempotence for
     * never hanging. Under heavy load an idempotent producer here was seen stuck in
     * {@code flush()} retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever (with Weir's unbounded
     * delivery timeout), which stalled the whole benchmark suite.
     */
    private static java.util.Map<String, Object> loaderProducerConfig(String bootstrap) {
        java.util.Map<String, Object> props = KafkaClients.producer(bootstrap, "bench-loader");
        props.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return props;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Consume → Jackson parse → re-serialise → produce, until every raw event went through. */
    static double bare(String bootstrap, long total) throws Exception {
        return bareLoop(bootstrap, total, null);
    }

    /**
     * The bare loop under exactly-once, by hand and without Kafka Streams: the same read_committed consumer and the same
     * work, a transactional producer, and the consumed offsets sent to the open transaction, which is committed every
     * {@code commitInterval}. That is what exactly_once_v2 asks of any consume → produce loop, so the distance from the
     * bare loop to this one is the guarantee's own cost, and from this one to {@link StreamsFloor} the framework's.
     */
    static double bareTransactional(String bootstrap, long total, Duration commitInterval) throws Exception {
        return bareLoop(bootstrap, total, Objects.requireNonNull(commitInterval, "commitInterval"));
    }

    /** @param commitInterval null for the plain loop (idempotent producer, no transactions, no offsets committed) */
    private static double bareLoop(String bootstrap, long total, Duration commitInterval) throws Exception {
        boolean transactional = commitInterval != null;
        String name = transactional ? "bench-bare-tx" : "bench-bare";
        String id = UUID.randomUUID().toString();
        Map<String, Object> c = KafkaClients.consumer(bootstrap, name + "-" + id);
        c.put("max.poll.records", 2000);
        Map<String, Object> p = KafkaClients.producer(bootstrap, name);
        if (transactional) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, name + "-" + id);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS));
            if (transactional) {
                producer.initTransactions();
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            boolean open = false;
            long seen = 0;
            long started = 0;
            long committed = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The " + name + " loop read " + seen + " of " + total + " events in 10 minutes");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
                    if (started == 0) {
                        started = System.nanoTime();
                        committed = started;
                    }
                    if (transactional && !open) {
                        producer.beginTransaction();
                        open = true;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        JsonNode parsed = JSON.readTree(r.value());
                        producer.send(new ProducerRecord<>(BARE_OUT, r.key(), JSON.writeValueAsBytes(parsed)));
                    }
                    seen += batch.size();
                    if (transactional) {
                        offsets.put(tp, new OffsetAndMetadata(batch.get(batch.size() - 1).offset() + 1));
                    }
                }
                if (open && (seen >= total || System.nanoTime() - committed >= commitInterval.toNanos())) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    offsets.clear();
                    open = false;
                    committed = System.nanoTime();
                }
            }
            producer.flush();
            return total / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** A consumer that reads every raw record's bytes and does nothing else: what Kafka alone costs. */
    static double consumeOnly(String bootstrap, long total) {
        Map<String, Object> c = KafkaClients.consumer(bootstrap, "bench-consume-" + UUID.randomUUID());
        c.put("max.poll.records", 2000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS));
            long seen = 0;
            long bytes = 0;
            long started = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (seen < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The bare consumer read " + seen + " of " + total + " events in 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (started == 0) {
                        started = System.nanoTime();
                    }
                    bytes += r.value() == null ? 0 : r.value().length;
                    seen++;
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("The raw events were empty");
            }
            return total / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** @return the processor's stream threads in these runs: {@code weir.bench.stream-threads}, else its default */
    public static int streamThreads() {
        return Integer.getInteger("weir.bench.stream-threads", ProcessorConfig.defaultStreamThreads());
    }

    static double processor(String bootstrap, String guarantee, int threads, long total, Path stateDir) throws InterruptedException {
        try (ProcessorApp app = new ProcessorApp(config(bootstrap, "bench-", guarantee, threads, stateDir), Clock.systemUTC())) {
            return eventsPerSecond(app, ProcessorThroughputBenchmark::measured, total, "measured");
        }
    }

    /** One run of {@link StreamsFloor}: the bare loop's work in Kafka Streams, with a processor run's settings. */
    static double streamsFloor(String bootstrap, String guarantee, int threads, long total, Path stateDir) throws InterruptedException {
        return StreamsFloor.run(config(bootstrap, "bench-floor-", guarantee, threads, stateDir), BARE_OUT, total);
    }

    /** The settings of a processor run: a new application id, {@code weir.bench.commit-interval-ms} when set. */
    private static ProcessorConfig config(String bootstrap, String idPrefix, String guarantee, int threads, Path stateDir) {
        ProcessorConfig config = ProcessorConfig.defaults(bootstrap).withHttpPort(0).withStateDir(stateDir)
                .withApplicationId(idPrefix + guarantee.replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 8))
                .withProcessingGuarantee(guarantee).withStreamThreads(threads);
        return config.withCommitInterval(commitInterval(bootstrap));
    }

    /** @return the commit interval of these runs: {@code weir.bench.commit-interval-ms}, else the processor's default */
    private static Duration commitInterval(String bootstrap) {
        Long commitMs = Long.getLong("weir.bench.commit-interval-ms");
        return commitMs == null ? ProcessorConfig.defaults(bootstrap).commitInterval() : Duration.ofMillis(commitMs);
    }

    /**
     * Starts {@code app} and times it from RUNNING until {@code progress} reaches {@code total}; events done before
     * RUNNING are not counted.
     *
     * @param app      the processor, not started
     * @param progress events done so far, read from the app's meters
     * @param total    events to wait for
     * @param what     what {@code progress} counts, for the timeout message
     * @return events done after RUNNING per second
     * @throws IllegalStateException when the total is not reached within 10 minutes, or was reached before RUNNING
     */
    static double eventsPerSecond(ProcessorApp app, ToDoubleFunction<ProcessorApp> progress, long total, String what)
            throws InterruptedException {
        return eventsPerSecond(app::start, () -> progress.applyAsDouble(app), total, "The processor " + what);
    }

    /** Starts a Kafka Streams application and returns once it is RUNNING. */
    @FunctionalInterface
    interface Start {
        void run() throws InterruptedException;
    }

    /**
     * Like {@link #eventsPerSecond(ProcessorApp, ToDoubleFunction, long, String)}, for any Kafka Streams application.
     *
     * @param start    starts the application, returning once it is RUNNING
     * @param progress events done so far
     * @param total    events to wait for
     * @param what     who did what {@code progress} counts, for the timeout message
     * @return events done after RUNNING per second
     * @throws IllegalStateException when the total is not reached within 10 minutes, or was reached before RUNNING
     */
    static double eventsPerSecond(Start start, DoubleSupplier progress, long total, String what) throws InterruptedException {
        start.run();
        long started = System.nanoTime();
        // With more than one stream thread, a thread runs its tasks as soon as it has them, while the client is
        // still starting (it is RUNNING once every thread is): those events, and the time they took, are left out.
        double before = progress.getAsDouble();
        if (before >= total) {
            throw new IllegalStateException(what + " all " + total + " events before it was RUNNING: too few events to time");
        }
        long deadline = started + TimeUnit.MINUTES.toNanos(10);
        while (progress.getAsDouble() < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " " + progress.getAsDouble() + " of " + total + " events in 10 minutes");
            }
            Thread.sleep(20); // sampling interval of the progress check, not synchronisation
        }
        return (total - before) / ((System.nanoTime() - started) / 1e9);
    }

    /** Events the measuring stage counted, plus those the normaliser turned into dead letters (they never reach it). */
    private static double measured(ProcessorApp app) {
        return sum(app.registry().find("http.requests").counters()) + sum(app.registry().find("weir.measured.logs").counters())
                + sum(app.registry().find("weir.deadletters").counters());
    }

    private static double sum(Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }

    private static void resetOutputs(Admin admin) throws Exception {
        resetOutputs(admin, 3);
    }

    private static void resetOutputs(Admin admin, int partitions) throws Exception {
        admin.deleteTopics(OUTPUTS).all().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (OUTPUTS.stream().noneMatch(names::contains)) {
                try {
                    TopicSetup.ensure(admin, partitions, (short) 1);
                    return;
                } catch (RuntimeException e) {
                    // a topic still being deleted on the broker: try again below
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Output topics were not re-created within 60 s");
            }
            Thread.sleep(200); // polling the broker for the deletion to finish
        }
    }

    private static void createIfMissing(Admin admin, String topic) throws Exception {
        createIfMissing(admin, topic, 3);
    }

    private static void createIfMissing(Admin admin, String topic, int partitions) throws Exception {
        if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static long endOffsets(String bootstrap, List<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(bootstrap, "bench-count"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin"));
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
