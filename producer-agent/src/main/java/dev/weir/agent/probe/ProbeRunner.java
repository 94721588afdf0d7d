package dev.weir.agent.probe;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.InputMeters;
import dev.weir.agent.ship.OutboundEvent;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the probes of the probes topic that this agent owns, and ships each result as a log event.
 *
 * <p><b>Each probe runs on one agent.</b> Probes are records of a compacted topic keyed by probe
 * name, so each lives in one partition. Every agent with probes enabled joins one consumer group
 * on that topic; the group gives each partition to exactly one member, and an agent runs only the
 * probes of the partitions it holds. A partition is taken from its old owner (which stops its probes
 * in {@code onPartitionsRevoked}) before another member is given it; a member that dies loses its
 * partitions after the consumer session timeout. On every assignment the agent reads its partitions
 * from the beginning, so the compacted topic is the whole truth and no offsets are committed.
 *
 * <p><b>Slots.</b> A probe runs at fixed points in time: {@code offset + k × interval}, with an
 * offset from the probe's name (spreading probes of equal interval). An agent that takes a
 * partition over continues with the next slot, so a probe does not run twice in one interval when
 * it moves; the event id is the probe and its slot, so a run repeated in one slot (a partition moving
 * while a run is under way) is one document downstream.
 *
 * <p>Thread-safe; one consumer thread, a scheduler thread and a pool for the runs.
 */
