package dev.weir.agent.stdin;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.parse.Enrichment;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.parse.LineParser;
import dev.weir.agent.parse.ParseErrors;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.ship.InputMeters;
import dev.weir.agent.ship.OutboundEvent;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads lines from a stream (standard input, for pipes) and ships them like file lines. Reading
 * waits when the buffer is full, which in turn makes the writing end of the pipe wait. Event ids
 * are {@code s-<run id>-<line number>}: stdin cannot be read twice, so they only need to be
 * unique.
 *
 * <p>{@link #finished()} completes when the stream ended and every line read was acknowledged
 * (or failed for good), so that {@code cat file | weir agent} can exit once everything is in Kafka.
 *
 * <p>Runs one thread.
 */
public final class StdinInput implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StdinInput.class);

    private final InputStream in;
    private final LineParser parser;
    private final Enrichment enrichment;
    private final Clock clock;
    private final Destinations destinations;
    private final EventBuffer buffer;
    private final InputMeters meters;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong outstanding = new AtomicLong(1); // 1 until the stream ends
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param in the stream, usually {@code System.in}
     * @param parser turns lines into events
     * @param enrichment service, environment and host, for lines cut to {@code agent.max-event-size}
     * @param clock the time of reading, for lines cut
     * @param destinations topics per kind, and the largest event
     * @param buffer where events go
     * @param meters counters of input {@code stdin}
     */
    public StdinInput(InputStream in, LineParser parser, Enrichment enrichment, Clock clock, Destinations destinations,
                      EventBuffer buffer, InputMeters meters) {
        this.in = Objects.requireNonNull(in, "in");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.thread = new Thread(this::run, "weir-agent-stdin");
        this.thread.setDaemon(true);
    }

    /** Starts reading. */
    public void start() {
        thread.start();
    }

    /** @return completes once the stream ended and all its events were acknowledged */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    private final Delivery delivery = new Delivery() {
        @Override
        public void delivered() {
            meters.sent().increment();
            done();
        }

        @Override
        public void failed(Exception cause) {
            meters.failed().increment();
            done();
        }
    };

    private OutboundEvent event(byte[] line, int len, boolean longer, long lineNo) {
        LineOrigin origin = LineOrigin.of("s-" + runId + "-" + lineNo);
        ParsedEvent parsed = longer
                ? ParseErrors.event(line, 0, len, "line longer than " + len + " bytes; cut to that length", enrichment, origin, clock)
                : parser.parse(line, 0, len, origin);
        return destinations.outbound(ParseErrors.within(parsed, line, 0, len, destinations.maxEventBytes(), enrichment, origin, clock),
                delivery);
    }

    private void done() {
        if (outstanding.decrementAndGet() == 0) {
            finished.complete(null);
        }
    }

    private void run() {
        byte[] chunk = new byte[64 * 1024];
        byte[] line = new byte[8 * 1024];
        int lineLen = 0;
        boolean longer = false; // the line had more bytes than an event may have: only those were kept
        long lineNo = 0;
        List<OutboundEvent> batch = new ArrayList<>();
        try {
            int n;
            while (running && (n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        lineNo++;
                        int len = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
                        if (len > 0) {
                            batch.add(event(line, len, longer, lineNo));
                        }
                        lineLen = 0;
                        longer = false;
                    } else if (lineLen == destinations.maxEventBytes()) {
                        longer = true; // the rest of the line is skipped: the line alone could not be sent
                    } else {
                        if (lineLen == line.length) {
                            line = java.util.Arrays.copyOf(line, line.length * 2);
                        }
                        line[lineLen++] = chunk[i];
                    }
                }
                offer(batch);
            }
            if (lineLen > 0) {
                batch.add(event(line, lineLen, longer, lineNo + 1));
                offer(batch);
            }
            log.info("Standard input ended after {} lines", lineNo);
        } catch (IOException e) {
            log.error("Cannot read standard input", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        done();
    }

    private void offer(List<OutboundEvent> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        outstanding.addAndGet(batch.size());
        meters.read().increment(batch.size());
        while (!buffer.offerAll(batch, Duration.ofMillis(500))) {
            if (!running) {
                throw new InterruptedException("stdin input closing");
            }
        }
        batch.clear();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
