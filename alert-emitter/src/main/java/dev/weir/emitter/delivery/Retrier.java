package dev.weir.emitter.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Exponential backoff with jitter: delays of {@code initial * 2^n}, capped at {@code max}, each
 * scaled by a random factor in [0.5, 1.0); a server's Retry-After replaces the computed delay.
 * Gives up on permanent failures at once and on retryable ones when the summed delays would
 * pass {@code maxElapsed}. Thread-safe.
 */
public final class Retrier {
    /** How a retry waits; production sleeps the thread, tests record the delays. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** One try. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws DeliveryException;
    }

    /** Told about each retry, for metrics. */
    @FunctionalInterface
    public interface RetryListener {
        void retrying(DeliveryException cause, Duration delay);
    }

    private final Duration initial;
    private final Duration max;
    private final Duration maxElapsed;
    private final Sleeper sleeper;
    private final LongSupplier random;

    /**
     * @param initial first delay, e.g. 500ms
     * @param max largest delay, e.g. 1m
     * @param maxElapsed give up once the delays add up past this, e.g. 15m (a receiver down for
     *     10 minutes still gets the notification)
     * @param sleeper how to wait
     * @param random source of jitter (any long)
     */
    public Retrier(Duration initial, Duration max, Duration maxElapsed, Sleeper sleeper, LongSupplier random) {
        this.initial = initial;
        this.max = max;
        this.maxElapsed = maxElapsed;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** Production settings: 500ms doubling to 1m, for up to 15m, with thread sleeps. */
    public static Retrier defaults() {
        java.util.Random r = new java.util.Random();
        return new Retrier(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofMinutes(15),
                d -> Thread.sleep(d.toMillis()), r::nextLong);
    }

    /**
     * Runs {@code attempt} until it succeeds or gives up.
     *
     * @throws DeliveryException the last failure when giving up
     */
    public void run(Attempt attempt, RetryListener listener) throws DeliveryException {
        Duration elapsed = Duration.ZERO;
        for (int n = 0; ; n++) {
            try {
                attempt.run();
                return;
            } catch (DeliveryException e) {
                if (!e.retryable()) {
                    throw e;
                }
                Duration delay = e.retryAfter() != null ? e.retryAfter() : backoff(n);
                if (elapsed.plus(delay).compareTo(maxElapsed) > 0) {
                    throw e;
                }
                listener.retrying(e, delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                elapsed = elapsed.plus(delay);
            }
        }
    }

    Duration backoff(int n) {
        long base = initial.toMillis() << Math.min(n, 30);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, max.toMillis());
        double factor = 0.5 + ((random.getAsLong() >>> 11) * 0x1.0p-53) / 2;
        return Duration.ofMillis(Math.max(1, (long) (capped * factor)));
    }
}
