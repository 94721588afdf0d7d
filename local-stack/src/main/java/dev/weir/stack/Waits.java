package dev.weir.stack;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The polling loop behind {@link Poll}; package-private so the stack can abort a wait early. */
final class Waits {

    private Waits() {
    }

    /**
     * Thrown by a condition to stop waiting at once, e.g. because the process being awaited has
     * exited. Carries the reason to the caller unchanged.
     */
    static final class GiveUp extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GiveUp(String message) {
            super(message);
        }
    }

    static void pollUntil(Duration timeout, Duration interval, Callable<Boolean> condition, String whatFor) {
        Objects.requireNonNull(whatFor, "whatFor");
        pollUntil(timeout, interval, condition, () -> whatFor);
    }

    static void pollUntil(Duration timeout, Duration interval, Callable<Boolean> condition, Supplier<String> whatFor) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(condition, "condition");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid timeout " + timeout + ": must be positive");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("Invalid interval " + interval + ": must be positive");
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (GiveUp e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + whatFor.get(), e);
            } catch (Exception e) {
                last = e;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                String message = "Timed out after " + timeout.toMillis() + " ms waiting for " + whatFor.get()
                        + (last == null ? "" : "; last attempt failed with: " + last);
                throw new IllegalStateException(message, last);
            }
            try {
                Thread.sleep(Math.max(1, Math.min(interval.toMillis(), (deadline - now) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + whatFor.get(), e);
            }
        }
    }
}
