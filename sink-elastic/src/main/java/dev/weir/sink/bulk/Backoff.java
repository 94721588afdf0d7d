package dev.weir.sink.bulk;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th delay (n from 0) is drawn uniformly from
 * [d/2, d] where d = min(max, initial × 2^n). Half the delay keeps retries from hammering a
 * struggling cluster, the random half keeps N sink instances from retrying in lockstep.
 * Thread-safe when the generator is.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final RandomGenerator random;

    /**
     * @param initial first delay's upper bound, positive
     * @param max     cap, at least {@code initial}
     * @param random  source of jitter
     */
    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("Backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * @param attempt 0 for the first retry
     * @return how long to wait before it
     */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative: " + attempt);
        }
        long cap = max.toNanos();
        long d = initial.toNanos();
        for (int i = 0; i < attempt && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        d = Math.min(d, cap);
        long half = d / 2;
        return Duration.ofNanos(half + (d - half == 0 ? 0 : random.nextLong(d - half + 1)));
    }
}
