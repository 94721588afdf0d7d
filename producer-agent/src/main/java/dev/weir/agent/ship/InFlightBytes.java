package dev.weir.agent.ship;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The bound on bytes handed to the producer and not yet acknowledged: one thread takes room
 * before sending, any thread gives it back as acknowledgements arrive.
 *
 * <p>A {@link java.util.concurrent.Semaphore} does the same, but wakes a waiting taker at every
 * release; with a full bound that is once per acknowledged record, each time for nothing but
 * to find too little room and park again. Here the taker is woken only once the room it waits
 * for is free, and it waits for at least {@code max / 16}, so a full bound costs one wake-up per
 * sixteenth of it being acknowledged.
 *
 * <p>{@link #acquire} must only ever be called from one thread (the shipper's);
 * {@link #release} from any.
 */
final class InFlightBytes {
    /** The sixteenth of the bound a waiting taker waits for at least. */
    static final int WAKE_DIVISOR = 16;

    private final long max;
    private final AtomicLong bytes = new AtomicLong();
    /** Room the taker waits for, 0 when it does not wait; written by the taker only. */
    private volatile long wanted;
    private volatile Thread taker;

    /** @param max the bound, at least 1 */
    InFlightBytes(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
    }

    /** @return bytes taken and not yet given back */
    long bytes() {
        return bytes.get();
    }

    /**
     * Waits until {@code n} more bytes fit under the bound, then takes them. Only one thread may call this.
     *
     * @param n at most the bound
     * @throws InterruptedException when interrupted while waiting; nothing is taken then
     */
    void acquire(long n) throws InterruptedException {
        if (n < 0 || n > max) {
            throw new IllegalArgumentException("cannot take " + n + " bytes of a bound of " + max);
        }
        if (bytes.get() + n > max) {
            taker = Thread.currentThread();
            try {
                await(n);
            } finally {
                wanted = 0;
            }
        }
        bytes.addAndGet(n);
    }

    private void await(long n) throws InterruptedException {
        long room = Math.max(n, max / WAKE_DIVISOR);
        while (max - bytes.get() < room) {
            // Publish what is wanted, then look again: a release either sees it or happened before this
            // second look (both are volatile, so they are ordered one way or the other), so none is missed.
            wanted = room;
            if (max - bytes.get() >= room) {
                return;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for " + n + " bytes of in-flight room");
            }
        }
    }

    /**
     * Gives back bytes taken by {@link #acquire}; wakes the taker when the room it waits for is free.
     *
     * @param n bytes to give back
     */
    void release(long n) {
        long now = bytes.addAndGet(-n);
        long w = wanted;
        if (w > 0 && max - now >= w) {
            LockSupport.unpark(taker);
        }
    }

    /**
     * Waits until everything taken was given back.
     *
     * @return whether that happened within {@code timeout}
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (bytes.get() > 0) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(5); // shutdown only: polling keeps release() free of any extra work
        }
        return true;
    }
}
