package dev.weir.bench.scale;

import dev.weir.bench.cpu.Cpu;
import dev.weir.bench.stats.Summary;
import dev.weir.processor.bench.ProcessorThroughputBenchmark;
import dev.weir.processor.config.ProcessorConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;

/**
 * How the processor's throughput changes with the number of instances and of input partitions,
 * each against the bare consume → Jackson parse → produce loop of
 * {@link ProcessorThroughputBenchmark} on the same topics in the same run.
 *
 * <p>Per repetition and partition count (in alternating order: 3, 6, 12, then 12, 6, 3, ...): when the
 * partition count changes, every topic is deleted, Weir's topics are created with that many
 * partitions and the benchmark's realistic workload is loaded (before the very first runs, one
 * unmeasured processor run warms the JIT up); then the bare loop runs once and each instance
 * count once, every processor run with a new application id on emptied output topics
 * (exactly_once_v2, 1 stream thread per instance, all instances in this JVM).
 * A run is timed from the first instance reporting RUNNING until the instances together have
 * measured every event, so the rebalance that spreads the tasks when the other instances join
 * is inside the measured time.
 */
public final class ThroughputScale {
    private ThroughputScale() {
    }

    /**
     * @param events     raw events loaded per partition count
     * @param repeats    repetitions (the median is reported)
     * @param partitions partition counts, the first is the reference
     * @param instances  instance counts, the first is the reference
     */
    public record Settings(int events, int repeats, List<Integer> partitions, List<Integer> instances) {
        public Settings {
            partitions = List.copyOf(partitions);
            instances = List.copyOf(instances);
            if (events < 1 || repeats < 1 || partitions.isEmpty() || instances.isEmpty()) {
                throw new IllegalArgumentException("Invalid scale settings " + events + " events, " + repeats + " repeats, partitions "
                        + partitions + ", instances " + instances + ": all must be positive and the lists not empty");
            }
        }
    }

    /**
     * A processor configuration: instances and input partitions.
     *
     * @param partitions partitions of every topic
     * @param instances  processor instances
     */
    public record Shape(int partitions, int instances) {
    }

    /**
     * One processor run.
     *
     * @param eventsPerSecond events over the time from the first RUNNING to the last event measured
     * @param shares          each instance's share of the events, in start order
     * @param jvmCpuSeconds   CPU of this JVM during the run (instances' start and close included)
     * @param brokerCpuSeconds CPU of the broker during the run, NaN when unknown
     */
    public record Run(double eventsPerSecond, List<Double> shares, double jvmCpuSeconds, double brokerCpuSeconds) {
    }

    /**
     * @param settings what was run
     * @param events   raw events per partition count (what each run processed)
     * @param bare     bare loop events/s per partition count, one per repetition
     * @param runs     processor runs per shape, one per repetition
     */
    public record Result(Settings settings, Map<Integer, Long> events, Map<Integer, List<Double>> bare, Map<Shape, List<Run>> runs) {
        /**
         * @param shape a measured shape
         * @return the median over the repetitions of the processor's events/s divided by the bare loop's in the same repetition
         */
        public double ratioToBare(Shape shape) {
            List<Double> ratios = new ArrayList<>();
            List<Run> r = runs.get(shape);
            for (int i = 0; i < r.size(); i++) {
                ratios.add(r.get(i).eventsPerSecond() / bare.get(shape.partitions()).get(i));
            }
            return Summary.median(ratios);
        }

        /** @return the reference shape: the first partition count and the first instance count */
        public Shape reference() {
            return new Shape(settings.partitions().get(0), settings.instances().get(0));
        }

        /**
         * @param shape a measured shape
         * @return its median events/s
         */
        public double median(Shape shape) {
            return Summary.median(runs.get(shape).stream().map(Run::eventsPerSecond).toList());
        }
    }

