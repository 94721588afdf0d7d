package dev.weir.agent.http;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.ship.InputMeters;
import dev.weir.agent.ship.OutboundEvent;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * What every HTTP intake does with the events of one request: hands them to the buffer at once (or not at all) and
 * waits until the broker acknowledged each, within {@code ack-timeout}, so that an answer of success means the events
 * are in Kafka. Also reads request bodies (gzip, a size limit). Thread-safe.
 */
public final class Handoff {
    private final EventBuffer buffer;
    private final Destinations destinations;
    private final Duration ackTimeout;

    /** How a request's events fared. */
    public enum Result {
        /** The broker acknowledged or refused each (refusals in {@link Outcome#failures()}). */
        ACKNOWLEDGED,
        /** The buffer had no room: nothing was taken. */
        BUFFER_FULL,
        /** The broker did not answer for every event within the ack timeout; they may still arrive. */
        TIMED_OUT
    }

    /**
     * An event and its number in the request (line, array element, record), for messages.
     *
     * @param event the event
     * @param line  its 1-based number
     */
    public record Numbered(ParsedEvent event, int line) {
    }

    /**
     * @param result   what happened
     * @param failures the events Kafka refused, by number, in order
     */
    public record Outcome(Result result, List<Failure> failures) {
    }

    /**
     * An event Kafka refused.
     *
     * @param line  its number
     * @param cause why
     */
    public record Failure(int line, String cause) {
    }

    /**
     * @param buffer       where events go
     * @param destinations topics per kind
     * @param ackTimeout   how long to wait for the broker
     */
    public Handoff(EventBuffer buffer, Destinations destinations, Duration ackTimeout) {
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
    }

    /** @return the topics and size limit events are checked against */
    public Destinations destinations() {
        return destinations;
    }

    /**
     * @param events events that fit ({@link Destinations#fits}), at least one
     * @param meters the input's counters
     * @return the outcome
     * @throws InterruptedException when interrupted while waiting
     */
    public Outcome ship(List<Numbered> events, InputMeters meters) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(events.size());
        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        List<OutboundEvent> out = new ArrayList<>(events.size());
        for (Numbered n : events) {
            out.add(destinations.outbound(n.event(), new Delivery() {
                @Override
                public void delivered() {
                    meters.sent().increment();
                    latch.countDown();
                }

                @Override
                public void failed(Exception cause) {
                    meters.failed().increment();
                    failures.add(new Failure(n.line(), cause.toString()));
                    latch.countDown();
                }
            }));
        }
        if (!buffer.offerAll(out, Duration.ZERO)) {
            meters.failed().increment(events.size());
            return new Outcome(Result.BUFFER_FULL, List.of());
        }
        if (!latch.await(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return new Outcome(Result.TIMED_OUT, List.of());
        }
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort(Comparator.comparingInt(Failure::line));
        return new Outcome(Result.ACKNOWLEDGED, sorted);
    }

    /**
     * @param prefix what the id starts with
     * @param body   a request's body
     * @return {@code prefix} and the first 16 hex digits of the body's SHA-256, then {@code -}: the start of the ids of
     *         the body's events, so that a retried body gives its events the same ids
     */
    public static String bodyId(String prefix, byte[] body) {
        try {
            return prefix + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 8) + "-";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * Reads a request's body, gunzipping it when {@code Content-Encoding: gzip}.
     *
     * @param ctx      the request
     * @param maxBytes the most bytes the (decoded) body may have
     * @return the body, or null when it is larger than {@code maxBytes}
     * @throws java.util.zip.ZipException when the body is not valid gzip
     * @throws IOException when it cannot be read
     */
    public static byte[] readBody(Context ctx, long maxBytes) throws IOException {
        if (ctx.req().getContentLengthLong() > maxBytes) {
            return null;
        }
        InputStream in = ctx.bodyInputStream();
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            in = new GZIPInputStream(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = in.read(chunk)) > 0) {
            if (out.size() + n > maxBytes) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
