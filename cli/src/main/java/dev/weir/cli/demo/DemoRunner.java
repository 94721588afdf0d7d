package dev.weir.cli.demo;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link DemoTraffic} to Kafka at a steady number of ticks per second until stopped.
 * Runs on the caller's thread; {@link #stop()} may be called from any thread.
 */
public final class DemoRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);

    private final DemoTraffic traffic;
    private final Producer<String, byte[]> producer;
    private final int ticksPerSecond;
    private final Duration duration;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

    /**
     * @param traffic the event generator
     * @param producer owned by the caller, who closes it
     * @param ticksPerSecond ticks per second; each tick is about six events
     * @param duration how long to run; zero for until stopped
     */
    public DemoRunner(DemoTraffic traffic, Producer<String, byte[]> producer, int ticksPerSecond, Duration duration) {
        this.traffic = Objects.requireNonNull(traffic, "traffic");
        this.producer = Objects.requireNonNull(producer, "producer");
        if (ticksPerSecond < 1 || ticksPerSecond > 100_000) {
            throw new IllegalArgumentException("Invalid value " + ticksPerSecond + " for demo rate: must be between 1 and 100000");
        }
        this.ticksPerSecond = ticksPerSecond;
        this.duration = Objects.requireNonNull(duration, "duration");
    }

    @Override
    public void run() {
        try {
            send();
        } finally {
            finished.countDown();
        }
    }

    private void send() {
        long periodNanos = 1_000_000_000L / ticksPerSecond;
        long started = System.nanoTime();
        long next = started;
        Phase last = null;
        while (running.get() && (duration.isZero() || System.nanoTime() - started < duration.toNanos())) {
            Phase phase = traffic.phase();
            if (phase != last) {
                log.info("Demo traffic phase {}", phase);
                last = phase;
            }
            for (DemoTraffic.RawEvent e : traffic.tick()) {
                producer.send(new ProducerRecord<>(e.topic(), e.key(), e.json()), (md, ex) -> {
                    if (ex == null) {
                        sent.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        log.warn("Demo event to {} failed", e.topic(), ex);
                    }
                });
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                // Pacing, not synchronisation: the demo sends at a fixed rate.
                LockSupport.parkNanos(wait);
            } else if (wait < -1_000_000_000L) {
                next = System.nanoTime();
            }
        }
        producer.flush();
    }

    public void stop() {
        running.set(false);
    }

    /**
     * Stops and waits until the last events are flushed.
     *
     * @param timeout how long to wait at most
     * @return whether the runner finished within the timeout
     */
    public boolean stopAndWait(Duration timeout) {
        stop();
        try {
            return finished.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Events the broker acknowledged so far. */
    public long sent() {
        return sent.get();
    }

    /** Events the producer gave up on. */
    public long failed() {
        return failed.get();
    }

    /** The phase in force now. */
    public Phase phase() {
        return traffic.phase();
    }
}
