package dev.weir.bench.scale;

import dev.weir.bench.cpu.Cpu;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.bench.ProcessorThroughputBenchmark;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How the processor's state grows with the number of distinct keys of one kind, with the default
 * cardinality caps: a real {@link dev.weir.processor.ProcessorApp} (Kafka Streams,
 * exactly_once_v2, 100 ms commits, default settings and rule pack, 3 partitions) in this JVM
 * against the suite's broker.
 *
 * <p>Per point: every topic is deleted and Weir's topics re-created; {@code n} events with
 * {@code n} distinct keys of the point's {@link DistinctKeys kind} are loaded; the processor
 * starts with a new application id and an empty state directory, and runs until its measuring
 * stage has counted every event and its consumer group has committed every input record, the
 * repartition topics included (so the login stores have seen every attempt and a commit has
 * flushed the record caches). Then, with the processor still running: heap after GC,
 * bytes of each store's directory, the changelog topics' bytes on the broker; and after closing
 * it: the bytes again (RocksDB flushes its memtables on close) and the entries of every store,
 * counted by iterating its RocksDB databases.
 */
public final class StateSize {
    private StateSize() {
    }

    /**
     * One measured point.
     *
     * @param kind             what was distinct
     * @param keys             distinct keys (= events)
     * @param seconds          from RUNNING until every event was measured and committed
     * @param deadLetters      events the normaliser rejected (expected 0)
     * @param bytesRunning     bytes per store directory, processor running
     * @param bytesClosed      bytes per store directory, processor closed
     * @param entries          entries per store, processor closed
     * @param changelogBytes   bytes on the broker per changelog topic (application id prefix removed)
     * @param heapBefore       heap after GC before the processor started
     * @param heapAfter        heap after GC with the processor running, every event measured
     * @param jvmCpuSeconds    CPU of this JVM from start to measured
     * @param brokerCpuSeconds CPU of the broker from start to measured, NaN when unknown
     */
    public record Point(DistinctKeys kind, int keys, double seconds, long deadLetters, Map<String, Long> bytesRunning,
                        Map<String, Long> bytesClosed, Map<String, Long> entries, Map<String, Long> changelogBytes, long heapBefore,
                        long heapAfter, double jvmCpuSeconds, double brokerCpuSeconds) {
        /** @return events per second from RUNNING to committed */
        public double eventsPerSecond() {
            return keys / seconds;
        }
    }

    /**
     * Measures one point.
     *
     * @param bootstrap the broker, holding nothing the run needs (every topic is deleted)
     * @param broker    the broker's process, for its CPU; may be {@code null}
     * @param kind      what is distinct
     * @param keys      distinct keys (and events); below 2^24
     * @param dir       for the state directory (deleted afterwards)
     * @param out       progress lines
     * @return the figures
     * @throws Exception when Kafka or the processor fails
     */
    public static Point measure(String bootstrap, ProcessHandle broker, DistinctKeys kind, int keys, Path dir, PrintStream out)
            throws Exception {
        try (Admin admin = Cluster.admin(bootstrap)) {
            Cluster.deleteAllTopics(admin);
            TopicSetup.ensure(admin, 3, (short) 1);
            load(bootstrap, kind, keys);
            String appId = "bench-state-" + kind.name().toLowerCase(Locale.ROOT) + "-" + keys + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            ProcessorConfig config = ProcessorConfig.defaults(bootstrap).withApplicationId(appId);
            Path stateDir = dir.resolve(appId);
            long heapBefore = heapAfterGc();
            double jvm0 = Cpu.jvmSeconds();
            double broker0 = ThroughputScale.brokerCpu(broker);
            Point p;
            try (Instances processor = new Instances(config, 1, stateDir)) {
                processor.awaitMeasured(keys, Duration.ofMinutes(15));
                // the processor reads the raw topics and its own repartition topics; the clean topics only the sink
                List<String> inputs = new ArrayList<>(List.of(Topics.RAW_LOGS, Topics.RAW_REQUESTS));
                inputs.addAll(Cluster.topicsStartingWith(admin, appId + "-").stream().filter(t -> t.endsWith("-repartition")).toList());
                Poll.until(Duration.ofMinutes(10), Duration.ofMillis(50), () -> Cluster.lag(admin, appId, inputs) == 0,
                        () -> "the processor " + appId + " to commit every input record of " + inputs);
                long end = System.nanoTime();
                double seconds = (end - processor.firstRunningNanos()) / 1e9;
                double jvm = Cpu.jvmSeconds() - jvm0;
                double brokerCpu = ThroughputScale.brokerCpu(broker) - broker0;
                long deadLetters = Math.round(processor.apps().get(0).registry().find("weir.deadletters").counters().stream()
                        .mapToDouble(Counter::count).sum());
                long heapAfter = heapAfterGc();
                Path streamsDir = Instances.stateDir(stateDir, 0);
                Map<String, Long> running = StateDirs.bytesPerStore(streamsDir);
                Map<String, Long> changelogs = new TreeMap<>();
                Cluster.topicBytes(admin, t -> t.startsWith(appId + "-") && t.endsWith("-changelog"))
                        .forEach((t, b) -> changelogs.put(t.substring(appId.length() + 1), b));
                processor.close();
                p = new Point(kind, keys, seconds, deadLetters, running, StateDirs.bytesPerStore(streamsDir),
                        StateDirs.entriesPerStore(streamsDir), changelogs, heapBefore, heapAfter, jvm, brokerCpu);
            }
            TempDirs.delete(stateDir);
            out.printf("%s %d: %.1f s (%.0f events/s), state dir %d bytes, heap %+d bytes%n", kind.label(), keys, p.seconds(),
                    p.eventsPerSecond(), p.bytesClosed().values().stream().mapToLong(Long::longValue).sum(), p.heapAfter() - p.heapBefore());
            return p;
        }
    }

    /**
     * Runs {@link System#gc()} a few times (G1 collects fully on it), then reads the used heap:
     * what is left is what something still holds.
     */
    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void load(String bootstrap, DistinctKeys kind, int keys) {
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProcessorThroughputBenchmark.loaderConfig(bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < keys; i++) {
                Instant t = DistinctKeys.time(now, i, keys);
                producer.send(new ProducerRecord<>(kind.topic(), null, t.toEpochMilli(), kind.key(i).getBytes(StandardCharsets.UTF_8),
                        kind.event(i, t).toString().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
