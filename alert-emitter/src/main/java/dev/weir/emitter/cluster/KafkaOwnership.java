package dev.weir.emitter.cluster;

import dev.weir.common.kafka.KafkaSettings;
import dev.weir.emitter.notifylog.LogWriter;
import dev.weir.emitter.state.KafkaStateStore;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emitter instances share the alert groups through the consumer group {@code weir-emitter}
 * on {@code weir.alerts}: the group coordinator assigns the topic's partitions to the live
 * instances, and a group belongs to the partition its key hashes to ({@link Ownership#partition}).
 * The members do not read records through this consumer (every instance reads the whole topic
 * through its own, see {@code AlertConsumer}); membership only decides who notifies what.
 *
 * <p><b>Taking a partition over</b> (assigned): the instance creates the partition's
 * transactional {@link PartitionLogWriter}, which fences the previous owner, then notes the end
 * offsets of {@code weir.alerts} and {@code weir.notifications} at that moment. It notifies for
 * the partition's groups only once its own view has caught up with both ({@link #tick}): it then
 * knows every alert change and every notification the previous owner announced, and
 * {@link Handover#adopt} puts the resolved alerts it still has to deliver back into their groups.
 *
 * <p><b>Handing a partition over</b> (revoked by a rebalance): the instance stops starting sends
 * for it, waits for the sends under way to finish and be logged, then closes its writer. When a
 * partition is lost (this instance was thrown out of the group, e.g. after a pause longer than the
 * session timeout) it stops at once; its writer is fenced by then.
 *
 * <p>Membership runs on its own thread ({@link #run}); {@link #tick} runs on the dispatcher's.
 * Thread-safe.
 */
public final class KafkaOwnership implements Ownership, Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaOwnership.class);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(5);

    /** What the emitter does when partitions change hands. */
    public interface Handover {
        /** @return whether this instance has read both topics up to these offsets */
        boolean caughtUp(Map<TopicPartition, Long> alertsEnd, Map<TopicPartition, Long> nflogEnd);

        /** Puts the known alerts into the groups of these partitions (see {@code Dispatcher.adopt}). */
        void adopt(IntPredicate partitions);

        /** Waits for the sends under way for these partitions; false when they did not finish in time. */
        boolean drain(IntPredicate partitions, Duration timeout);

        /** @return the offsets of {@code weir.alerts} this instance has processed, for the group's lag */
        Map<TopicPartition, Long> processed();

        /** Called when partitions may have become ready, to check them soon. */
        void wake();
    }

    private record Owned(PartitionLogWriter writer, Map<TopicPartition, Long> alertsEnd, Map<TopicPartition, Long> nflogEnd,
                         boolean ready) {}

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final int partitions;
    private final PartitionLogWriterFactory writers;
    private final KafkaStateStore nflog;
    private final Map<Integer, Owned> owned = new ConcurrentHashMap<>();
    private volatile Handover handover;
    private volatile boolean running = true;
    private volatile String problem;

    /** Creates the writer of a partition (fencing its previous owner). */
    @FunctionalInterface
    interface PartitionLogWriterFactory {
        PartitionLogWriter create(int partition);
    }

    /**
     * @param consumer a consumer of the group {@code weir-emitter} (owned from now on; closed when {@link #run} ends)
     * @param kafka the cluster, for the partitions' transactional writers
     * @param topic {@code weir.alerts}
     * @param partitions how many partitions it has
     * @param nflog the notification log's store (its topic's end offsets are part of the barrier)
     * @param transactionalIdPrefix prefix of the writers' transactional ids, e.g. {@code weir-emitter-nflog}
     */
    public KafkaOwnership(Consumer<byte[], byte[]> consumer, KafkaSettings kafka, String topic, int partitions,
                          KafkaStateStore nflog, String transactionalIdPrefix) {
        this.consumer = consumer;
        this.topic = topic;
        this.partitions = partitions;
        this.nflog = nflog;
        this.writers = p -> new PartitionLogWriter(kafka, transactionalIdPrefix, p, nflog);
    }

    /** Connects the emitter; call before {@link #run}. */
    public void bind(Handover h) {
        this.handover = h;
    }

    @Override
    public LogWriter writer(String key) {
        Owned o = owned.get(partitionOf(key));
        return o != null && o.ready() ? o.writer() : null;
    }

    @Override
    public int partitionOf(String key) {
        return Ownership.partition(key, partitions);
    }

    /** @return the partitions this instance notifies for now */
    public Set<Integer> ready() {
        Set<Integer> out = new TreeSet<>();
        owned.forEach((p, o) -> {
            if (o.ready()) {
                out.add(p);
            }
        });
        return out;
    }

    /** @return why membership stopped working, or null */
    public String problem() {
        return problem;
    }

    /**
     * Makes the partitions whose barrier has been reached ready: adopts their groups, then lets
     * the notifier send for them. Called by the dispatcher's loop.
     */
    public void tick() {
        for (Map.Entry<Integer, Owned> e : owned.entrySet()) {
            Owned o = e.getValue();
            if (!o.ready() && handover.caughtUp(o.alertsEnd(), o.nflogEnd())) {
                int p = e.getKey();
                handover.adopt(q -> q == p);
                owned.replace(p, o, new Owned(o.writer(), o.alertsEnd(), o.nflogEnd(), true));
                log.info("notifying for partition {} of {} from now on", p, topic);
            }
        }
    }

    @Override
    public void run() {
        long lastCommit = 0;
        boolean failed = false;
        try {
            consumer.subscribe(List.of(topic), new Listener());
            while (running) {
                consumer.poll(Duration.ofMillis(250));
                if (System.nanoTime() - lastCommit > COMMIT_EVERY.toNanos()) {
                    commit();
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            problem = "membership in the weir-emitter group failed: " + e.getMessage();
            log.error("membership in the weir-emitter group failed; this instance notifies nothing any more", e);
        } finally {
            boolean drain = !failed;
            owned.keySet().forEach(p -> release(p, drain));
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("error closing the membership consumer", e);
            }
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Set<TopicPartition> assigned = consumer.assignment();
        handover.processed().forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (!offsets.isEmpty()) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(5));
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                log.debug("could not commit {} offsets (they only show the lag): {}", topic, e.getMessage());
            }
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            consumer.pause(assigned);
            for (TopicPartition tp : assigned) {
                int p = tp.partition();
                PartitionLogWriter writer = writers.create(p);
                List<TopicPartition> all = consumer.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                List<TopicPartition> logPartitions = consumer.partitionsFor(nflog.topic()).stream()
                        .map(i -> new TopicPartition(nflog.topic(), i.partition())).toList();
                Map<TopicPartition, Long> alertsEnd = consumer.endOffsets(all);
                Map<TopicPartition, Long> nflogEnd = consumer.endOffsets(logPartitions);
                owned.put(p, new Owned(writer, alertsEnd, nflogEnd, false));
                log.info("took over partition {} of {}; notifying once caught up with {} and {}", p, topic, alertsEnd, nflogEnd);
            }
            handover.wake();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            revoked.forEach(tp -> release(tp.partition(), true));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            lost.forEach(tp -> release(tp.partition(), false));
        }
    }

    private void release(int p, boolean drain) {
        Owned o = owned.remove(p);
        if (o == null) {
            return;
        }
        if (drain && !handover.drain(q -> q == p, DRAIN)) {
            log.warn("sends for partition {} of {} still under way after {}; its new owner sends them again with the same ids",
                    p, topic, DRAIN);
        }
        o.writer().close();
        log.info("no longer notifying for partition {} of {}", p, topic);
    }

    /** Leaves the group (its partitions go to the other instances); returns at once. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
