package dev.weir.processor.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.weir.processor.measure.latency.Sketches;
import dev.weir.processor.measure.metrics.MeasureMetrics;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Quantile accuracy of Weir's latency sketch (DDSketch, 1% relative accuracy) against the exact
 * quantiles of the same samples, with Prometheus's default histogram buckets and
 * {@code histogram_quantile}'s linear interpolation on the same data for contrast.
 *
 * <p>Run: {@code java -cp "stream-processor/target/classes:stream-processor/target/lib/*"
 * dev.weir.processor.bench.QuantileAccuracyBenchmark [samples] [seed]} (defaults 1000000, 42).
 * Samples are latencies in milliseconds; the exact quantile is the sample of rank
 * ceil(q * n) (the lower nearest rank), the same definition DDSketch approximates.
 */
public final class QuantileAccuracyBenchmark {
    private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.999};

    private QuantileAccuracyBenchmark() {
    }

    /**
     * @param args optional sample count and seed
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        PrintStream out = System.out;
        out.printf("samples per distribution: %d, seed %d, sketch relative accuracy 1%%%n", n, seed);
        out.println("| distribution | quantile | exact ms | sketch ms | sketch rel. error | histogram_quantile ms | buckets rel. error |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        Random r = new Random(seed);
        run(out, "lognormal (median 100 ms, sigma 1)", n, () -> 100 * Math.exp(r.nextGaussian()));
        run(out, "bimodal (80% ~20 ms, 20% ~800 ms)", n,
                () -> r.nextDouble() < 0.8 ? 20 * Math.exp(0.3 * r.nextGaussian()) : 800 * Math.exp(0.3 * r.nextGaussian()));
        run(out, "heavy-tailed (Pareto, xm 10 ms, alpha 1.2)", n, () -> 10 / Math.pow(1 - r.nextDouble(), 1 / 1.2));
    }

    private static void run(PrintStream out, String name, int n, DoubleSupplier source) {
        double[] samples = new double[n];
        DDSketch sketch = Sketches.newSketch(0.01);
        double[] bounds = MeasureMetrics.DEFAULT_BUCKETS;
        long[] buckets = new long[bounds.length + 1];
        for (int i = 0; i < n; i++) {
            double ms = source.getAsDouble();
            samples[i] = ms;
            sketch.accept(ms);
            int b = Arrays.binarySearch(bounds, ms / 1000.0);
            buckets[b >= 0 ? b : -b - 1]++;
        }
        Arrays.sort(samples);
        double worstSketch = 0;
        for (double q : QUANTILES) {
            double exact = samples[(int) Math.max(0, Math.ceil(q * n) - 1)];
            double est = sketch.getValueAtQuantile(q);
            double hist = histogramQuantile(q, bounds, buckets, n) * 1000;
            double errSketch = Math.abs(est - exact) / exact;
            worstSketch = Math.max(worstSketch, errSketch);
            out.printf("| %s | p%s | %.2f | %.2f | %.3f%% | %s | %s |%n", name, label(q), exact, est, 100 * errSketch,
                    Double.isInfinite(hist) ? "+Inf" : String.format("%.2f", hist),
                    Double.isInfinite(hist) ? "n/a (above 10 s)" : String.format("%.1f%%", 100 * Math.abs(hist - exact) / exact));
        }
        out.printf("%s: worst sketch error %.3f%%, %d bins, %d bytes serialized (DDSketch protobuf)%n%n", name, 100 * worstSketch,
                sketch.getPositiveValueStore().getTotalCount() > 0 ? countBins(sketch) : 0, Sketches.toBytes(sketch).length);
    }

    private static int countBins(DDSketch sketch) {
        int[] bins = {0};
        sketch.getPositiveValueStore().forEach((index, count) -> bins[0]++);
        return bins[0];
    }

    private static String label(double q) {
        return q == 0.999 ? "99.9" : String.valueOf((int) Math.round(q * 100));
    }

    /** Prometheus's histogram_quantile: linear interpolation inside the bucket holding rank q * n; +Inf bucket gives the last bound. */
    static double histogramQuantile(double q, double[] bounds, long[] buckets, long total) {
        double rank = q * total;
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            long before = cumulative;
            cumulative += buckets[i];
            if (cumulative >= rank) {
                if (i == bounds.length) {
                    return bounds[bounds.length - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                double upper = bounds[i];
                return lower + (upper - lower) * (rank - before) / buckets[i];
            }
        }
        return bounds[bounds.length - 1];
    }
}
