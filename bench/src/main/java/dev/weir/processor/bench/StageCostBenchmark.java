package dev.weir.processor.bench;

import dev.weir.processor.ProcessorApp;
import dev.weir.processor.ProcessorExtension;
import dev.weir.processor.StagedProcessors;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesSettings;
import io.micrometer.core.instrument.Counter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What each part of the processor costs: the same raw events through {@code ProcessorApp} with
 * the normaliser alone, with the measures, with the rules, and with both (the product), each run
 * a new application on the same topics, exactly_once_v2, one stream thread, run in turn in one
 * JVM against one broker so that the figures compare (the box is shared and noisy). Every
 * configuration is timed from RUNNING until the normaliser has written every event: the measures
 * and rules run in the same task, on the same thread, as the normaliser hands each event on.
 *
 * <p>{@code java dev.weir.processor.bench.StageCostBenchmark HOST:PORT [EVENTS=300000] [ROUNDS=3]},
 * or on a fresh local broker
 * {@code mvn -B -pl bench -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=StageCostBench -Dweir.bench.events=300000}.
 */
public final class StageCostBenchmark {
    /** The configurations, in the order they run in each round. */
    public static final List<String> PARTS = List.of("normalise", "normalise+measures", "normalise+rules", "all");

    private StageCostBenchmark() {
    }

    /**
     * @param events per configuration, the events/s of each round
     */
    public record Result(Map<String, List<Double>> events) {
        /** @return the median events/s of a configuration over the rounds after the first (JIT warm-up) */
        public double warmMedian(String part) {
            List<Double> warm = new ArrayList<>(events.get(part));
            if (warm.size() > 1) {
                warm.remove(0);
            }
            warm.sort(Double::compare);
            int n = warm.size();
            return n % 2 == 1 ? warm.get(n / 2) : (warm.get(n / 2 - 1) + warm.get(n / 2)) / 2;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            for (String part : events.keySet()) {
                s.append(String.format("%s=%.0f/s %s ", part, warmMedian(part), events.get(part).stream().map(Math::round).toList()));
            }
            return s.toString().trim();
        }
    }

    /**
     * @param args bootstrap servers, optional events (300000) and rounds (3)
     * @throws Exception when Kafka fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: StageCostBenchmark HOST:PORT [EVENTS=300000] [ROUNDS=3]");
            System.exit(2);
        }
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.println("STAGES " + run(args[0], events, rounds, Files.createTempDirectory("weir-stages"), System.out));
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @param events    raw events to append to the raw topics (once, read by every run)
     * @param rounds    rounds; each runs every configuration once
     * @param dir       for the state directories
     * @param out       progress lines
     * @return events/s per configuration and round
     * @throws Exception when Kafka fails or a run does not finish within 10 minutes
     */
    public static Result run(String bootstrap, int events, int rounds, Path dir, PrintStream out) throws Exception {
        if (events < 1 || rounds < 1) {
            throw new IllegalArgumentException("events and rounds must be at least 1, got " + events + " and " + rounds);
        }
        long total = ProcessorThroughputBenchmark.prepare(bootstrap, 3, events);
        out.println("raw events: " + total);
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String part : PARTS) {
                double rate = once(bootstrap, part, total, dir);
                results.computeIfAbsent(part, k -> new ArrayList<>()).add(rate);
                out.printf("round %d %s: %.0f events/s%n", round, part, rate);
            }
        }
        return new Result(results);
    }

    private static double once(String bootstrap, String part, long total, Path dir) throws InterruptedException {
        String id = "bench-stages-" + part.replace('+', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessorConfig config = ProcessorConfig.defaults(bootstrap).withHttpPort(0).withStateDir(dir.resolve(id))
                .withApplicationId(id).withProcessingGuarantee("exactly_once_v2").withStreamThreads(1);
        Clock clock = Clock.systemUTC();
        RulesSettings rules = new RulesSettings(RuleSet.defaults(), null,
                config.rules().evaluationInterval(), clock);
        List<ProcessorExtension> extensions = switch (part) {
            case "normalise" -> List.of();
            case "normalise+measures" -> List.of(new MeasureExtension(config.measure(), null));
            case "normalise+rules" -> List.of(new RulesExtension(rules));
            default -> List.of(new MeasureExtension(config.measure(), null), new RulesExtension(rules));
        };
        try (ProcessorApp app = StagedProcessors.of(config, clock, extensions)) {
            return ProcessorThroughputBenchmark.eventsPerSecond(app, StageCostBenchmark::normalised, total, "(" + part + ") normalised");
        }
    }

    /** Records the normaliser wrote: clean events and dead letters. */
    private static double normalised(ProcessorApp app) {
        return app.registry().find("weir.records.out").counters().stream().mapToDouble(Counter::count).sum();
    }
}