    /**
     * @param bootstrap the broker, holding nothing the run needs (every topic is deleted)
     * @param broker    the broker's process, for its CPU; may be {@code null}
     * @param settings  what to run
     * @param dir       for the state directories
     * @param out       progress lines
     * @return the figures
     * @throws Exception when Kafka or a processor fails
     */
    public static Result run(String bootstrap, ProcessHandle broker, Settings settings, Path dir, PrintStream out) throws Exception {
        Map<Integer, Long> events = new LinkedHashMap<>();
        Map<Integer, List<Double>> bare = new LinkedHashMap<>();
        Map<Shape, List<Run>> runs = new LinkedHashMap<>();
        settings.partitions().forEach(p -> settings.instances().forEach(i -> runs.put(new Shape(p, i), new ArrayList<>())));
        int loaded = -1;
        for (int r = 0; r < settings.repeats(); r++) {
            for (int partitions : order(settings.partitions(), r)) {
                if (partitions != loaded) {
                    try (Admin admin = Cluster.admin(bootstrap)) {
                        Cluster.deleteAllTopics(admin);
                    }
                    long total = ProcessorThroughputBenchmark.prepare(bootstrap, partitions, settings.events());
                    out.printf("%d partitions: %d raw events%n", partitions, total);
                    if (loaded < 0) {
                        // unmeasured: the first processor run of a JVM is slower while the JIT compiles the hot paths
                        ProcessorThroughputBenchmark.resetOutputs(bootstrap, partitions);
                        Run warmUp = processors(bootstrap, broker, partitions, 1, total, dir.resolve("warm-up"));
                        out.printf("%d partitions: warm-up run (not measured) %.0f events/s%n", partitions, warmUp.eventsPerSecond());
                    }
                    events.put(partitions, total);
                    loaded = partitions;
                }
                long total = events.get(partitions);
                double b = ProcessorThroughputBenchmark.bareRate(bootstrap, total);
                bare.computeIfAbsent(partitions, k -> new ArrayList<>()).add(b);
                out.printf("%d partitions, run %d: bare loop %.0f events/s%n", partitions, r + 1, b);
                for (int instances : settings.instances()) {
                    ProcessorThroughputBenchmark.resetOutputs(bootstrap, partitions);
                    Run run = processors(bootstrap, broker, partitions, instances, total, dir.resolve(partitions + "p-" + instances + "i-" + r));
                    runs.get(new Shape(partitions, instances)).add(run);
                    out.printf("%d partitions, run %d: %d instance(s) %.0f events/s, shares %s%n", partitions, r + 1, instances,
                            run.eventsPerSecond(), run.shares().stream().map(x -> String.format("%.2f", x)).toList());
                }
            }
        }
        return new Result(settings, events, bare, runs);
    }

    /**
     * @param partitions partition counts in the configured order
     * @param repetition repetition number, from 0
     * @return the order to run them in: as configured in even repetitions, reversed in odd ones, so
     *         that a drift of the machine's speed over the run does not favour one partition count
     */
    static List<Integer> order(List<Integer> partitions, int repetition) {
        List<Integer> order = new ArrayList<>(partitions);
        if (repetition % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    private static Run processors(String bootstrap, ProcessHandle broker, int partitions, int count, long total, Path stateDir)
            throws Exception {
        ProcessorConfig config = ProcessorConfig.defaults(bootstrap).withStreamThreads(1)
                .withApplicationId("bench-scale-" + partitions + "p-" + count + "i-" + UUID.randomUUID().toString().substring(0, 8));
        double jvm0 = Cpu.jvmSeconds();
        double broker0 = brokerCpu(broker);
        double rate;
        List<Double> shares;
        try (Instances instances = new Instances(config, count, stateDir)) {
            long end = instances.awaitMeasured(total, Duration.ofMinutes(10));
            rate = total / ((end - instances.firstRunningNanos()) / 1e9);
            shares = instances.shares();
        }
        return new Run(rate, shares, Cpu.jvmSeconds() - jvm0, brokerCpu(broker) - broker0);
    }

    static double brokerCpu(ProcessHandle broker) {
        return Objects.isNull(broker) ? Double.NaN : Cpu.seconds(broker);
    }
}
