package dev.weir.e2e.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic of known content, generated on a fixed tick whatever happens downstream, as services produce it: per
 * tick one request and one log line for each steady service (statuses and levels in a fixed cycle: 10 % 4xx,
 * 10 % 5xx, one ERROR in six logs), one request for each spike service (200, or 500 while its spike lasts), and one
 * line appended to a file the agent tails. Requests and logs go to the agent's HTTP intake as NDJSON bodies, in
 * the order they were made, by one sender that sends a body again (same bytes, so the same event ids) until the
 * agent answers 202, as a well-behaved client does. Every event carries {@code labels.run}, {@code labels.phase}
 * and a unique {@code labels.seq}; the {@link Ledger} holds what the agent accepted.
 */
public final class Traffic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Traffic.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] STATUSES = {200, 200, 201, 404, 200, 500, 200, 204, 302, 200};
    private static final String[] LEVELS = {"info", "info", "warn", "error", "info", "debug"};
    private static final Duration GIVE_UP = Duration.ofMinutes(10);

    /**
     * @param run            the run marker ({@code labels.run})
     * @param agent          the agent's base URL
     * @param file           the file the agent tails
     * @param fileService    the service the agent gives the file's lines
     * @param tick           time between two ticks
     * @param steadyServices services with steady requests and logs
     * @param spikeServices  services with requests only, 200 unless spiked
     */
    public record Settings(String run, URI agent, Path file, String fileService, Duration tick, List<String> steadyServices,
                           List<String> spikeServices) {
    }

    /** An NDJSON body for one intake path, and the events it holds, line by line. */
    private record Body(String path, byte[] bytes, List<SentEvent> events) {
    }

    private final Settings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final Intake intake;
    private final BlockingQueue<Body> outbox = new LinkedBlockingQueue<>();
    private final Map<String, long[]> spikes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> cycles = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong generatedBodies = new AtomicLong();
    private final AtomicLong deliveredBodies = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "e2e-traffic-tick"));
    private final Thread sender = new Thread(this::sendLoop, "e2e-traffic-send");
    private final FileChannel fileOut;
    private volatile String phase = "warm-up";
    private volatile boolean closed;

    /**
     * @param settings what to send where
     * @param ledger   where accepted events go
     * @param clock    the events' time
     */
    public Traffic(Settings settings, Ledger ledger, Clock clock) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.intake = new Intake(settings.agent());
        this.fileOut = FileChannel.open(settings.file(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Starts ticking and sending. */
    public void start() {
        sender.start();
        ticker.scheduleAtFixedRate(this::tickSafely, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @param name the phase of the events generated from now on */
    public void phase(String name) {
        this.phase = name;
    }

    /** @return the current phase */
    public String phase() {
        return phase;
    }

    /** Makes {@code service}'s requests answer 500 from now for {@code length} (event time). */
    public void spike(String service, Duration length) {
        if (!settings.spikeServices().contains(service)) {
            throw new IllegalArgumentException(service + " is not a spike service: " + settings.spikeServices());
        }
        long from = clock.millis();
        spikes.put(service, new long[] {from, from + length.toMillis()});
    }

    /** @return {@code [from, until)} of the service's spike in epoch ms, or {@code null} */
    public long[] spikeOf(String service) {
        return spikes.get(service);
    }

    /** @return the seq of the last event generated so far ("" before the first) */
    public String lastSeq() {
        long n = seq.get();
        return n == 0 ? "" : format(n);
    }

    /**
     * Waits until every body generated so far was accepted by the agent.
     *
     * @param timeout how long
     * @throws IllegalStateException when they are not within it
     */
    public void awaitDelivered(Duration timeout) {
        long target = generatedBodies.get();
        Poll.until(timeout, () -> deliveredBodies.get() >= target,
                () -> "the agent to accept every body generated so far (" + deliveredBodies.get() + " of " + target + ")");
    }

    /**
     * Sends one request for each service with the given time, through the same sender (phase {@code closer}): once
     * the processor sees them, every window before {@code at} minus its grace is closed.
     */
    public void sendClosers(List<String> services, Instant at) {
        List<ObjectNode> requests = new ArrayList<>();
        List<SentEvent> events = new ArrayList<>();
        for (String s : services) {
            SentEvent e = new SentEvent(format(seq.incrementAndGet()), null, s, "http", true, at.toEpochMilli(), 200, null, "closer");
            events.add(e);
            requests.add(request(e));
        }
        enqueue("/v1/requests", requests, events);
    }

    /** Stops generating; bodies already made are still sent until {@link #close()}. */
    public void stopGenerating() throws InterruptedException {
        ticker.shutdown();
        if (!ticker.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the traffic ticker did not stop within 30 s");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopGenerating();
        closed = true;
        sender.interrupt();
        sender.join(TimeUnit.SECONDS.toMillis(30));
        fileOut.close();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (IOException | RuntimeException e) {
            log.error("Traffic tick failed; the run will miss events", e);
            ledger.count("traffic.tick-failures", 1);
        }
    }

    private void tick() throws IOException {
        long now = clock.millis();
        String p = phase;
        List<ObjectNode> requests = new ArrayList<>();
        List<SentEvent> requestEvents = new ArrayList<>();
        List<ObjectNode> logs = new ArrayList<>();
        List<SentEvent> logEvents = new ArrayList<>();
        for (String s : settings.steadyServices()) {
            SentEvent r = new SentEvent(format(seq.incrementAndGet()), null, s, "http", true, now,
                    STATUSES[(int) (next("r" + s) % STATUSES.length)], null, p);
            requestEvents.add(r);
            requests.add(request(r));
            SentEvent l = new SentEvent(format(seq.incrementAndGet()), null, s, "http", false, now, 0,
                    LEVELS[(int) (next("l" + s) % LEVELS.length)], p);
            logEvents.add(l);
            logs.add(logLine(l).put("service.name", s));
        }
        for (String s : settings.spikeServices()) {
            long[] spike = spikes.get(s);
            int status = spike != null && now >= spike[0] && now < spike[1] ? 500 : 200;
            SentEvent r = new SentEvent(format(seq.incrementAndGet()), null, s, "http", true, now, status, null, p);
            requestEvents.add(r);
            requests.add(request(r));
        }
        SentEvent f = new SentEvent(format(seq.incrementAndGet()), null, settings.fileService(), "file", false, now, 0,
                LEVELS[(int) (next("file") % LEVELS.length)], p);
        ByteBuffer line = ByteBuffer.wrap((logLine(f).toString() + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            fileOut.write(line);
        }
        ledger.accepted(List.of(f));
        enqueue("/v1/requests", requests, requestEvents);
        enqueue("/v1/logs", logs, logEvents);
    }

    private void enqueue(String path, List<ObjectNode> lines, List<SentEvent> events) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder();
        for (ObjectNode n : lines) {
            body.append(n).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        String prefix = "h-" + HexFormat.of().formatHex(sha256(bytes), 0, 8) + "-";
        List<SentEvent> withIds = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            SentEvent e = events.get(i);
            withIds.add(new SentEvent(e.seq(), prefix + (i + 1), e.service(), e.input(), e.request(), e.timestampMs(), e.status(),
                    e.level(), e.phase()));
        }
        generatedBodies.incrementAndGet();
        outbox.add(new Body(path, bytes, withIds));
    }

    private void sendLoop() {
        while (!closed || !outbox.isEmpty()) {
            Body body;
            try {
                body = outbox.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (closed && outbox.isEmpty()) {
                    return;
                }
                continue;
            }
            if (body != null) {
                deliver(body);
                deliveredBodies.incrementAndGet();
            }
        }
    }

    /** Sends the body until the agent accepts it (or {@link #GIVE_UP} passes); records the outcome. */
    private void deliver(Body body) {
        Intake.Answer a;
        try {
            a = intake.post(body.path(), body.bytes(), GIVE_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        ledger.count("http.attempts-repeated", a.attempts() - 1);
        if (a.status() == 202 && a.rejected().isEmpty() && a.accepted() == body.events().size()) {
            ledger.accepted(body.events());
            ledger.count("http.bodies", 1);
        } else if (a.status() == 0) {
            ledger.count("http.bodies-given-up", 1);
            log.error("Gave up sending a body of {} events after {} attempts: {}", body.events().size(), a.attempts(), a.body());
        } else {
            ledger.count("http.lines-refused", body.events().size() - a.accepted());
            log.error("The agent answered {} to a valid body: {}", a.status(), a.body());
        }
    }

    private ObjectNode request(SentEvent e) {
        long n = Long.parseLong(e.seq());
        ObjectNode node = JSON.createObjectNode().put("@timestamp", Instant.ofEpochMilli(e.timestampMs()).toString())
                .put("service.name", e.service()).put("method", n % 3 == 0 ? "POST" : "GET")
                .put("path", "/orders/" + (n % 997)).put("status", e.status()).put("duration_ms", 1 + (n % 400) * 1.25);
        labels(node, e);
        return node;
    }

    private ObjectNode logLine(SentEvent e) {
        ObjectNode node = JSON.createObjectNode().put("@timestamp", Instant.ofEpochMilli(e.timestampMs()).toString())
                .put("log.level", e.level()).put("message", "order " + e.seq() + " " + e.level()).put("logger_name", "dev.shop.Orders");
        labels(node, e);
        return node;
    }

    private void labels(ObjectNode node, SentEvent e) {
        node.putObject("labels").put("run", settings.run()).put("phase", e.phase()).put("seq", e.seq());
    }

    private long next(String cycle) {
        return cycles.computeIfAbsent(cycle, k -> new AtomicLong()).getAndIncrement();
    }

    private static String format(long n) {
        return String.format("%09d", n);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
