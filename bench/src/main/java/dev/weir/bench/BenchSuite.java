package dev.weir.bench;

import dev.weir.agent.bench.AgentBenchmark;
import dev.weir.bench.cpu.Cpu;
import dev.weir.bench.latency.AlertLatencyBench;
import dev.weir.bench.latency.AlertLatencyBench.Side;
import dev.weir.bench.latency.IncidentKind;
import dev.weir.bench.plot.LatencyPlot;
import dev.weir.bench.report.Markdown;
import dev.weir.bench.scale.Cluster;
import dev.weir.bench.scale.DistinctKeys;
import dev.weir.bench.scale.ScaleReport;
import dev.weir.bench.scale.StateSize;
import dev.weir.bench.scale.ThroughputScale;
import dev.weir.bench.stats.Summary;
import dev.weir.processor.bench.ProcessorThroughputBenchmark;
import dev.weir.processor.bench.QuantileAccuracyBenchmark;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.TempDirs;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs Weir's benchmark suite on this machine and writes BENCHMARKS.md (and the alert-latency
 * plot beside it, {@code bench/alert-latency.png}). Every figure is a ratio against a baseline
 * measured in the same run.
 *
 * <pre>bench/run [--quick] [--out BENCHMARKS.md] [--only scale|scale-throughput|scale-state|console]</pre>
 *
 * <p>{@code --only PART} runs one part of section 6 (or all of it, {@code scale}), or section 7 ({@code console}), and nothing
 * else, to try it without running the whole suite; the report then holds only that part and goes
 * to {@code bench/target/BENCHMARKS-PART.md} unless {@code --out} says otherwise.
 *
 * <p>Other arguments, given by {@code bench/run}: {@code --command TEXT} (the command line to print in the report)
 * and {@code --revision TEXT} (the code measured).
 */
public final class BenchSuite {
    private static final PrintStream OUT = System.out;

    private final boolean quick;
    private final String only; // null: everything
    private final Path out;
    private final String command;
    private final String revision;
    private final Path work;
    private final List<String> skipped = new ArrayList<>();
    private final Map<Integer, Markdown> sections = new java.util.TreeMap<>();
    private final Map<Integer, List<String>> headline = new java.util.TreeMap<>();

    private BenchSuite(boolean quick, String only, Path out, String command, String revision, Path work) {
        this.revision = revision;
        this.quick = quick;
        this.only = only;
        this.out = out;
        this.command = command;
        this.work = work;
    }

