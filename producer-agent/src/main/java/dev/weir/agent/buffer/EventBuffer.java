package dev.weir.agent.buffer;

import dev.weir.agent.ship.OutboundEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's buffer between inputs and the shipper: events wait in memory up to
 * {@code memoryLimitBytes}; beyond that they spill to disk segments (when a
 * {@link DiskQueue} is configured) up to the disk bound; beyond that {@code offer} waits,
 * which is the backpressure the inputs feel (file inputs stop reading, HTTP answers 503).
 *
 * <p>Order is first-in first-out within each tier, and an input that may use the disk keeps
 * its order across tiers on the way in: once an event went to disk, later events follow it there
 * until the disk tier has been read empty. On the way out each drain takes up to half its batch
 * from disk before memory, so that file input, which keeps memory full but never spills, cannot
 * starve spilled events; events of one input may therefore leave slightly out of order while
 * both tiers hold some (downstream orders by {@code @timestamp}, not by arrival).
 *
 * <p>Thread-safe.
 */
public final class EventBuffer implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<OutboundEvent> memory = new ArrayDeque<>();
    private final long memoryLimitBytes;
    private final DiskQueue disk;
    private long memoryBytes;
    private boolean closed;

    /**
     * @param memoryLimitBytes bound of the memory tier
     * @param disk the disk tier, or null for memory only
     * @param registry for {@code weir.agent.buffer.bytes{tier}} and {@code weir.agent.buffer.events{tier}}
     */
    public EventBuffer(long memoryLimitBytes, DiskQueue disk, MeterRegistry registry) {
        if (memoryLimitBytes < 1024) {
            throw new IllegalArgumentException("memoryLimitBytes must be at least 1 KiB, was " + memoryLimitBytes);
        }
        this.memoryLimitBytes = memoryLimitBytes;
        this.disk = disk;
        if (disk != null) {
            disk.onSpaceFreed(this::signalNotFull);
        }
        Gauge.builder("weir.agent.buffer.bytes", this, EventBuffer::memoryBytes).tag("tier", "memory")
                .description("Bytes waiting in the buffer").register(registry);
        Gauge.builder("weir.agent.buffer.events", this, b -> b.locked(() -> (long) b.memory.size())).tag("tier", "memory")
                .description("Events waiting in the buffer").register(registry);
        if (disk != null) {
            Gauge.builder("weir.agent.buffer.bytes", disk, DiskQueue::bytes).tag("tier", "disk").register(registry);
        }
    }

    /**
     * Adds all events, or none: waits up to {@code maxWait} for room.
     *
     * @param events events in order
     * @param maxWait how long to wait for room; zero to not wait
     * @return true when all were added; false when there was no room in time or the buffer is closed
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean offerAll(List<OutboundEvent> events, Duration maxWait) throws InterruptedException {
        return offerAll(events, maxWait, true);
    }

    /**
     * Adds all events, or none: waits up to {@code maxWait} for room.
     *
     * @param events events in order
     * @param maxWait how long to wait for room; zero to not wait
     * @param mayUseDisk false for inputs that can be read again (files): their events wait for room in
     *     memory instead of being written to disk, since their checkpoint already makes them durable
     * @return true when all were added; false when there was no room in time or the buffer is closed
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean offerAll(List<OutboundEvent> events, Duration maxWait, boolean mayUseDisk) throws InterruptedException {
        if (events.isEmpty()) {
            return true;
        }
        long size = 0;
        for (OutboundEvent e : events) {
            size += e.size();
        }
        long nanos = maxWait.toNanos();
        lock.lock();
        try {
            while (!closed) {
                boolean diskFirst = mayUseDisk && disk != null && disk.hasUnread();
                if (!diskFirst && (memoryBytes + size <= memoryLimitBytes || memory.isEmpty())) {
                    memory.addAll(events);
                    memoryBytes += size;
                    notEmpty.signalAll();
                    return true;
                }
                if (mayUseDisk && disk != null && disk.tryAppend(events)) {
                    notEmpty.signalAll();
                    return true;
                }
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write to the disk buffer", e);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code bytes} more would fit right now (a hint for HTTP intake). */
    public boolean hasRoomFor(long bytes) {
        return locked(() -> (memoryBytes + bytes <= memoryLimitBytes && (disk == null || !disk.hasUnread()))
                || (disk != null && disk.hasRoomFor(bytes)));
    }

    /**
     * Moves up to {@code max} events into {@code into}, waiting up to {@code maxWait} for the first.
     *
     * @return the number of events moved
     * @throws InterruptedException when interrupted while waiting
     */
    public int drainTo(List<OutboundEvent> into, int max, Duration maxWait) throws InterruptedException {
        long nanos = maxWait.toNanos();
        lock.lock();
        try {
            while (memory.isEmpty() && (disk == null || !disk.hasUnread())) {
                if (nanos <= 0 || closed) {
                    return 0;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            int n = 0;
            if (disk != null && disk.hasUnread()) {
                n += drainDisk(into, max / 2); // half from disk first, so that steady file input cannot starve it
            }
            while (n < max && !memory.isEmpty()) {
                OutboundEvent e = memory.poll();
                memoryBytes -= e.size();
                into.add(e);
                n++;
            }
            if (disk != null) {
                n += drainDisk(into, max - n);
            }
            notFull.signalAll();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the disk buffer", e);
        } finally {
            lock.unlock();
        }
    }

    private int drainDisk(List<OutboundEvent> into, int max) throws IOException {
        int n = 0;
        while (n < max && disk.hasUnread()) {
            OutboundEvent e = disk.next();
            if (e == null) {
                break;
            }
            into.add(e);
            n++;
        }
        return n;
    }

    /** @return whether no event waits in memory or unread on disk */
    public boolean isEmpty() {
        return locked(() -> memory.isEmpty() && (disk == null || !disk.hasUnread()));
    }

    /** @return bytes waiting in memory */
    public long memoryBytes() {
        return locked(() -> memoryBytes);
    }

    /** Waits up to {@code timeout} until the buffer is empty; for orderly shutdown. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!(memory.isEmpty() && (disk == null || !disk.hasUnread()))) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = notFull.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void signalNotFull() {
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> s) {
        lock.lock();
        try {
            return s.get();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; later offers fail. Events still in memory are dropped (their inputs re-read or were never acknowledged). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        if (disk != null) {
            disk.close();
        }
    }
}
