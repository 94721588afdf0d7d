package dev.weir.stack;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Waiting for a condition with a deadline, for tests and tools that need to synchronise with
 * a real broker or search node. Use this instead of sleeping a fixed time.
 *
 * <pre>{@code
 * Poll.until(Duration.ofSeconds(30), () -> consumed.size() == 100,
 *     () -> "100 records consumed from 'events' (have " + consumed.size() + ")");
 * }</pre>
 */
public final class Poll {

    /** The pause between two evaluations of the condition used by {@link #until(Duration, Callable, Supplier)}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    /**
     * Evaluates {@code condition} every {@link #DEFAULT_INTERVAL} until it returns {@code true}.
     * A condition that throws counts as "not yet"; the last exception becomes the cause of the
     * timeout exception.
     *
     * @param timeout   how long to keep trying; positive
     * @param condition the condition; never returning {@code null}
     * @param describe  what is awaited, used in the timeout message ("the topic 'x' to have 3 partitions")
     * @throws IllegalStateException when {@code timeout} passes before the condition holds, or the
     *                               thread is interrupted (the interrupt flag is kept)
     */
    public static void until(Duration timeout, Callable<Boolean> condition, Supplier<String> describe) {
        until(timeout, DEFAULT_INTERVAL, condition, describe);
    }

    /**
     * Like {@link #until(Duration, Callable, Supplier)} with an explicit interval between evaluations.
     *
     * @param timeout   how long to keep trying; positive
     * @param interval  pause between evaluations; positive
     * @param condition the condition
     * @param describe  what is awaited, used in the timeout message
     * @throws IllegalStateException when {@code timeout} passes before the condition holds
     */
    public static void until(Duration timeout, Duration interval, Callable<Boolean> condition, Supplier<String> describe) {
        Objects.requireNonNull(describe, "describe");
        Waits.pollUntil(timeout, interval, condition, describe);
    }
}