    /**
     * @param args {@code --quick}, {@code --out FILE}, {@code --only PART}, {@code --command TEXT}, {@code --revision TEXT}
     */
    public static void main(String[] args) {
        boolean quick = false;
        Path out = null;
        String only = null;
        String command = null;
        String revision = "unknown";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> only = value(args, ++i, "--only");
                case "--command" -> command = value(args, ++i, "--command");
                case "--revision" -> revision = value(args, ++i, "--revision");
                default -> {
                    System.err.println("Unknown argument " + args[i] + "; usage: BenchSuite [--quick] [--out BENCHMARKS.md] "
                            + "[--only scale|scale-throughput|scale-state|console]");
                    System.exit(2);
                }
            }
        }
        if (only != null && !List.of("scale", "scale-throughput", "scale-state", "console").contains(only)) {
            System.err.println("Invalid value " + only + " for --only: use scale, scale-throughput, scale-state or console");
            System.exit(2);
        }
        if (out == null) {
            out = only == null ? Path.of("BENCHMARKS.md") : Path.of("bench", "target", "BENCHMARKS-" + only + ".md");
        }
        if (command == null) {
            command = "java dev.weir.bench.BenchSuite " + String.join(" ", args);
        }
        Path work = null;
        int status = 1;
        try {
            work = Files.createTempDirectory("weir-bench-");
            new BenchSuite(quick, only, out.toAbsolutePath(), command, revision, work).run();
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            // a full run leaves gigabytes of broker logs and state; -Dweir.bench.keep-work=true keeps them to look into
            if (work != null && !Boolean.getBoolean("weir.bench.keep-work")) {
                try {
                    TempDirs.delete(work);
                    OUT.println("Work dir " + work + " removed (-Dweir.bench.keep-work=true keeps it)");
                } catch (java.io.UncheckedIOException e) {
                    OUT.println("Could not remove the work dir: " + e.getMessage());
                }
            }
        }
        System.exit(status);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            System.err.println("Missing value for " + name);
            System.exit(2);
        }
        return args[i];
    }

    private Markdown section(int number) {
        return sections.computeIfAbsent(number, n -> new Markdown());
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        double load0 = Cpu.loadAverage();
        OUT.printf("Weir bench suite (%s), work dir %s%n", quick ? "quick" : "full", work);

        if (only == null) {
            attempt("Quantile accuracy", 5, this::quantiles);
        }
        Set<Long> before = Cpu.childPids();
        try (KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"))) {
            ProcessHandle brokerProcess = Cpu.childrenSince(before).stream().findFirst().orElse(null);
            OUT.printf("broker %s%n", broker.bootstrapServers());
            if (only == null) {
                attempt("Alert latency, end to end", 1, () -> alertLatency(broker.bootstrapServers(), brokerProcess));
                deleteAllTopics(broker.bootstrapServers());
                attempt("Processor throughput", 2, () -> processorThroughput(broker.bootstrapServers(), brokerProcess));
                attempt("Agent throughput", 4, () -> agentThroughput(broker.bootstrapServers(), brokerProcess));
                deleteAllTopics(broker.bootstrapServers());
            }
            if (only == null || only.equals("console")) {
                attempt("Console first paint", 7, () -> consoleFirstPaint(broker.bootstrapServers()));
            }
            if (only == null || only.startsWith("scale")) {
                attempt("Scale", 6, () -> scale(broker.bootstrapServers(), brokerProcess));
            }
        }
        if (only == null) {
            sinkThroughput();
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        write(startedAt, minutes, load0, Cpu.loadAverage());
        OUT.printf("wrote %s in %.1f min%n", out, minutes);
    }

    /** One part of the suite. */
    @FunctionalInterface
    private interface Part {
        void run() throws Exception;
    }

    /**
     * Runs a part; when it fails, the report says so and the suite goes on with the next part
     * (one stuck or broken measurement must not cost the whole run's figures).
     */
    private void attempt(String name, int number, Part part) {
        try {
            part.run();
        } catch (Exception e) {
            OUT.printf("%s FAILED: %s%n", name, e);
            e.printStackTrace(OUT);
            skipped.add(name.toLowerCase(Locale.ROOT) + ": failed in this run (" + e + "); the suite's output has the stack trace");
            section(number).linef("## %d. %s", number, name).blank().linef("**Failed in this run:** `%s`", e).blank();
        }
    }

    // ---------------------------------------------------------------- alert latency

    private AlertLatencyBench.Result alertLatency(String bootstrap, ProcessHandle broker) throws Exception {
        AlertLatencyBench.Settings s = quick
                ? new AlertLatencyBench.Settings(30, Duration.ofMillis(500), false, 200, Duration.ofSeconds(6), Duration.ofSeconds(30))
                : new AlertLatencyBench.Settings(150, Duration.ofSeconds(1), true, 200, Duration.ofSeconds(20), Duration.ofSeconds(120));
        int perKind = s.incidents() / IncidentKind.values().length;
        OUT.printf("== alert latency: %d incidents (%d per kind)%s%n", s.incidents(), perKind,
                s.seedsTimings() ? " (with the seeds' timings)" : "");
        AlertLatencyBench.Result r = AlertLatencyBench.run(bootstrap, broker, work.resolve("alert-latency"), s, OUT);
        if (!s.seedsTimings()) {
            skipped.add("Prometheus + Alertmanager with the seeds' timings (15 s scrape/evaluation, group_wait 30s): skipped in --quick, "
                    + "because each of its alerts takes 45–60 s, which does not fit the 3-minute budget; the full run measures it");
        }
        Markdown m = section(1);
        m.line("## 1. Alert latency, end to end (headline)").blank();
        m.linef("**What is measured:** from `KafkaProducer.send()` of the *crossing event* to the arrival of the first request naming the "
                + "incident's service at a local Slack stub (JDK `HttpServer` in the bench JVM, time taken on entering the handler). "
                + "All sides see the **same traffic at the same time** and post to the same stub on different paths.").blank();
        m.linef("**Traffic:** %d background requests/s over 10 services (1%% 503) plus %d log lines/s, on `weir.raw.requests` / "
                + "`weir.raw.logs` (3 partitions, key = service, producer = `KafkaClients.producer`: acks=all, idempotent, lz4, linger 5 ms). "
                + "%d measured incidents (%s), one starting at a random point of each %d ms slot after %d s of warm-up, the three kinds "
                + "taking turns (3 unmeasured warm-up incidents, one of each kind). An incident is a fresh service (`inc-NNNN`, so every "
                + "alert is a new group everywhere) sending one event every 100 ms until every side has alerted (or %d s after its "
                + "crossing event):", s.backgroundRequests(), s.backgroundRequests() / 4, s.incidents(),
                java.util.Arrays.stream(IncidentKind.values()).map(k -> r.incidents(k) + " " + k.label() + "s")
                        .collect(Collectors.joining(", ")), s.spacing().toMillis(), s.warmup().toSeconds(), s.timeout().toSeconds()).blank();
        m.linef("- **error spike**: `GET /checkout` requests, %d answered 200, then only 500s. *Crossing event:* the %s 500 (event %d "
                + "of the incident), the first event after which the service's 5xx share over the last 30 s is above %d%% (51 of 101) "
                + "with at least %d events in the window. Weir: `error_ratio > 50%%` over 30 s, `min_events: %d`; Prometheus: the 5xx share "
                + "of `rate(http_requests_total[30s])` by service above 0.5.", IncidentKind.HEALTHY,
                ordinal(IncidentKind.ERROR_SPIKE.crossingIndex() + 1 - IncidentKind.HEALTHY), IncidentKind.ERROR_SPIKE.crossingIndex() + 1,
                IncidentKind.ERROR_PERCENT, IncidentKind.MIN_EVENTS, IncidentKind.MIN_EVENTS);
        m.linef("- **latency regression**: `GET /checkout` requests, all answered 200, %d of 20–50 ms, then only %d ms ones. "
                + "*Crossing event:* the %s slow request (event %d), the first event after which more than 5%% of the window's "
                + "requests are above %d s (%d of %d) with at least %d events — so the nearest-rank p95 is above %d s. Weir: "
                + "`latency_quantile` with `quantile: 0.95` over 30 s, `threshold: 2s`, `min_events: %d` (its crossing decision is the "
                + "exact nearest rank); Prometheus: `histogram_quantile(0.95, sum by (service, le) "
                + "(rate(http_request_duration_seconds_bucket[30s]))) > 2` over the processor's default buckets (a 3 s request falls "
                + "in the 2.5–5 s bucket, so the estimate is above 2.5 s as soon as more than 5%% of the rate is there).",
                IncidentKind.HEALTHY, IncidentKind.SLOW_MS, ordinal(IncidentKind.LATENCY_REGRESSION.crossingIndex() + 1 - IncidentKind.HEALTHY),
                IncidentKind.LATENCY_REGRESSION.crossingIndex() + 1, IncidentKind.LATENCY_THRESHOLD_SECONDS,
                IncidentKind.LATENCY_REGRESSION.crossingIndex() + 1 - IncidentKind.HEALTHY, IncidentKind.LATENCY_REGRESSION.crossingIndex() + 1,
                IncidentKind.MIN_EVENTS, IncidentKind.LATENCY_THRESHOLD_SECONDS, IncidentKind.MIN_EVENTS);
        m.linef("- **login burst**: only failed logins from one fresh source IP: ECS log events on `weir.raw.logs` with "
                + "`event.category: authentication`, `event.outcome: failure`, `source.ip`, `user.name` (a few common names) and "
                + "`service.name`. *Crossing event:* the %s failure (event %d), the first after which more than %d failures lie in the "
                + "last minute. Weir: `failed_logins > %d` over 1m, `group_by: [service, source_ip]`; Prometheus: "
                + "`sum by (service) (increase(failed_login_attempts_total[1m])) > 10` (the processor's counter has only a `service` "
                + "label, which is why the service is fresh too).", ordinal(IncidentKind.LOGIN_BURST.crossingIndex() + 1),
                IncidentKind.LOGIN_BURST.crossingIndex() + 1, IncidentKind.LOGIN_THRESHOLD, IncidentKind.LOGIN_THRESHOLD).blank();
        m.line("All of an incident's events up to its crossing event lie within the rule's window of it. Weir's rules fire exactly on "
                + "the crossing event; Prometheus sees the same condition through `rate()` / `increase()` over its scrapes.").blank();
        m.line("**Group wait:** the headline comparison uses `group_wait: 0s` on both sides (Weir's emitter and the tuned Alertmanager); "
                + "the seeds'-timings run uses the seeds' `group_wait: 30s` and 15 s scrape/evaluation.").blank();
        List<List<String>> rows = new ArrayList<>();
        for (IncidentKind kind : IncidentKind.values()) {
            for (Side side : r.sides()) {
                rows.add(latencyRow(kind.label(), side, r.latenciesMs().get(side).get(kind), r.missed().get(side).get(kind)));
            }
        }
        for (Side side : r.sides()) {
            rows.add(latencyRow("**all kinds**", side, r.all(side), r.allMissed(side)));
        }
        m.table(List.of("incident", "side", "alerts", "median", "p99", "max", "min", "arrived before the crossing event", "missed"), rows);
        m.line("An alert that arrives before the crossing event has a negative latency and is counted as such (it lowers that side's "
                + "median). Prometheus can fire early on a fresh service because `rate()` does not count the increments before a "
                + "series' first scrape, so it sees fewer healthy requests than were sent; Weir's counts are exact.").blank();
        List<Double> weir = r.all(Side.WEIR);
        List<Double> tuned = r.all(Side.PROMETHEUS_TUNED);
        if (!weir.isEmpty() && !tuned.isEmpty()) {
            Summary w = Summary.of(weir);
            Summary t = Summary.of(tuned);
            m.linef("Over all kinds, Weir's median is **%.1f×** faster than tuned Prometheus + Alertmanager (%s vs %s), its p99 %.1f× "
                    + "(%s vs %s).",
                    t.median() / w.median(), ms(w.median()), ms(t.median()), t.p99() / w.p99(), ms(w.p99()), ms(t.p99()));
            String seedsText = "";
            if (r.latenciesMs().containsKey(Side.PROMETHEUS_SEEDS) && !r.all(Side.PROMETHEUS_SEEDS).isEmpty()) {
                Summary sd = Summary.of(r.all(Side.PROMETHEUS_SEEDS));
                m.linef("Against the seeds' timings: %.0f× (%s).", sd.median() / w.median(), ms(sd.median()));
                seedsText = "; seeds' timings median " + ms(sd.median());
            }
            m.blank();
            headline.put(1, List.of("alert latency, event produced → Slack stub (group_wait 0s both sides), all " + weir.size()
                    + " alerts of error spikes, latency regressions and login bursts",
                    "median " + ms(w.median()) + ", p99 " + ms(w.p99()) + ", max " + ms(w.max()),
                    "Prometheus + Alertmanager tuned: median " + ms(t.median()) + ", p99 " + ms(t.p99()) + seedsText,
                    String.format(Locale.ROOT, "%.1f× faster (median)", t.median() / w.median()), "median ≤ 250 ms, p99 ≤ 1 s",
                    w.median() <= 250 && w.p99() <= 1000 ? "yes" : "**no**"));
        }
        m.line("![alert latency distributions](bench/alert-latency.png)").blank();
        m.linef("**CPU** during the %.0f s of traffic (%,d raw events produced):", r.seconds(), r.eventsSent()).blank();
        List<List<String>> cpuRows = new ArrayList<>();
        for (Map.Entry<String, Double> e : r.cpuSeconds().entrySet()) {
            cpuRows.add(List.of(e.getKey(), String.format(Locale.ROOT, "%.1f", e.getValue()),
                    String.format(Locale.ROOT, "%.0f", e.getValue() / (r.eventsSent() / 1e6))));
        }
        m.table(List.of("process", "CPU s", "CPU s per million events"), cpuRows);
        m.line("Prometheus's and Alertmanager's CPU does not grow with events but with series and scrapes; per million events is given "
                + "for comparison only. Weir's processor and emitter run inside the bench JVM, so its figure also holds the traffic "
                + "generator and the Slack stub; at a few hundred events/s it is dominated by fixed costs (a transaction commit every "
                + "100 ms under exactly_once_v2, polling), not by per-event work — §2 has the per-event cost at full load.").blank();
        m.line("<details><summary>Configuration used</summary>").blank();
        for (Map.Entry<String, String> e : r.configs().entrySet()) {
            m.line("**" + e.getKey() + "**").blank();
            m.code("yaml", e.getValue());
            m.blank();
        }
        m.line("Processor: `ProcessorConfig.defaults(bootstrap)` (exactly_once_v2, commit interval 100 ms, "
                + ProcessorConfig.defaultStreamThreads() + " stream thread(s): one per core, 3 partitions) "
                + "with the rule file above and a 1 s evaluation interval; emitter: `EmitterApp` with Kafka (notification log in "
                + "`weir.notifications`). Prometheus 2.42 and Alertmanager 0.25 (Debian packages), Alertmanager with clustering off.").blank();
        m.line("</details>").blank();
        plot(r);
        return r;
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static List<String> latencyRow(String incident, Side side, List<Double> l, int missed) {
        if (l.isEmpty()) {
            return List.of(incident, side.label(), "0", "–", "–", "–", "–", "–", Integer.toString(missed));
        }
        Summary sum = Summary.of(l);
        return List.of(incident, side.label(), Integer.toString(sum.count()), ms(sum.median()), ms(sum.p99()), ms(sum.max()),
                ms(sum.min()), Long.toString(l.stream().filter(v -> v <= 0).count()), Integer.toString(missed));
    }

    private void plot(AlertLatencyBench.Result r) throws IOException {
        List<LatencyPlot.Series> series = new ArrayList<>();
        Map<Side, Color> colors = Map.of(Side.WEIR, new Color(0, 114, 178), Side.PROMETHEUS_TUNED, new Color(230, 159, 0),
                Side.PROMETHEUS_SEEDS, new Color(213, 94, 0));
        Map<Side, String> names = Map.of(Side.WEIR, "Weir", Side.PROMETHEUS_TUNED, "Prom+AM tuned",
                Side.PROMETHEUS_SEEDS, "Prom+AM seeds' timings");
        // rows grouped by incident kind, one colour per side
        for (IncidentKind kind : IncidentKind.values()) {
            for (Side side : r.sides()) {
                List<Double> l = r.latenciesMs().get(side).get(kind);
                if (!l.isEmpty()) {
                    series.add(new LatencyPlot.Series(kind.label() + " · " + names.get(side), l, colors.get(side)));
                }
            }
        }
        if (series.isEmpty()) {
            return;
        }
        Path png = out.resolveSibling("bench").resolve("alert-latency.png");
        new LatencyPlot(1300, 120 + 80 * series.size(), "Alert latency, crossing event produced → Slack stub ("
                + (quick ? "--quick, " : "") + r.settings().incidents() + " incidents, group_wait 0s except seeds' timings 30s)")
                .write(png, series);
        OUT.printf("plot: %s%n", png);
    }

    // ---------------------------------------------------------------- quantiles

    private void quantiles() {
        OUT.println("== quantile accuracy");
        int samples = 1_000_000;
        double cpu0 = Cpu.jvmSeconds();
        long t0 = System.nanoTime();
        String text = capture(() -> QuantileAccuracyBenchmark.main(new String[] {Integer.toString(samples), "42"}));
        double cpu = Cpu.jvmSeconds() - cpu0;
        double secs = (System.nanoTime() - t0) / 1e9;
        Markdown m = section(5);
        m.line("## 5. Quantile accuracy").blank();
        m.linef("`dev.weir.processor.bench.QuantileAccuracyBenchmark %d 42`, in the bench JVM: %,d latencies from each of three "
                + "distributions; Weir's DDSketch (1%% relative accuracy) against the exact nearest-rank quantile of the same samples, "
                + "and `histogram_quantile` over Prometheus's default buckets on the same samples for contrast. %.1f s, %.2f CPU s "
                + "(%.2f CPU s per million samples).", samples, samples, secs, cpu, cpu / (3 * samples / 1e6)).blank();
        double worst = 0;
        Pattern worstLine = Pattern.compile("worst sketch error ([0-9.]+)%");
        for (String line : text.split("\n")) {
            Matcher wm = worstLine.matcher(line);
            if (wm.find()) {
                worst = Math.max(worst, Double.parseDouble(wm.group(1)));
                m.line("- " + line.strip());
            }
        }
        m.blank();
        for (String line : text.split("\n")) {
            if (line.startsWith("|")) {
                m.line(line);
            }
        }
        m.blank();
        headline.put(5, List.of("latency quantile error p50…p99.9", String.format(Locale.ROOT, "worst %.3f%% relative", worst),
                "exact quantiles of the same 1M samples (Prometheus default buckets: see §5)", "–", "≤ 1%", worst <= 1 ? "yes" : "**no**"));
    }

    // ---------------------------------------------------------------- processor throughput

    private record Snapshot(String line, double jvmCpu, double brokerCpu) {
    }

    private void processorThroughput(String bootstrap, ProcessHandle broker) throws Exception {
        // the full suite runs the 5M-event workload: 3 rounds of bare consumer, bare loop and exactly_once_v2,
        // and one at_least_once run (each processor run takes minutes; 3 of them would not fit the 20-minute budget)
        int events = quick ? 50_000 : 5_000_000;
        int repeats = quick ? 1 : 3;
        int atLeastOnceRepeats = 1;
        OUT.printf("== processor throughput: %d events, %d repeats (%d at_least_once)%n", events, repeats, atLeastOnceRepeats);
        List<Snapshot> snaps = new ArrayList<>();
        snaps.add(new Snapshot("start", Cpu.jvmSeconds(), brokerCpu(broker)));
        PrintStream progress = lines(line -> {
            OUT.println("  " + line);
            snaps.add(new Snapshot(line, Cpu.jvmSeconds(), brokerCpu(broker)));
        });
        ProcessorThroughputBenchmark.Result r = ProcessorThroughputBenchmark.run(bootstrap, events, repeats, atLeastOnceRepeats,
                work.resolve("throughput"), progress);
        progress.flush();
        Map<String, List<double[]>> cpuByMode = new LinkedHashMap<>();
        for (int i = 1; i < snaps.size(); i++) {
            String mode = snaps.get(i).line().startsWith("consume-only") ? "bare consumer"
                    : snaps.get(i).line().startsWith("bare") ? "bare loop"
                    : snaps.get(i).line().startsWith("transactional bare") ? "transactional bare loop"
                    : snaps.get(i).line().startsWith("Kafka Streams floor") ? "Kafka Streams floor"
                    : snaps.get(i).line().contains("1 stream thread") ? "processor exactly_once_v2, 1 thread"
                    : snaps.get(i).line().contains("exactly_once_v2") ? "processor exactly_once_v2"
                    : snaps.get(i).line().contains("at_least_once") ? "processor at_least_once" : "loading raw events";
            double perM = r.events() / 1e6;
            cpuByMode.computeIfAbsent(mode, k -> new ArrayList<>()).add(new double[] {
                    (snaps.get(i).jvmCpu() - snaps.get(i - 1).jvmCpu()) / perM,
                    (snaps.get(i).brokerCpu() - snaps.get(i - 1).brokerCpu()) / perM});
        }
        List<Double> eosRatios = new ArrayList<>();
        List<Double> alosRatios = new ArrayList<>();
        List<Double> consumeRatios = new ArrayList<>();
        List<Double> txRatios = new ArrayList<>();
        List<Double> floorRatios = new ArrayList<>();
        List<Double> eosToFloor = new ArrayList<>();
        List<Double> oneThreadRatios = new ArrayList<>();
        for (int i = 0; i < r.bare().size(); i++) {
            eosRatios.add(r.exactlyOnce().get(i) / r.bare().get(i));
            consumeRatios.add(r.consumeOnly().get(i) / r.bare().get(i));
            txRatios.add(r.bareTransactional().get(i) / r.bare().get(i));
            floorRatios.add(r.streamsFloor().get(i) / r.bare().get(i));
            eosToFloor.add(r.exactlyOnce().get(i) / r.streamsFloor().get(i));
        }
        for (int i = 0; i < r.atLeastOnce().size(); i++) {
            alosRatios.add(r.atLeastOnce().get(i) / r.bare().get(i));
        }
        for (int i = 0; i < r.exactlyOnceOneThread().size(); i++) {
            oneThreadRatios.add(r.exactlyOnceOneThread().get(i) / r.bare().get(i));
        }
        double eos = Summary.median(eosRatios);
        Markdown m = section(2);
        m.line("## 2. Processor throughput").blank();
        m.linef("`ProcessorThroughputBenchmark.run(bootstrap, %d, %d, %d, …)` against the suite's broker (fresh topics): %,d realistic raw "
                + "events (65%% requests, 5%% logins, 30%% ECS logs with stack traces and e-mail addresses to redact; 20 services; each line with the file-line id, file path and offset an agent tailing the service's access or app log gives it) "
                + "pre-loaded on `weir.raw.*` (3 partitions). Baselines over the same topics: (a) a bare consumer that only reads the "
                + "bytes, (b) a bare consume → Jackson parse → re-serialise → produce loop (the goal's baseline), (c) loop (b) made "
                + "exactly-once by hand: a transactional producer, and the consumed offsets committed in the transaction every "
                + "commit interval (what the guarantee itself costs), (d) the same "
                + "work as (b) done by a Kafka Streams application under exactly_once_v2 with the processor's stream threads and "
                + "commit interval (`StreamsFloor`: no state, no internal topics; what the framework adds). Processor: "
                + "`ProcessorApp` with normalise, redact, all measures and the default rule pack, %d stream thread(s) (the default: "
                + "one per core), 100 ms commits, "
                + "timed from RUNNING until the measuring stage counted every event (events counted before RUNNING, which a first stream thread processes while the second is joining, are left out). Each round runs (a), (b), (c), (d), exactly_once_v2, and "
                + "in the first %d round(s) at_least_once and, when the default is more than one thread, exactly_once_v2 with 1 "
                + "stream thread; medians of %d rounds (at_least_once: of its runs). Every ratio is to the "
                + "bare loop of the same round.", events, repeats, atLeastOnceRepeats, r.events(), ProcessorThroughputBenchmark.streamThreads(),
                atLeastOnceRepeats, repeats).blank();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("(a) bare consumer, bytes only", rates(r.consumeOnly()), perSecond(r.consumeOnlyMedian()),
                String.format(Locale.ROOT, "%.2f", Summary.median(consumeRatios)), cpuText(cpuByMode.get("bare consumer"))));
        rows.add(List.of("(b) bare loop", rates(r.bare()), perSecond(r.bareMedian()), "1.00", cpuText(cpuByMode.get("bare loop"))));
        rows.add(List.of("(c) bare loop in transactions (exactly-once by hand, 1 thread)", rates(r.bareTransactional()),
                perSecond(r.bareTransactionalMedian()), String.format(Locale.ROOT, "%.2f", Summary.median(txRatios)),
                cpuText(cpuByMode.get("transactional bare loop"))));
        rows.add(List.of("(d) Kafka Streams floor: (b)'s work in Kafka Streams, exactly_once_v2", rates(r.streamsFloor()),
                perSecond(r.streamsFloorMedian()), String.format(Locale.ROOT, "%.2f", Summary.median(floorRatios)),
                cpuText(cpuByMode.get("Kafka Streams floor"))));
        rows.add(List.of("processor exactly_once_v2", rates(r.exactlyOnce()), perSecond(r.exactlyOnceMedian()),
                String.format(Locale.ROOT, "**%.2f**", eos), cpuText(cpuByMode.get("processor exactly_once_v2"))));
        rows.add(List.of("processor at_least_once", rates(r.atLeastOnce()), perSecond(r.atLeastOnceMedian()),
                String.format(Locale.ROOT, "%.2f", Summary.median(alosRatios)), cpuText(cpuByMode.get("processor at_least_once"))));
        if (!oneThreadRatios.isEmpty()) {
            rows.add(List.of("processor exactly_once_v2, 1 stream thread", rates(r.exactlyOnceOneThread()),
                    perSecond(r.exactlyOnceOneThreadMedian()), String.format(Locale.ROOT, "%.2f", Summary.median(oneThreadRatios)),
                    cpuText(cpuByMode.get("processor exactly_once_v2, 1 thread"))));
        }
        m.table(List.of("run", "events/s per run", "median events/s", "ratio to bare (median of per-run ratios)",
                "CPU s per million events: bench JVM / broker (median)"), rows);
        m.line("CPU per mode is the JVM's and the broker's CPU between two progress lines of the benchmark, so a processor run's figure "
                + "also holds re-creating the output topics and starting Kafka Streams; the JVM figure of the bare loop holds its "
                + "consumer and producer.").blank();
        double floor = Summary.median(floorRatios);
        m.linef("Where the distance from (b) goes (medians of per-round ratios): exactly-once by hand, (c), runs at %.2f× of (b); "
                + "the same work in Kafka Streams, (d), at %.2f× of (b); the processor at %.2f× of (d), the bare loop's work in the "
                + "same framework with the same guarantee. So", Summary.median(txRatios), floor, Summary.median(eosToFloor))
                .line(floor <= 0.5 ? "no Kafka Streams application under exactly_once_v2 reaches the goal (0.5× of (b)) in this run, "
                        + "whatever it does per event."
                        : String.format(Locale.ROOT, "the goal, 0.5× of (b), means running at %.2f× of (d): Weir's own work (normalise, "
                        + "redact, measures, rules, their state) could add at most %.0f%% to the framework's cost per event.",
                        0.5 / floor, 100 * (floor / 0.5 - 1))).blank();
        m.line("What exactly-once costs: compare the two processor rows (same events, same commit interval); where the processor "
                + "spends its time, and why it is far from 0.5×, is in [docs/performance-history.md](docs/performance-history.md).")
                .blank();
        headline.put(2, List.of("stream-processor events/s, all analytics, exactly_once_v2", perSecond(r.exactlyOnceMedian()),
                "bare consume → Jackson parse → produce loop: " + perSecond(r.bareMedian()),
                String.format(Locale.ROOT, "%.2f×", eos), "≥ 0.5×", eos >= 0.5 ? "yes" : "**no**"));
    }

    private static String cpuText(List<double[]> values) {
        if (values == null || values.isEmpty()) {
            return "–";
        }
        double jvm = Summary.median(values.stream().map(v -> v[0]).toList());
        double broker = Summary.median(values.stream().map(v -> v[1]).toList());
        return String.format(Locale.ROOT, "%.1f / %.1f", jvm, broker);
    }

    private static double brokerCpu(ProcessHandle broker) {
        return broker == null ? Double.NaN : Cpu.seconds(broker);
    }

    // ---------------------------------------------------------------- agent

    private void agentThroughput(String bootstrap, ProcessHandle broker) throws Exception {
        int lines = quick ? 100_000 : 2_000_000; // 500k made rounds of ~0.4 s per side, the noisiest figure of the suite
        OUT.printf("== agent throughput: %d lines%n", lines);
        double jvm0 = Cpu.jvmSeconds();
        double broker0 = brokerCpu(broker);
        String text = AgentBenchmark.run(bootstrap, lines, work.resolve("agent"));
        double jvm = Cpu.jvmSeconds() - jvm0;
        double brokerCpu = brokerCpu(broker) - broker0;
        OUT.print(text);
        Pattern round = Pattern.compile("round (\\d+): bare producer ([0-9.]+) events/s, agent ([0-9.]+) events/s, ratio ([0-9.]+)");
        List<List<String>> rows = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        List<Double> agent = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = round.matcher(line);
            if (m.find()) {
                bare.add(Double.parseDouble(m.group(2)));
                agent.add(Double.parseDouble(m.group(3)));
                ratios.add(agent.get(agent.size() - 1) / bare.get(bare.size() - 1));
                rows.add(List.of(m.group(1), perSecond(bare.get(bare.size() - 1)), perSecond(agent.get(agent.size() - 1)),
                        String.format(Locale.ROOT, "%.2f", ratios.get(ratios.size() - 1))));
            }
        }
        Markdown md = section(4);
        md.line("## 4. Agent throughput (file → Kafka)").blank();
        md.linef("`AgentBenchmark.run(bootstrap, %d, dir)` against the suite's broker: %,d logstash-logback-encoder JSON lines (~245 bytes) in a "
                + "file; per round a bare `KafkaProducer` (same settings: acks=all, idempotent, lz4, linger 5 ms, batch 256 KiB) sends "
                + "each line, then an `AgentApp` tails the same file (`json` parser) to its own fresh single-partition topic; each side's "
                + "time ends at its last acknowledgement. The benchmark always runs 3 rounds (also in --quick).", lines, lines).blank();
        if (ratios.isEmpty()) {
            md.line("The benchmark's output could not be read:").blank().code("", text);
            skipped.add("agent throughput: output not recognised");
            return;
        }
        rows.add(List.of("**median**", perSecond(Summary.median(bare)), perSecond(Summary.median(agent)),
                String.format(Locale.ROOT, "**%.2f**", Summary.median(ratios))));
        md.table(List.of("round", "bare producer", "agent", "ratio"), rows);
        md.linef("CPU over the whole benchmark (3 rounds × both sides = %,d lines sent): bench JVM %.1f s (%.1f s per million lines), "
                + "broker %.1f s (%.1f s per million lines). The two sides run in the same JVM one after the other and are not "
                + "separated.", 6L * lines, jvm, jvm / (6 * lines / 1e6), brokerCpu, brokerCpu / (6 * lines / 1e6)).blank();
        double ratio = Summary.median(ratios);
        headline.put(4, List.of("agent file → Kafka", perSecond(Summary.median(agent)), "bare KafkaProducer: " + perSecond(Summary.median(bare)),
                String.format(Locale.ROOT, "%.2f×", ratio), "≥ 0.8×", ratio >= 0.8 ? "yes" : "**no**"));
    }

    // ---------------------------------------------------------------- console

    private void consoleFirstPaint(String bootstrap) throws Exception {
        int rounds = quick ? 5 : 15;
        OUT.printf("== console first paint: 500 services, %d navigations per side%n", rounds);
        dev.weir.bench.console.ConsoleFirstPaint.Result r = dev.weir.bench.console.ConsoleFirstPaint.run(bootstrap, 500, rounds,
                work.resolve("console"), OUT);
        double console = Summary.median(r.consoleMs());
        double bare = Summary.median(r.staticMs());
        Markdown m = section(7);
        m.line("## 7. Console: first paint of the Services page").blank();
        m.linef("`ConsoleFirstPaint.run(bootstrap, 500, %d, dir)` (bench module, package `dev.weir.bench.console`): a `ProcessorApp` on the "
                + "suite's broker measures 4 requests each of 500 services; a `ConsoleApp` renders `/services` from its `/api/v1/overview` "
                + "(%,d bytes of HTML); headless Chromium (Debian's `chromium`, Selenium) navigates to it %d times and reads "
                + "`first-contentful-paint` after each navigation (from navigation start: request, the console's reads of the processor "
                + "and the emitter, rendering, transfer, parsing, styles, paint). Baseline beside it: the same HTML bytes served as a "
                + "static file by a bare JDK HTTP server (styles and scripts fetched from the console, as the page's are), navigated "
                + "alternately with the console's page. No assertion anywhere: these are figures.", rounds, r.htmlBytes(), rounds).blank();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < r.consoleMs().size(); i++) {
            rows.add(List.of(Integer.toString(i + 1), String.format(Locale.ROOT, "%.0f ms", r.consoleMs().get(i)),
                    String.format(Locale.ROOT, "%.0f ms", r.staticMs().get(i))));
        }
        rows.add(List.of("**median**", String.format(Locale.ROOT, "**%.0f ms**", console), String.format(Locale.ROOT, "%.0f ms", bare)));
        m.table(List.of("navigation", "console /services", "same HTML, static"), rows);
        headline.put(8, List.of("console, Services page with 500 services: first paint", String.format(Locale.ROOT, "%.0f ms", console),
                String.format(Locale.ROOT, "same HTML served statically: %.0f ms", bare), String.format(Locale.ROOT, "%.2f×", console / bare),
                "≤ 1 s", console <= 1000 ? "yes" : "**no**"));
    }

    // ---------------------------------------------------------------- sink

    private void sinkThroughput() throws Exception {
        Markdown m = section(3);
        m.line("## 3. Sink throughput (Kafka → Elasticsearch)").blank();
        if (quick) {
            m.line("Not measured in --quick: it starts its own Kafka and Elasticsearch (about a minute before the first document).").blank();
            skipped.add("sink throughput: not measured in --quick (Elasticsearch start-up does not fit 3 minutes)");
            headline.put(3, List.of("sink-elastic docs/s", "not measured (--quick)", "direct bulk loader", "–", "≥ 0.9×", "–"));
            return;
        }
        int docs = 100_000;
        List<String> jvmOptions = List.of(
                "-Dmaven.repo.local=" + System.getProperty("maven.repo.local", Path.of(System.getProperty("user.home"), ".m2", "repository").toString()),
                "-Dweir.log.target=JSON_FILE", "-Dweir.log.file=" + work.resolve("sink-bench.log"),
                "-Dweir.bench.keep-work=" + Boolean.getBoolean("weir.bench.keep-work"));
        OUT.printf("== sink throughput: %d docs, bulk 2000 × 2 (child JVM)%n", docs);
        // a child JVM, so that its CPU and that of the broker and Elasticsearch it starts can be told apart; it and they
        // halt when this JVM goes (ChildJvm)
        Path output = work.resolve("sink-bench.out");
        Process p = ChildJvm.launch(output, jvmOptions, "dev.weir.sink.bench.SinkBenchmark",
                List.of(Integer.toString(docs), "20000", "2000", "2"));
        Map<Long, Double> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(12);
        boolean stopped = false;
        while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
            sampleCpu(p.toHandle(), cpu, names);
            p.descendants().forEach(d -> sampleCpu(d, cpu, names));
            if (System.nanoTime() > deadline) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                stopped = true;
                break;
            }
        }
        StringBuilder text = new StringBuilder(Files.readString(output, StandardCharsets.UTF_8));
        if (stopped) {
            text.append("(stopped after 12 minutes)\n");
        }
        OUT.print(text);
        Pattern run = Pattern.compile("run (\\d+)\\s+direct\\s+([0-9.]+) docs/s\\s+sink\\s+([0-9.]+) docs/s\\s+ratio ([0-9.]+)");
        List<List<String>> rows = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        List<Double> sink = new ArrayList<>();
        for (String line : text.toString().split("\n")) {
            Matcher mm = run.matcher(line);
            if (mm.find()) {
                direct.add(Double.parseDouble(mm.group(2)));
                sink.add(Double.parseDouble(mm.group(3)));
                ratios.add(Double.parseDouble(mm.group(4)));
                rows.add(List.of(mm.group(1), perSecond(direct.get(direct.size() - 1)), perSecond(sink.get(sink.size() - 1)), mm.group(4)));
            }
        }
        m.linef("`dev.weir.sink.bench.SinkBenchmark %d 20000 2000 2` in a child JVM: it starts "
                + "its own KRaft broker and Elasticsearch 8.19 (integ-test zip), warms both paths up, then 3 pairs: a direct bulk loader "
                + "sends %,d already-serialised ECS documents (`elasticsearch-java`, bulk 2000, 2 in flight) and `SinkApp` indexes the "
                + "same number of Avro `LogEvent`s from `weir.logs` with the same bulk size and concurrency. Bulk size and concurrency "
                + "are fixed at sink-elastic's defaults (its grid search is skipped to keep the suite under 20 minutes). See "
                + "sink-elastic/BENCHMARKS.md.", docs, docs).blank();
        if (ratios.isEmpty()) {
            m.line("Not measured: the benchmark did not print its results; its output ends:").blank();
            String[] all = text.toString().split("\n");
            m.code("", String.join("\n", List.of(all).subList(Math.max(0, all.length - 15), all.length)));
            m.blank();
            skipped.add("sink throughput: SinkBenchmark failed (see its output in BENCHMARKS.md)");
            headline.put(3, List.of("sink-elastic docs/s", "not measured (benchmark failed)", "direct bulk loader", "–", "≥ 0.9×", "–"));
            return;
        }
        double ratio = Summary.median(ratios);
        rows.add(List.of("**median**", perSecond(Summary.median(direct)), perSecond(Summary.median(sink)),
                String.format(Locale.ROOT, "**%.2f**", ratio)));
        m.table(List.of("pair", "direct bulk loader docs/s", "sink docs/s", "ratio"), rows);
        double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        long sent = 2L * 3 * docs;
        m.linef("CPU of the child JVM and everything it started (broker, Elasticsearch), whole run including start-up and warm-up: "
                + "%.1f s, %.1f s per million documents indexed (%,d measured documents, both sides): %s.", total, total / (sent / 1e6), sent,
                cpu.entrySet().stream().sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(b, a)))
                        .map(e -> String.format(Locale.ROOT, "%s %.1f s", names.get(e.getKey()), e.getValue())).collect(Collectors.joining(", "))).blank();
        headline.put(3, List.of("sink-elastic docs/s", perSecond(Summary.median(sink)), "direct bulk loader: " + perSecond(Summary.median(direct)),
                String.format(Locale.ROOT, "%.2f×", ratio), "≥ 0.9×", ratio >= 0.9 ? "yes" : "**no**"));
    }

    private static void sampleCpu(ProcessHandle h, Map<Long, Double> cpu, Map<Long, String> names) {
        double s = Cpu.seconds(h);
        if (!Double.isNaN(s)) {
            cpu.merge(h.pid(), s, Math::max);
            names.computeIfAbsent(h.pid(), pid -> {
                String c = h.info().command().orElse("?");
                String args = String.join(" ", h.info().arguments().orElse(new String[0]));
                String kind = args.contains("elasticsearch") ? "Elasticsearch" : args.contains("Kafka") || args.contains("kafka") ? "Kafka broker"
                        : args.contains("SinkBenchmark") ? "benchmark JVM" : Path.of(c).getFileName().toString();
                return kind + " (pid " + pid + ")";
            });
        }
    }

    // ---------------------------------------------------------------- scale

    private void scale(String bootstrap, ProcessHandle broker) throws Exception {
        Markdown m = section(6);
        m.line("## 6. Scale").blank();
        m.line("How throughput changes with processor instances and partitions on this machine, and how the processor's state grows "
                + "with distinct services, routes, users and IPs. See docs/performance-history.md, \"Login detector state size\", "
                + "for what the figures mean for the login detector.").blank();
        String mode = quick ? " in --quick" : "";
        if (only == null || !only.equals("scale-state")) {
            ThroughputScale.Settings s = quick
                    ? new ThroughputScale.Settings(50_000, 1, List.of(3, 12), List.of(1, 2))
                    : new ThroughputScale.Settings(200_000, 3, List.of(3, 6, 12), List.of(1, 2));
            OUT.printf("== scale: throughput, %d events, %d repeats, partitions %s, instances %s%n", s.events(), s.repeats(),
                    s.partitions(), s.instances());
            ThroughputScale.Result r = ThroughputScale.run(bootstrap, broker, s, work.resolve("scale"), lines(line -> OUT.println("  " + line)));
            headline.put(6, ScaleReport.throughput(m, r, "`ThroughputScale.run` (bench module, package `dev.weir.bench.scale`)" + mode));
        }
        if (only == null || !only.equals("scale-throughput")) {
            Map<DistinctKeys, List<Integer>> plan = new LinkedHashMap<>();
            plan.put(DistinctKeys.SERVICES, quick ? List.of(1_000, 10_000) : List.of(1_000, 10_000, 100_000));
            plan.put(DistinctKeys.ROUTES, quick ? List.of(1_000, 10_000) : List.of(1_000, 10_000, 100_000));
            plan.put(DistinctKeys.LOGINS, quick ? List.of(10_000, 100_000) : List.of(10_000, 100_000, 1_000_000));
            List<StateSize.Point> points = new ArrayList<>();
            for (Map.Entry<DistinctKeys, List<Integer>> e : plan.entrySet()) {
                for (int n : e.getValue()) {
                    OUT.printf("== scale: state size, %,d %s%n", n, e.getKey().label());
                    points.add(StateSize.measure(bootstrap, broker, e.getKey(), n, work.resolve("state"), lines(line -> OUT.println("  " + line))));
                }
            }
            if (!plan.get(DistinctKeys.LOGINS).contains(1_000_000)) {
                skipped.add("state size with 1M distinct users and IPs: measured only in the full run (--quick stops at 100k)");
            }
            List<String> row = ScaleReport.state(m, points, "`StateSize.measure` for " + plan.entrySet().stream()
                    .map(e -> e.getKey().label() + " " + e.getValue().stream().map(n -> String.format(Locale.ROOT, "%,d", n))
                            .collect(Collectors.joining(", "))).collect(Collectors.joining("; ")) + mode);
            if (row != null) {
                headline.put(7, row); // the second row of section 6
            }
        }
    }

    // ---------------------------------------------------------------- report

    private void write(Instant startedAt, double minutes, double load0, double load1) throws IOException {
        Markdown m = new Markdown();
        m.line("# Weir benchmarks").blank();
        m.line("Regenerated by the suite; do not edit by hand. Command (from the repository root):").blank();
        m.code("", command);
        m.blank();
        m.linef("Code: %s. Run %s (%s mode%s, %.1f minutes). Machine: %s. Load average (1 min) %.2f at the start, %.2f at the end — the box is "
                + "shared with other engineers' builds, so every figure is a ratio against a baseline measured in the same run.",
                revision, startedAt, quick ? "--quick" : "full", only == null ? "" : ", only " + only, minutes, machine(), load0, load1).blank();
        m.line("## Numbers to beat").blank();
        m.table(List.of("what", "Weir", "baseline measured beside it", "ratio", "goal", "met"), new ArrayList<>(headline.values()));
        if (!skipped.isEmpty()) {
            m.line("**Skipped or not measured in this run:**").blank();
            skipped.forEach(s -> m.line("- " + s));
            m.blank();
        }
        sections.values().forEach(sec -> m.line(sec.toString()));
        Files.createDirectories(out.getParent());
        Files.writeString(out, m.toString());
    }

    private static String machine() {
        String cpu = "?";
        long memKb = 0;
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the unknowns as they are
        }
        return String.format(Locale.ROOT, "%d cores (`nproc`), %.1f GiB memory, %s, Java %s, %s", Runtime.getRuntime().availableProcessors(),
                memKb / 1024.0 / 1024.0, cpu, System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    // ---------------------------------------------------------------- helpers

    private static void deleteAllTopics(String bootstrap) throws Exception {
        try (Admin admin = Cluster.admin(bootstrap)) {
            Cluster.deleteAllTopics(admin);
        }
    }

    /** Runs {@code task} with {@link System#out} captured; returns what it printed. */
    private static String capture(Runnable task) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            task.run();
        } finally {
            System.setOut(previous);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** A PrintStream that hands each complete line to {@code sink}. */
    private static PrintStream lines(Consumer<String> sink) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    sink.accept(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    private static String ms(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%.2f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String perSecond(double v) {
        return String.format(Locale.ROOT, "%,.0f/s", v);
    }

    private static String rates(List<Double> xs) {
        return xs.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).collect(Collectors.joining(" / "));
    }
}