public final class ProbeRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);

    /**
     * @param kafka            Kafka, with its security settings
     * @param topic            the probes topic
     * @param group            the consumer group every agent shares
     * @param clientId         the consumer's client id
     * @param logsTopic        where results go ({@code weir.raw.logs})
     * @param environment      {@code service.environment} of results, or null
     * @param hostName         {@code host.name} of results
     */
    public record Settings(KafkaSettings kafka, String topic, String group, String clientId, String logsTopic,
                           String environment, String hostName) {
        public Settings {
            Objects.requireNonNull(kafka, "kafka");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(logsTopic, "logsTopic");
            Objects.requireNonNull(hostName, "hostName");
        }
    }

    private record Scheduled(ProbeDefinition probe, TopicPartition partition, ScheduledFuture<?>[] next) {
    }

    private final Settings settings;
    private final EventBuffer buffer;
    private final ProbeCheck check;
    private final Clock clock;
    private final MeterRegistry registry;
    private final InputMeters meters;
    private final Map<String, Scheduled> running = new ConcurrentHashMap<>();
    private final Map<String, Counter> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService runners;
    private final Thread thread;
    private final KafkaConsumer<String, String> consumer;
    private final Counter invalid;
    private volatile boolean stopping;

    /**
     * @param settings where to read probes and write results
     * @param buffer   the agent's buffer
     * @param check    runs one probe
     * @param registry for {@code weir_agent_probe_*} meters
     * @param clock    the clock
     */
    public ProbeRunner(Settings settings, EventBuffer buffer, ProbeCheck check, MeterRegistry registry, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.check = Objects.requireNonNull(check, "check");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = InputMeters.of(registry, "probes");
        this.invalid = Counter.builder("weir.agent.probes.invalid").description("Probe records of the probes topic that were skipped as invalid")
                .register(registry);
        Gauge.builder("weir.agent.probes.assigned", running, Map::size).description("Probes this agent runs").register(registry);
        Map<String, Object> props = KafkaClients.consumer(settings.kafka(), settings.group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId());
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("weir-agent-probe-schedule"));
        this.runners = Executors.newCachedThreadPool(daemon("weir-agent-probe-run"));
        this.thread = new Thread(this::loop, "weir-agent-probes");
        this.thread.setDaemon(true);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Joins the group and starts running the probes it is given. */
    public void start() {
        thread.start();
    }

    /** @return names of the probes this agent runs now */
    public Set<String> assigned() {
        return Set.copyOf(running.keySet());
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    stopAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    stopAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // the compacted topic is the whole truth: read it again, whatever was read before
                    consumer.seekToBeginning(partitions);
                    log.info("Probes: this agent now owns partitions {} of {}", partitions, settings.topic());
                }
            });
            while (!stopping) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                log.error("The probes consumer was woken up unexpectedly; probes stop on this agent", e);
            }
        } catch (RuntimeException e) {
            log.error("The probes consumer failed; probes stop on this agent until it restarts", e);
        } finally {
            stopAll(null);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        String name = r.key();
        if (name == null) {
            invalid.increment();
            log.error("Skipping a record without key at {}-{} offset {}: probes are keyed by name", r.topic(), r.partition(), r.offset());
            return;
        }
        Scheduled current = running.get(name);
        if (r.value() == null) {
            if (current != null) {
                stop(name);
                log.info("Probe {} removed", name);
            }
            return;
        }
        ProbeDefinition probe;
        try {
            probe = ProbeSet.parseOne(name, r.value());
        } catch (ProbeException e) {
            invalid.increment();
            log.error("Skipping probe {} at {}-{} offset {}: {}", name, r.topic(), r.partition(), r.offset(), e.getMessage());
            return;
        }
        if (current != null && current.probe().yaml().equals(probe.yaml())) {
            return;
        }
        stop(name);
        Scheduled s = new Scheduled(probe, new TopicPartition(r.topic(), r.partition()), new ScheduledFuture<?>[1]);
        running.put(name, s);
        // strictly after now: an agent handing this probe over may have run the slot starting this very millisecond
        scheduleNext(s, nextSlot(probe, clock.instant().plusMillis(1)));
        log.info("Probe {} runs on this agent every {} ({} {})", name, probe.interval(), probe.type(), probe.target());
    }

    /** @return the first slot of {@code probe} at or after {@code now} */
    static Instant nextSlot(ProbeDefinition probe, Instant now) {
        long interval = probe.interval().toMillis();
        long offset = Math.floorMod(probe.name().hashCode(), interval);
        long t = now.toEpochMilli();
        long k = Math.floorDiv(t - offset + interval - 1, interval);
        return Instant.ofEpochMilli(offset + k * interval);
    }

    private void scheduleNext(Scheduled s, Instant slot) {
        long delay = Math.max(0, slot.toEpochMilli() - clock.millis());
        synchronized (s) {
            if (running.get(s.probe().name()) != s) {
                return;
            }
            try {
                s.next()[0] = scheduler.schedule(() -> runners.execute(() -> runOnce(s, slot)), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void runOnce(Scheduled s, Instant slot) {
        if (running.get(s.probe().name()) != s || stopping) {
            return;
        }
        // the next run is booked before this one, so a slow target does not shift the slots
        scheduleNext(s, slot.plus(s.probe().interval()));
        ProbeResult result;
        try {
            result = check.run(s.probe(), slot);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            log.error("Probe {} failed to run", s.probe().name(), e);
            return;
        }
        runs.computeIfAbsent(s.probe().name() + (result.up() ? "\u0000up" : "\u0000down"), k -> Counter.builder("weir.agent.probe.runs")
                .tag("probe", s.probe().name()).tag("outcome", result.up() ? "up" : "down")
                .description("Probe runs on this agent").register(registry)).increment();
        ship(result);
    }

    private void ship(ProbeResult result) {
        OutboundEvent e = new OutboundEvent(settings.logsTopic(), result.probe().service().getBytes(StandardCharsets.UTF_8),
                result.toJson(settings.environment(), settings.hostName()), new Delivery() {
                    @Override
                    public void delivered() {
                        meters.sent().increment();
                    }

                    @Override
                    public void failed(Exception cause) {
                        meters.failed().increment();
                    }
                });
        meters.read().increment();
        try {
            if (!buffer.offerAll(List.of(e), Duration.ofSeconds(1))) {
                meters.failed().increment();
                log.warn("The buffer is full; the result of probe {} at {} is dropped", result.probe().name(), result.slot());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAll(Collection<TopicPartition> partitions) {
        Set<String> names = new HashSet<>();
        running.forEach((name, s) -> {
            if (partitions == null || partitions.contains(s.partition())) {
                names.add(name);
            }
        });
        names.forEach(this::stop);
        if (!names.isEmpty()) {
            log.info("Probes {} stopped on this agent (partitions {})", names, partitions == null ? "all" : partitions);
        }
    }

    private void stop(String name) {
        Scheduled s = running.remove(name);
        if (s != null) {
            synchronized (s) {
                if (s.next()[0] != null) {
                    s.next()[0].cancel(false);
                }
            }
        }
    }

    /**
     * Leaves the group (the other agents take the probes over at once), lets runs under way finish
     * and hand their results to the buffer (up to the longest probe timeout, 5 minutes), and stops.
     */
    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        scheduler.shutdownNow();
        runners.shutdown();
        try {
            thread.join(10_000);
            if (!runners.awaitTermination(5, TimeUnit.MINUTES)) {
                runners.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runners.shutdownNow();
        }
    }
}
