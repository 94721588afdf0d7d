package dev.weir.bench.scale;

import dev.weir.bench.report.Markdown;
import dev.weir.bench.stats.Summary;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.route.RouteCardinality;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes section 6 of BENCHMARKS.md ("Scale") from the figures of {@link ThroughputScale} and {@link StateSize}. */
public final class ScaleReport {
    /** The stores shown in their own column, in pipeline order; the others are summed under "other". */
    static final List<String> STORES = List.of(RouteCardinality.STORE, MeasureTopology.CARDINALITY_STORE, MeasureTopology.ERRORS_STORE,
            MeasureTopology.LATENCY_STORE, MeasureTopology.LOGINS_BY_SOURCE_STORE, MeasureTopology.LOGINS_BY_USER_STORE,
            RulesTopology.STATE_STORE, RulesTopology.SKETCH_STORE);
    static final String OTHER = "other";

    private ScaleReport() {
    }

    /**
     * Writes the throughput part.
     *
     * @param m       the section
     * @param r       the figures
     * @param command how the suite ran this part, for the reader
     * @return the headline row (what, Weir, baseline, ratio, goal, met)
     */
    public static List<String> throughput(Markdown m, ThroughputScale.Result r, String command) {
        ThroughputScale.Settings s = r.settings();
        ThroughputScale.Shape ref = r.reference();
        m.line("### 6a. Throughput: instances and partitions").blank();
        m.linef("%s: %d repetition(s), each going through the partition counts (%s; in reverse order every other repetition, "
                + "so that a drift of the shared machine's speed favours none). Whenever the partition count changes, every topic is "
                + "deleted, Weir's topics (and the bare loop's output) are created with that many partitions, and %,d realistic raw "
                + "events (§2's workload: `ProcessorThroughputBenchmark.prepare`) are loaded. Per repetition and partition count: the "
                + "bare consume → Jackson parse → produce loop once, then each instance count (%s) once, each processor run with a new "
                + "application id on emptied output topics: `ProcessorApp` with every default (exactly_once_v2, 100 ms commits, 1 "
                + "stream thread per instance, all measures and the default rule pack). One unmeasured processor run before all of "
                + "them warms the JIT up. A run is timed from the first instance "
                + "reporting RUNNING until the instances together have measured every event, so the rebalance that hands tasks to the "
                + "second instance is inside the measured time. Ratios are medians of per-repetition ratios.",
                command, s.repeats(), join(s.partitions()), s.events(), join(s.instances())).blank();
        m.line("**Two instances in the bench JVM, not in child JVMs.** Each has its own `KafkaStreams`, consumer group member, "
                + "transactional producer, state directory and HTTP port, so Kafka sees two instances exactly as it would see two "
                + "processes; keeping them in the JVM that also ran the one-instance case means the only thing that changes between "
                + "the rows is the instance count (the same warmed-up JIT, the same heap limit and GC), and their events are counted "
                + "from their meter registries without scraping. A second JVM would add its own JIT and GC threads on the same two "
                + "cores.").blank();
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<ThroughputScale.Shape, List<ThroughputScale.Run>> e : r.runs().entrySet()) {
            ThroughputScale.Shape shape = e.getKey();
            List<ThroughputScale.Run> runs = e.getValue();
            long events = r.events().get(shape.partitions());
            double jvm = Summary.median(runs.stream().map(x -> x.jvmCpuSeconds() / (events / 1e6)).toList());
            double broker = Summary.median(runs.stream().map(x -> x.brokerCpuSeconds() / (events / 1e6)).toList());
            String shares = shape.instances() == 1 ? "–" : runs.stream()
                    .map(x -> x.shares().stream().map(v -> String.format(Locale.ROOT, "%.0f%%", 100 * v)).collect(Collectors.joining("/")))
                    .collect(Collectors.joining(", "));
            rows.add(List.of(Integer.toString(shape.partitions()), Integer.toString(shape.instances()),
                    rates(runs.stream().map(ThroughputScale.Run::eventsPerSecond).toList()), perSecond(r.median(shape)),
                    rates(r.bare().get(shape.partitions())), String.format(Locale.ROOT, "%.2f", r.ratioToBare(shape)),
                    String.format(Locale.ROOT, "**%.2f**", r.median(shape) / r.median(ref)), shares,
                    String.format(Locale.ROOT, "%.1f / %.1f", jvm, broker)));
        }
        m.table(List.of("partitions", "instances", "processor events/s per run", "median", "bare loop events/s per run (same topics)",
                "processor ÷ bare", "÷ " + ref.instances() + " instance, " + ref.partitions() + " partitions", "events per instance, per run",
                "CPU s per million events: bench JVM / broker (median)"), rows);
        m.line("**What 2 instances mean on this 2-core box.** One instance with one stream thread already keeps about one core busy, "
                + "and the broker (and, between runs, the bench) the rest, so a second instance adds parallelism but no CPU: it can "
                + "only win what one instance leaves idle (waits on the broker, commits, GC), and it pays for a second transactional "
                + "producer, a second consumer and a rebalance. The figure shows whether the processor scales out without a "
                + "penalty, not how much faster it gets on a machine with a core per instance; scaling across machines is not "
                + "measured here. More partitions mean more tasks (and changelog and repartition partitions) for the same one "
                + "stream thread per instance: they show the per-task overhead. With 3 partitions two instances cannot share the work "
                + "evenly: one of them owns two of each sub-topology's three tasks. With more partitions the split can still be "
                + "uneven, as the shares show: the instances start together, but the group forms with whichever joins first, and "
                + "Kafka Streams' high-availability assignor hands a stateful task to the newcomer only once it has caught up on the "
                + "task's changelogs (`acceptable.recovery.lag`, 10,000 records), otherwise it gets a warm-up replica and the task "
                + "moves at the next probing rebalance, 10 minutes later — after a run of a few seconds. That reading of the "
                + "shares comes from Kafka's documented behaviour; the assignments themselves were not logged.").blank();
        List<String> parts = new ArrayList<>();
        for (ThroughputScale.Shape shape : r.runs().keySet()) {
            if (!shape.equals(ref)) {
                parts.add(String.format(Locale.ROOT, "%s: %s (%.2f×)", name(shape), perSecond(r.median(shape)), r.median(shape) / r.median(ref)));
            }
        }
        return List.of(String.format(Locale.ROOT, "scale: processor events/s with %s instances and %s partitions (exactly_once_v2, one "
                        + "2-core box), relative to %s", join(s.instances()), join(s.partitions()), name(ref)),
                String.format(Locale.ROOT, "%s: %s; %s", name(ref), perSecond(r.median(ref)), String.join("; ", parts)),
                "bare loop: " + r.bare().entrySet().stream().map(e -> perSecond(Summary.median(e.getValue())) + " (" + e.getKey() + " part.)")
                        .collect(Collectors.joining(", ")),
                "processor ÷ bare: " + r.runs().keySet().stream().map(sh -> String.format(Locale.ROOT, "%.2f× (%s)", r.ratioToBare(sh),
                        name(sh))).collect(Collectors.joining(", ")),
                "– (issue 8: how it changes)", "–");
    }

    /**
     * Writes the state-size part.
     *
     * @param m       the section
     * @param points  the measured points, grouped by kind, ascending keys
     * @param command how the suite ran this part
     * @return the headline row for the largest login point, or {@code null} when there is none
     */
    public static List<String> state(Markdown m, List<StateSize.Point> points, String command) {
        MeasureSettings caps = MeasureSettings.defaults();
        int maxGroups = RuleSet.defaults().rule("FailedLoginBurst").maxGroups();
        m.line("### 6b. State size against cardinality (default caps)").blank();
        m.linef("%s: per point every topic is deleted and Weir's topics re-created (3 partitions); *n* events with *n* distinct keys "
                + "of one kind are loaded, all inside one 1-minute window (and so one 5-minute login window, which keeps every key's "
                + "state open); a real `ProcessorApp` (Kafka Streams, exactly_once_v2, 100 ms commits, default settings and rule pack, "
                + ProcessorConfig.defaultStreamThreads() + " stream thread(s): the default, one per core) runs in the bench JVM against the suite's broker until its measuring stage counted every event "
                + "and its consumer group committed every input record, repartition topics included. Then, still running: heap "
                + "after `System.gc()`, bytes under each store's directory (while running, only what RocksDB has "
                + "flushed from its memtables to SST files: Kafka Streams does not flush them on commit, so until a memtable fills "
                + "the state is in RocksDB's native memory and in the changelog); after `close()`, which flushes the "
                + "memtables: the bytes again and the entries of each store, counted by iterating its RocksDB databases read-only. "
                + "Changelog bytes are the broker's log size (`Admin.describeLogDirs`), uncompacted. MB = 10⁶ bytes.", command).blank();
        for (DistinctKeys kind : DistinctKeys.values()) {
            if (points.stream().anyMatch(p -> p.kind() == kind)) {
                m.linef("- **%s**: %s.", kind.label(), kind.description());
            }
        }
        m.blank();
        m.linef("Caps in force (defaults): `processor.measure.max-services` %d and `max-routes-per-service` %d per task (the measures' "
                + "overflow bucket beyond), `processor.routes.max-per-service` %d in the normaliser (`%s` beyond), the rules' "
                + "`max_groups` %,d per rule and partition, `processor.measure.logins.distinct-cap` %d and `sample-size` %d per "
                + "login-store entry.", caps.maxServices(), caps.maxRoutesPerService(), RouteSettings.DEFAULTS.maxPerService(),
                RouteCardinality.OVERFLOW, maxGroups, caps.distinctCap(), caps.sampleSize()).blank();
        List<String> header = new ArrayList<>(List.of("distinct", "n"));
        STORES.forEach(st -> header.add("`" + st + "`"));
        header.add("other stores");
        header.add("whole state dir: running → closed");
        List<List<String>> rows = new ArrayList<>();
        for (StateSize.Point p : points) {
            List<String> row = new ArrayList<>(List.of(p.kind().label(), String.format(Locale.ROOT, "%,d", p.keys())));
            Map<String, long[]> grouped = byColumn(p);
            for (String st : STORES) {
                row.add(cell(grouped.get(st)));
            }
            row.add(cell(grouped.get(OTHER)));
            row.add(mb(sum(p.bytesRunning())) + " → " + mb(sum(p.bytesClosed())));
            rows.add(row);
        }
        m.line("**Bytes on disk · entries per store**, summed over tasks, after close:").blank();
        m.table(header, rows);
        List<List<String>> memory = new ArrayList<>();
        for (StateSize.Point p : points) {
            long heap = p.heapAfter() - p.heapBefore();
            memory.add(List.of(p.kind().label(), String.format(Locale.ROOT, "%,d", p.keys()),
                    String.format(Locale.ROOT, "%.1f s (%,.0f/s)", p.seconds(), p.eventsPerSecond()), Long.toString(p.deadLetters()),
                    mb(sum(p.changelogBytes())) + " (logins: " + mb(loginChangelogs(p)) + ")",
                    mb(p.heapBefore()) + " → " + mb(p.heapAfter()) + String.format(Locale.ROOT, " (%+.1f MB)", heap / 1e6),
                    String.format(Locale.ROOT, "%.1f / %.1f", p.jvmCpuSeconds() / (p.keys() / 1e6), p.brokerCpuSeconds() / (p.keys() / 1e6))));
        }
        m.line("**Time, changelogs and memory:**").blank();
        m.table(List.of("distinct", "n", "measured and committed in", "dead letters", "changelog topics on the broker",
                "bench JVM heap after GC: before → running",
                "CPU s per million events: bench JVM / broker"), memory);
        for (String line : growthLines(points)) {
            m.line("- " + line);
        }
        m.blank();
        m.linef("**What the caps bound, and what they don't.** The service and route caps hold the measures' stores "
                + "(`%s`, `%s`, `%s`) and the Prometheus series to at most %d services per task and %d routes per service; the "
                + "normaliser's route cap holds `%s` to %d routes per service, but it keeps one count entry per service, so with "
                + "distinct services it grows without bound. The rules' `max_groups` holds each rule's groups in `%s` to %,d per "
                + "partition, so a rule grouped by `source_ip` (the default `FailedLoginBurst`) stops evaluating new IPs beyond that. "
                + "**Nothing bounds the login detector's keys:** every distinct source IP and every distinct user with an attempt in "
                + "a login window has its own entry in `%s` / `%s` until the window's segment passes `processor.measure.retention`; "
                + "`distinct-cap` and `sample-size` bound only the size of each entry. That state lives in RocksDB (off-heap, on "
                + "disk), not on the heap: the heap held by the running processor stays flat as login keys grow. With distinct "
                + "services it does grow, until the rules' per-task LRU caches of group states and sketches are full (an "
                + "attribution read from the code, not from a heap histogram).", MeasureTopology.CARDINALITY_STORE, MeasureTopology.ERRORS_STORE, MeasureTopology.LATENCY_STORE,
                caps.maxServices(), caps.maxRoutesPerService(), RouteCardinality.STORE, RouteSettings.DEFAULTS.maxPerService(),
                RulesTopology.STATE_STORE, maxGroups, MeasureTopology.LOGINS_BY_SOURCE_STORE, MeasureTopology.LOGINS_BY_USER_STORE).blank();
        StateSize.Point logins = points.stream().filter(p -> p.kind() == DistinctKeys.LOGINS).reduce((a, b) -> b.keys() >= a.keys() ? b : a)
                .orElse(null);
        if (logins == null) {
            return null;
        }
        Map<String, long[]> g = byColumn(logins);
        long loginBytes = g.get(MeasureTopology.LOGINS_BY_SOURCE_STORE)[0] + g.get(MeasureTopology.LOGINS_BY_USER_STORE)[0];
        StateSize.Point smallest = points.stream().filter(p -> p.kind() == DistinctKeys.LOGINS).findFirst().orElseThrow();
        String slope = smallest.keys() >= logins.keys() ? "" : String.format(Locale.ROOT, " (%+,.0f B per additional key from %,d keys)",
                (double) (logins.heapAfter() - logins.heapBefore() - smallest.heapAfter() + smallest.heapBefore())
                        / (logins.keys() - smallest.keys()), smallest.keys());
        return List.of(String.format(Locale.ROOT, "login detector state, %,d distinct users and %,d distinct IPs in one login window "
                        + "(default caps)", logins.keys(), logins.keys()),
                String.format(Locale.ROOT, "login stores %s on disk (%,d + %,d entries), whole state dir %s, changelogs %s; heap held by "
                                + "the running processor %+.0f MB%s", mb(loginBytes), g.get(MeasureTopology.LOGINS_BY_SOURCE_STORE)[1],
                        g.get(MeasureTopology.LOGINS_BY_USER_STORE)[1], mb(sum(logins.bytesClosed())), mb(sum(logins.changelogBytes())),
                        (logins.heapAfter() - logins.heapBefore()) / 1e6, slope),
                "–", "–", "– (issue 6: report it)", "–");
    }

    /** Lines saying, per kind with at least two points, which stores grew with the keys and which a cap held. */
    static List<String> growthLines(List<StateSize.Point> points) {
        List<String> lines = new ArrayList<>();
        for (DistinctKeys kind : DistinctKeys.values()) {
            List<StateSize.Point> series = points.stream().filter(p -> p.kind() == kind).toList();
            if (series.size() < 2) {
                continue;
            }
            StateSize.Point from = series.get(0);
            StateSize.Point to = series.get(series.size() - 1);
            Map<String, long[]> a = byColumn(from);
            Map<String, long[]> b = byColumn(to);
            Map<Growth, List<String>> byGrowth = new LinkedHashMap<>();
            for (String st : STORES) {
                long[] x = a.get(st);
                long[] y = b.get(st);
                if (x[1] == 0 && y[1] == 0) {
                    continue;
                }
                byGrowth.computeIfAbsent(Growth.of(from.keys(), to.keys(), x[1], y[1]), k -> new ArrayList<>())
                        .add(String.format(Locale.ROOT, "`%s` %,d → %,d", st, x[1], y[1]));
            }
            long heapFrom = from.heapAfter() - from.heapBefore();
            long heapTo = to.heapAfter() - to.heapBefore();
            lines.add(String.format(Locale.ROOT, "**%s**, %,d → %,d (entries): %s. Heap held by the running processor: %+.1f MB → "
                            + "%+.1f MB, %+,.0f bytes per additional key.", kind.label(), from.keys(), to.keys(),
                    byGrowth.entrySet().stream().map(e -> e.getKey().text() + ": " + String.join(", ", e.getValue()))
                            .collect(Collectors.joining("; ")), heapFrom / 1e6, heapTo / 1e6,
                    (double) (heapTo - heapFrom) / (to.keys() - from.keys())));
        }
        return lines;
    }

    /** {bytes closed, entries} per column: each of {@link #STORES}, and {@link #OTHER} for the rest. */
    static Map<String, long[]> byColumn(StateSize.Point p) {
        Map<String, long[]> g = new LinkedHashMap<>();
        STORES.forEach(st -> g.put(st, new long[2]));
        g.put(OTHER, new long[2]);
        p.bytesClosed().forEach((st, v) -> g.getOrDefault(st, g.get(OTHER))[0] += v);
        p.entries().forEach((st, v) -> g.getOrDefault(st, g.get(OTHER))[1] += v);
        return g;
    }

    private static long loginChangelogs(StateSize.Point p) {
        return p.changelogBytes().entrySet().stream().filter(e -> e.getKey().startsWith("logins-")).mapToLong(Map.Entry::getValue).sum();
    }

    private static String cell(long[] bytesAndEntries) {
        return mb(bytesAndEntries[0]) + " · " + String.format(Locale.ROOT, "%,d", bytesAndEntries[1]);
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    static String mb(long bytes) {
        return bytes < 100_000 ? String.format(Locale.ROOT, "%.2f MB", bytes / 1e6) : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    private static String name(ThroughputScale.Shape shape) {
        return shape.instances() + " inst. × " + shape.partitions() + " part.";
    }

    private static String join(List<Integer> xs) {
        return xs.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String perSecond(double v) {
        return String.format(Locale.ROOT, "%,.0f/s", v);
    }

    private static String rates(List<Double> xs) {
        return xs.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).collect(Collectors.joining(" / "));
    }
}
