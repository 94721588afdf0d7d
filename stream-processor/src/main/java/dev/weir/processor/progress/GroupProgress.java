package dev.weir.processor.progress;

import dev.weir.common.ops.HealthCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the processor's consumer group is getting anywhere, seen from outside it: the group's committed offsets
 * against the end of each partition it reads (the last stable offset, as a {@code read_committed} reader sees it), for
 * every partition of the raw topics and every partition the group has committed, whichever instance holds it. A
 * partition the group never committed counts from its first offset.
 *
 * <ul>
 *   <li>{@code weir_processor_group_lag{topic,partition}}: records not yet processed by the group, per partition,
 *       also those assigned to other instances or to none; the Kafka client's own {@code records_lag} covers only this
 *       instance's assigned partitions;</li>
 *   <li>{@link #check}: not ready while a stream thread that died has not been followed by progress (a commit of the
 *       group, or no lag at all), and while the group has lag but committed nothing for {@code stallAfter}.</li>
 * </ul>
 *
 * <p>{@link #poll} asks the cluster (two requests) and is called periodically by the App; {@link #check} only reads
 * what the last poll found. Thread-safe.
 */
public final class GroupProgress {
    private static final Logger log = LoggerFactory.getLogger(GroupProgress.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final String groupId;
    private final List<String> inputs;
    private final Duration stallAfter;
    private final Supplier<Instant> lastDeath;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();

    private Map<TopicPartition, Long> lastCommitted = Map.of(); // guarded by this
    private Instant lastPoll; // guarded by this
    private volatile Instant progressedAt; // start of the last poll interval in which the group committed, or of a poll with no lag
    private volatile Instant committedAt; // the last poll that saw a commit
    private volatile long totalLag = -1;
    private volatile String pollError;

    /**
     * @param admin      an admin client of the cluster; closed by its owner
     * @param groupId    the consumer group, the Streams application id
     * @param inputs     topics whose every partition counts, committed or not (the raw topics)
     * @param stallAfter how long a group with lag may go without a commit before it counts as stalled
     * @param lastDeath  when a stream thread last died, {@code null} if none has
     * @param registry   where the gauges go
     * @param clock      for the stall window
     */
    public GroupProgress(Admin admin, String groupId, List<String> inputs, Duration stallAfter, Supplier<Instant> lastDeath,
                         MeterRegistry registry, Clock clock) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.inputs = List.copyOf(inputs);
        this.stallAfter = Objects.requireNonNull(stallAfter, "stallAfter");
        this.lastDeath = Objects.requireNonNull(lastDeath, "lastDeath");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Asks the cluster for the group's offsets and the partitions' ends, and updates the gauges. Never throws. */
    public synchronized void poll() {
        Instant now = clock.instant();
        try {
            Map<TopicPartition, Long> committed = new HashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).entrySet()) {
                if (e.getValue() != null) {
                    committed.put(e.getKey(), e.getValue().offset());
                }
            }
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            for (TopicDescription d : admin.describeTopics(inputs).allTopicNames()
                    .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
                d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
            Set<TopicPartition> uncommitted = new HashSet<>(partitions);
            uncommitted.removeAll(committed.keySet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = uncommitted.isEmpty() ? Map.of()
                    : offsets(uncommitted, OffsetSpec.earliest());
            long total = 0;
            for (TopicPartition tp : partitions) {
                long end = ends.get(tp).offset();
                Long at = committed.get(tp);
                long lag = Math.max(0, end - (at != null ? at : starts.get(tp).offset()));
                gauge(tp).set(lag);
                total += lag;
            }
            boolean advanced = false;
            for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
                Long before = lastCommitted.get(e.getKey());
                advanced |= before == null ? lastPoll != null : e.getValue() > before;
            }
            if (advanced) {
                committedAt = now;
                progressedAt = lastPoll != null ? lastPoll : now;
            } else if (total == 0) {
                progressedAt = now;
            }
            if (committedAt == null) {
                committedAt = now; // the watch starts here: a stall is only judged over what it saw
            }
            lastCommitted = committed;
            lastPoll = now;
            totalLag = total;
            pollError = null;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            pollError = e instanceof ExecutionException ? String.valueOf(e.getCause()) : e.toString();
            log.warn("Cannot read the progress of consumer group {}: {}", groupId, pollError);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private AtomicLong gauge(TopicPartition tp) {
        return lags.computeIfAbsent(tp, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("weir.processor.group.lag", value, AtomicLong::get)
                    .description("Records of the partition the processor's consumer group has not processed yet, whoever holds it")
                    .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition())).register(registry);
            return value;
        });
    }

    /** @return the group's lag over every partition it reads, as of the last poll; -1 before the first */
    public long totalLag() {
        return totalLag;
    }

    /**
     * @return up while the group gets on; down after a stream thread died until the group progressed again, and while
     *         it has lag but committed nothing for {@code stallAfter}
     */
    public HealthCheck.Status check() {
        Instant death = lastDeath.get();
        Instant progressed = progressedAt;
        if (death != null && (progressed == null || !progressed.isAfter(death))) {
            return HealthCheck.Status.down("thread_died", "A stream thread died at " + death
                    + "; the group has not progressed since (its replacement may be stuck on the same record).");
        }
        long lag = totalLag;
        Instant committed = committedAt;
        if (lag > 0 && committed != null && Duration.between(committed, clock.instant()).compareTo(stallAfter) > 0) {
            return HealthCheck.Status.down("stalled", "The consumer group " + groupId + " has " + lag + " records to process "
                    + "but committed nothing since " + committed + " (more than " + stallAfter.toSeconds() + " s).");
        }
        if (pollError != null) {
            return HealthCheck.Status.up("unknown"); // Kafka's own readiness (Streams state) speaks for the connection
        }
        return HealthCheck.Status.up(lag < 0 ? "starting" : "progressing");
    }
}
