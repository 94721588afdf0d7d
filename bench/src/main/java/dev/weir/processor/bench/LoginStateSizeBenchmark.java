package dev.weir.processor.bench;

import dev.weir.common.kafka.Topics;
import dev.weir.processor.CleanStreams;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.serde.WeirSerdes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Heap and state-store size of the login detector with many distinct users and source IPs.
 *
 * <p>Builds the production {@link MeasureTopology} (all measures, the real persistent store suppliers, i.e.
 * RocksDB, with record caching) in a {@link TopologyTestDriver} whose state dir is a fresh temp dir, pipes
 * failed-login {@link LogEvent}s ({@code event.category=authentication}, {@code event.outcome=failure}) to
 * {@value Topics#LOGS}, all inside one 5-minute login window, and prints: heap used after full GC before and
 * after, process RSS (RocksDB lives off-heap), the on-disk size of each store's RocksDB directory (after
 * flushing the stores), entries per store and the time taken.
 *
 * <p>Shapes:
 * <ul>
 *   <li>{@code pairs}: event i is user {@code u<i>} failing from IP {@code ip(i)}: n distinct users, n distinct
 *       IPs, n events, one failure per key, so each key's distinct set holds one value.</li>
 *   <li>{@code skewed}: 2n events. First n: user {@code u<i>} from IP {@code ip(i mod hot)} (spraying from
 *       {@code hot} IPs); then n: user {@code u<i mod hot>} from IP {@code ip(i)} (each of {@code hot} users
 *       failing from n/hot IPs). Still n distinct users and n distinct IPs, but {@code hot} keys in each store
 *       have n/hot distinct values each, which is what {@code distinct-cap} bounds.</li>
 * </ul>
 * Caps: {@code default} = {@link MeasureSettings#defaults()}; {@code raised} = distinct-cap raised to
 * {@link Integer#MAX_VALUE} and the service/route caps to 1 000 000 (sample-size stays 5: it is a sample of user
 * names and event ids per window, not a cardinality cap).
 *
 * <p>Run one scenario per JVM (so heap figures do not mix), e.g.:
 * <pre>
 * mvn -B -q -pl bench -am package -DskipTests   # once: bench/target/classes and bench/target/lib
 * java -Xmx2g -cp "bench/target/classes:bench/target/lib/*" dev.weir.processor.bench.LoginStateSizeBenchmark pairs 1000000 default
 * </pre>
 * Arguments: shape ({@code pairs}|{@code skewed}), n (default 1 000 000), caps ({@code default}|{@code raised}),
 * hot keys for {@code skewed} (default 1000).
 */
public final class LoginStateSizeBenchmark {
    private static final String SERVICE = "auth";
    private static final Instant WINDOW_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] STORES = {
            MeasureTopology.LOGINS_BY_SOURCE_STORE, MeasureTopology.LOGINS_BY_USER_STORE,
            "logins-by-source-emitted-store", "logins-by-user-emitted-store",
            MeasureTopology.CARDINALITY_STORE, MeasureTopology.ERRORS_STORE, MeasureTopology.LATENCY_STORE,
            "errors-emitted-store", "latency-emitted-store"};

    private LoginStateSizeBenchmark() {
    }

    /** @param args shape, n, caps, hot keys */
    public static void main(String[] args) throws Exception {
        String shape = args.length > 0 ? args[0] : "pairs";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String caps = args.length > 2 ? args[2] : "default";
        int hot = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        if (!shape.equals("pairs") && !shape.equals("skewed")) {
            throw new IllegalArgumentException("shape must be pairs or skewed: " + shape);
        }
        MeasureSettings d = MeasureSettings.defaults();
        MeasureSettings settings = switch (caps) {
            case "default" -> d;
            case "raised" -> new MeasureSettings(d.window(), d.grace(), d.retention(), d.relativeAccuracy(), 1_000_000, 1_000_000,
                    d.cardinalityIdle(), d.loginWindow(), d.sourceMinFailures(), d.sprayingMinUsers(), d.userMinDistinctIps(),
                    d.successAfterFailuresMin(), Integer.MAX_VALUE, d.sampleSize(), d.sourceWait());
            default -> throw new IllegalArgumentException("caps must be default or raised: " + caps);
        };
        PrintStream out = System.out;
        long events = shape.equals("pairs") ? n : 2L * n;
        out.printf(Locale.ROOT, "shape=%s n=%d events=%d caps=%s (distinctCap=%d sampleSize=%d maxServices=%d maxRoutes=%d)%s%n",
                shape, n, events, caps, settings.distinctCap(), settings.sampleSize(), settings.maxServices(),
                settings.maxRoutesPerService(), shape.equals("skewed") ? " hot=" + hot : "");
        out.printf(Locale.ROOT, "max heap %d MB, java %s%n", Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));

        long heapBaseline = heapAfterGc();
        // TopologyTestDriver commits after every record, and each commit flushes every store and fsyncs the position
        // checkpoints: on this box's disk 100 000 events did not finish in 10 minutes. Put the state dir on tmpfs
        // (-Dweir.bench.state-parent=/dev/shm) to take fsync out; still only ~500-600 events/s, CPU-bound (presumably the
        // per-record commit; not profiled). The RocksDB files are the same either way.
        String parent = System.getProperty("weir.bench.state-parent", System.getProperty("java.io.tmpdir"));
        Path stateDir = Files.createTempDirectory(Path.of(parent), "weir-login-state-");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "login-state-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the measures alone, fed from the clean topics: the login state does not depend on how the events arrive
        ProcessorTopics topics = ProcessorTopics.weir();
        StreamsBuilder builder = new StreamsBuilder();
        new MeasureTopology(settings, topics, MeasureListener.NONE).addTo(builder, new CleanStreams(
                builder.stream(topics.requests().name(), Consumed.with(topics.requests().key(), topics.requests().value())),
                builder.stream(topics.logs().name(), Consumed.with(topics.logs().key(), topics.logs().value()))));
        TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props);
        try {
            for (String name : new String[] {MeasureTopology.LOGINS_BY_SOURCE_STORE, MeasureTopology.LOGINS_BY_USER_STORE}) {
                out.printf("store %s: %s%n", name, describe(driver.getAllStateStores().get(name)));
            }
            TestInputTopic<String, LogEvent> logs = driver.createInputTopic(Topics.LOGS, new StringSerializer(),
                    WeirSerdes.logEvent().serializer());
            long heapBefore = heapAfterGc();
            long rssBefore = rssKb();
            long diskBefore = size(stateDir);

            // All events inside the first 5-minute login window (and the first 1-minute measure window), so that
            // nothing closes: every key's state is still open when it is measured.
            long t0 = System.nanoTime();
            long spanMs = Duration.ofSeconds(50).toMillis();
            for (long i = 0; i < events; i++) {
                String user;
                String ip;
                if (shape.equals("pairs")) {
                    user = "u" + i;
                    ip = ip(i);
                } else if (i < n) {
                    user = "u" + i;
                    ip = ip(i % hot);
                } else {
                    long j = i - n;
                    user = "u" + (j % hot);
                    ip = ip(j);
                }
                Instant at = WINDOW_START.plusMillis(i * spanMs / events);
                logs.pipeInput(SERVICE, failedLogin("e" + i, ip, user, at), at);
                if ((i + 1) % 200_000 == 0) {
                    out.printf(Locale.ROOT, "  %d events, %.1f s%n", i + 1, (System.nanoTime() - t0) / 1e9);
                }
            }
            double pipeS = (System.nanoTime() - t0) / 1e9;

            long heapAfter = heapAfterGc();
            long rssAfter = rssKb();
            long diskUnflushed = size(stateDir);
            long tf = System.nanoTime();
            for (String name : STORES) {
                driver.getAllStateStores().get(name).flush();
            }
            double flushS = (System.nanoTime() - tf) / 1e9;
            long diskAfter = size(stateDir);

            out.printf(Locale.ROOT, "piped %d events in %.1f s (%.0f events/s); store flush %.1f s%n", events, pipeS, events / pipeS, flushS);
            out.printf(Locale.ROOT, "heap used after GC: JVM baseline %.1f MB, driver open %.1f MB, after events %.1f MB (+%.1f MB)%n",
                    mb(heapBaseline), mb(heapBefore), mb(heapAfter), mb(heapAfter - heapBefore));
            out.printf(Locale.ROOT, "process RSS: before events %.0f MB, after events %.0f MB (+%.0f MB)%n",
                    rssBefore / 1024.0, rssAfter / 1024.0, (rssAfter - rssBefore) / 1024.0);
            out.printf(Locale.ROOT, "state dir on disk: before events %.1f MB, after events (unflushed) %.1f MB, after flush %.1f MB%n",
                    mb(diskBefore), mb(diskUnflushed), mb(diskAfter));
            Map<String, Long> perDir = perStoreDir(stateDir);
            out.println("| store | kind | entries | bytes on disk (after flush) |");
            out.println("| --- | --- | ---: | ---: |");
            for (String name : STORES) {
                StateStore s = driver.getAllStateStores().get(name);
                String entries;
                String kind;
                if (s instanceof KeyValueStore<?, ?> kv) {
                    kind = "key-value";
                    entries = String.format(Locale.ROOT, "%,d (approximateNumEntries)", kv.approximateNumEntries());
                } else {
                    kind = "window";
                    entries = String.format(Locale.ROOT, "%,d windows, %,d distinct values held (all())",
                            countWindows(driver.getWindowStore(name)), distinctHeld(driver, name));
                }
                out.printf(Locale.ROOT, "| %s | %s | %s | %,d |%n", name, kind, entries, perDir.getOrDefault(name, 0L));
            }
        } finally {
            driver.close();
            deleteRecursively(stateDir);
        }
    }

    private static String ip(long i) {
        return "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    private static LogEvent failedLogin(String id, String ip, String user, Instant at) {
        return LogEvent.newBuilder()
                .setId(id).setTimestamp(at).setReceivedAt(at)
                .setService(SERVICE).setLevel(LogLevel.INFO).setMessage("login failed")
                .setEvent(EventInfo.newBuilder().setCategory("authentication").setOutcome("failure").build())
                .setSourceIp(ip).setUserName(user)
                .build();
    }

    private static String describe(StateStore s) {
        StringBuilder b = new StringBuilder(s.getClass().getSimpleName());
        StateStore inner = s;
        while (inner instanceof org.apache.kafka.streams.state.internals.WrappedStateStore<?, ?, ?> w) {
            inner = w.wrapped();
            b.append(" > ").append(inner.getClass().getSimpleName());
        }
        return b.append(" (persistent=").append(s.persistent()).append(')').toString();
    }

    private static long countWindows(WindowStore<Object, Object> store) {
        long c = 0;
        try (KeyValueIterator<Windowed<Object>, Object> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                c++;
            }
        }
        return c;
    }

    /** Sum of the distinct-value sets' sizes over all windows of a login store; -1 for other stores. */
    private static long distinctHeld(TopologyTestDriver driver, String name) {
        if (!name.equals(MeasureTopology.LOGINS_BY_SOURCE_STORE) && !name.equals(MeasureTopology.LOGINS_BY_USER_STORE)) {
            return -1;
        }
        WindowStore<String, dev.weir.processor.measure.logins.LoginWindowState> store = driver.getWindowStore(name);
        long c = 0;
        try (KeyValueIterator<Windowed<String>, dev.weir.processor.measure.logins.LoginWindowState> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, dev.weir.processor.measure.logins.LoginWindowState> kv = it.next();
                c += kv.value.distinctCount();
            }
        }
        return c;
    }

    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a RocksDB file removed by compaction while walking
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes under each store's directory: {@code <state>/<app>/<task>/rocksdb/<store>} or {@code <task>/<store>}. */
    private static Map<String, Long> perStoreDir(Path stateDir) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        List<String> names = List.of(STORES);
        try (Stream<Path> dirs = Files.walk(stateDir)) {
            for (Path p : dirs.filter(Files::isDirectory).toList()) {
                String name = p.getFileName().toString();
                if (names.contains(name)) {
                    sizes.merge(name, size(p), Long::sum);
                }
            }
        }
        return sizes;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
