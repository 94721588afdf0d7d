package dev.weir.bench.stats;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Median, p99, min and max of a set of measurements. Quantiles other than the median are the
 * nearest rank: the value of rank {@code ceil(q * n)} in ascending order (so the p99 of 100 values
 * is the 99th smallest, of 20 values the largest). The median of an even count is the mean of
 * the two middle values.
 *
 * @param count  number of values
 * @param min    smallest value
 * @param median median
 * @param p99    99th percentile, nearest rank
 * @param max    largest value
 */
public record Summary(int count, double min, double median, double p99, double max) {

    /**
     * @param values the measurements; at least one, none NaN
     * @return their summary
     * @throws IllegalArgumentException when {@code values} is empty or holds NaN
     */
    public static Summary of(Collection<Double> values) {
        Objects.requireNonNull(values, "values");
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("Cannot summarise no values: measure at least one.");
        }
        if (Arrays.stream(sorted).anyMatch(Double::isNaN)) {
            throw new IllegalArgumentException("Cannot summarise NaN values: " + values);
        }
        return new Summary(sorted.length, sorted[0], median(sorted), quantile(sorted, 0.99), sorted[sorted.length - 1]);
    }

    /**
     * @param values measurements, at least one
     * @return their median (the mean of the two middle values for an even count)
     */
    public static double median(List<Double> values) {
        return of(values).median();
    }

    /**
     * @param sorted values in ascending order, at least one
     * @param q      quantile in (0, 1]
     * @return the nearest-rank quantile: the value of rank {@code ceil(q * n)}
     */
    public static double quantile(double[] sorted, double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("Invalid quantile " + q + ": must be in (0, 1]");
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
