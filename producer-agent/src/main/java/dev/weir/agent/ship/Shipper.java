package dev.weir.agent.ship;

import dev.weir.agent.buffer.EventBuffer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from the {@link EventBuffer} into the Kafka producer and reports each
 * acknowledgement to the event's {@link Delivery}. At most {@code maxInFlightBytes} are
 * handed to the producer and not yet acknowledged; when the broker is away the shipper
 * therefore stops taking from the buffer, the buffer fills and the inputs feel backpressure.
 *
 * <p>The producer is idempotent with {@code acks=all} and an unbounded delivery timeout, so
 * a broker outage only delays callbacks. A retriable failure that still reaches a callback is
 * sent again; a non-retriable one (a record larger than the broker accepts) is logged,
 * counted in {@code weir.agent.events.failed} and reported to its delivery, because retrying
 * it would block every event behind it.
 *
 * <p>Runs one thread; {@link #close(Duration)} waits for in-flight events.
 */
public final class Shipper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Shipper.class);
    private static final int BATCH = 512;
    private static final Duration STALL = Duration.ofSeconds(30);

    private final EventBuffer buffer;
    private final Producer<byte[], byte[]> producer;
    private final int maxInFlightBytes;
    private final InFlightBytes inFlight;
    private final Clock clock;
    private final ConcurrentLinkedQueue<OutboundEvent> retries = new ConcurrentLinkedQueue<>();
    private volatile long lastAckMillis;
    private final Counter sent;
    private final Counter failed;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param buffer where events wait
     * @param producer an idempotent acks=all producer; the caller closes it after this shipper
     * @param maxInFlightBytes bound on bytes handed to the producer and not yet acknowledged
     * @param registry for {@code weir.agent.events.sent/failed} (all inputs) and {@code weir.agent.inflight.bytes}
     * @param clock for the stall check in {@link #brokerStalledSince()}
     */
    public Shipper(EventBuffer buffer, Producer<byte[], byte[]> producer, long maxInFlightBytes, MeterRegistry registry, Clock clock) {
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.producer = Objects.requireNonNull(producer, "producer");
        if (maxInFlightBytes < 1024 || maxInFlightBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxInFlightBytes must be between 1 KiB and 2 GiB, was " + maxInFlightBytes);
        }
        this.maxInFlightBytes = (int) maxInFlightBytes;
        this.inFlight = new InFlightBytes(this.maxInFlightBytes);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastAckMillis = clock.millis();
        this.sent = Counter.builder("weir.agent.shipped").description("Events acknowledged by the broker, all inputs").register(registry);
        this.failed = Counter.builder("weir.agent.ship.failed").description("Events the producer rejected for good, all inputs").register(registry);
        Gauge.builder("weir.agent.inflight.bytes", inFlight, InFlightBytes::bytes)
                .description("Bytes handed to the producer and not yet acknowledged").register(registry);
        this.thread = new Thread(this::run, "weir-agent-shipper");
        this.thread.setDaemon(true);
    }

    /** Starts the shipping thread. */
    public void start() {
        thread.start();
    }

    /**
     * @return when the oldest unacknowledged send started waiting beyond 30 s, i.e. the broker is
     *     not acknowledging; null while deliveries flow or nothing is in flight
     */
    public Instant brokerStalledSince() {
        long last = lastAckMillis;
        if (inFlightBytes() == 0 || clock.millis() - last < STALL.toMillis()) {
            return null;
        }
        return Instant.ofEpochMilli(last);
    }

    private void run() {
        List<OutboundEvent> batch = new ArrayList<>(BATCH);
        while (running) {
            try {
                batch.clear();
                OutboundEvent retry;
                while (batch.size() < BATCH && (retry = retries.poll()) != null) {
                    batch.add(retry);
                }
                if (batch.isEmpty()) {
                    buffer.drainTo(batch, BATCH, Duration.ofMillis(100));
                }
                sendAll(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Shipper loop failed; continuing", e);
            }
        }
    }

    /**
     * Sends the events in order, taking in-flight room for a run of them at a time: one
     * acquisition per run rather than per event keeps the counter that every acknowledgement
     * decrements on the producer's I/O thread off the shipper's per-event path.
     */
    private void sendAll(List<OutboundEvent> batch) throws InterruptedException {
        int from = 0;
        while (from < batch.size()) {
            int to = from;
            long permits = 0;
            // at most a sixteenth of the bound per acquisition, so that waiting for room to send a run never
            // leaves the producer idle; at least one event, whose permits never exceed the bound
            while (to < batch.size() && (to == from || permits + permits(batch.get(to)) <= maxInFlightBytes / InFlightBytes.WAKE_DIVISOR)) {
                permits += permits(batch.get(to));
                to++;
            }
            if (inFlightBytes() == 0) {
                lastAckMillis = clock.millis(); // the stall clock starts with the first send after idle
            }
            inFlight.acquire(permits);
            int next = from;
            try {
                for (; next < to; next++) {
                    send(batch.get(next));
                }
            } finally {
                // interrupted while waiting to retry: the events not handed over give their permits back
                long unsent = 0;
                for (int i = next; i < to; i++) {
                    unsent += permits(batch.get(i));
                }
                if (unsent > 0) {
                    inFlight.release(unsent);
                }
            }
            from = to;
        }
    }

    /** @return the in-flight bytes an event holds from its send until its acknowledgement; at most the bound, so any event fits */
    private int permits(OutboundEvent e) {
        return Math.min(e.size(), maxInFlightBytes);
    }

    private long inFlightBytes() {
        return inFlight.bytes();
    }

    /** Sends one event whose permits were acquired. */
    private void send(OutboundEvent e) throws InterruptedException {
        int permits = permits(e);
        while (true) {
            try {
                producer.send(new ProducerRecord<>(e.topic(), e.key(), e.value()), (metadata, ex) -> completed(e, permits, ex));
                return;
            } catch (RuntimeException ex) {
                // send() throws when metadata is unavailable (broker away at startup) or the producer's own buffer
                // stays full beyond max.block.ms: the event has not been handed over, so try it again.
                if (!running) {
                    inFlight.release(permits);
                    retries.add(e);
                    return;
                }
                log.warn("Kafka producer did not accept event for topic {} ({}); retrying", e.topic(), ex.toString());
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private void completed(OutboundEvent e, int permits, Exception ex) {
        inFlight.release(permits);
        if (ex == null) {
            lastAckMillis = clock.millis();
            sent.increment();
            e.delivery().delivered();
        } else if (ex instanceof RetriableException && running) {
            log.warn("Retrying event for topic {} after retriable error {}", e.topic(), ex.toString());
            retries.add(e);
        } else {
            failed.increment();
            log.error("Kafka rejected event for topic {} ({} bytes) for good; it is not retried", e.topic(), e.value().length, ex);
            e.delivery().failed(ex);
        }
    }

    /**
     * Stops taking events and waits up to {@code timeout} for the in-flight ones to be acknowledged.
     *
     * @param timeout how long to wait for acknowledgements
     */
    public void close(Duration timeout) {
        running = false;
        thread.interrupt();
        try {
            thread.join(timeout.toMillis());
            if (!inFlight.awaitEmpty(timeout)) {
                log.warn("{} bytes of events were not acknowledged within {}; they will be read again after restart where the input allows",
                        inFlightBytes(), timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
