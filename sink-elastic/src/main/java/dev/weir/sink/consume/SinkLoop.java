package dev.weir.sink.consume;

import dev.weir.sink.SinkConfig;
import dev.weir.sink.bulk.Batch;
import dev.weir.sink.bulk.BulkIndexer;
import dev.weir.sink.document.IndexDoc;
import dev.weir.sink.document.RecordConverter;
import dev.weir.sink.ops.SinkMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer thread: polls, turns records into documents, cuts them into batches (by count,
 * bytes and age), hands each batch to the {@link BulkIndexer} on the bulk executor (at most
 * {@code concurrency} running at once, plus {@link #READY_BATCHES} waiting) and commits offsets once a batch and every batch before it are
 * done - so a committed offset means every earlier record is in Elasticsearch or dead-lettered.
 *
 * <p>Backpressure: when every bulk slot is busy and the next batch is full, the loop pauses all
 * assigned partitions and keeps calling {@code poll} (which keeps the group membership alive
 * and returns nothing), until a slot frees up; a finished batch wakes the poll up. Memory is
 * bounded by (concurrency + 2) batches plus one poll of records.
 *
 * <p>Rebalance: revoked partitions get the finished batches committed; everything not yet
 * committed is forgotten and the consumer rewinds to the committed offsets, so the records are
 * read again - by this or another instance - and their deterministic ids make the repeat
 * harmless (409).
 *
 * <p>Not thread-safe: {@link #run()} on one thread; {@link #stop()} from any.
 */
public final class SinkLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkLoop.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration LAG_INTERVAL = Duration.ofSeconds(5);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration IDLE_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /**
     * Batches handed to the executor beyond its {@code concurrency} threads: they wait there already
     * converted, so a thread that finishes a bulk request starts the next one at once, without
     * waiting for the consumer thread to be scheduled.
     */
    static final int READY_BATCHES = 1;

    private final Consumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final RecordConverter converter;
    private final BulkIndexer indexer;
    private final ExecutorService bulkExecutor;
    private final SinkConfig.Bulk settings;
    private final SinkMetrics metrics;
    private final Clock clock;

    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    private final Deque<ConsumerRecord<byte[], byte[]>> backlog = new ArrayDeque<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile Throwable failure;
    private Batch forming;
    private Batch.Entry carry; // converted, did not fit into the forming batch
    private boolean paused;
    private Instant lastLag = Instant.EPOCH;
    private Instant lastIdleCommit = Instant.EPOCH;

    private record InFlight(Batch batch, CompletableFuture<BulkIndexer.Outcome> done) {
    }

    /**
     * @param consumer     a consumer with manual commits; used only by this loop's thread, closed by it
     * @param topics       topics to subscribe to
     * @param converter    records to documents
     * @param indexer      indexes a batch
     * @param bulkExecutor runs batches; at least {@code settings.concurrency()} threads
     * @param settings     batch limits and concurrency
     * @param metrics      meters
     * @param clock        for the time-based flush
     */
    public SinkLoop(Consumer<byte[], byte[]> consumer, Collection<String> topics, RecordConverter converter,
                    BulkIndexer indexer, ExecutorService bulkExecutor, SinkConfig.Bulk settings, SinkMetrics metrics,
                    Clock clock) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topics = java.util.List.copyOf(topics);
        this.converter = Objects.requireNonNull(converter, "converter");
        this.indexer = Objects.requireNonNull(indexer, "indexer");
        this.bulkExecutor = Objects.requireNonNull(bulkExecutor, "bulkExecutor");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.topics.forEach(t -> metrics.lag(t, 0));
    }

    /** @return whether the consumer has joined its group and holds partitions (or the group has none for it) */
    public boolean isAssigned() {
        return assigned;
    }

    /** @return why the loop ended abnormally, or {@code null} */
    public Throwable failure() {
        return failure;
    }

    /** @return whether {@link #run()} is still going */
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }

    /**
     * Asks the loop to finish: it stops taking records, waits up to 20 s for batches in flight,
     * commits what is done, closes the consumer, and returns from {@link #run()}.
     *
     * @param timeout how long to wait for that
     * @return whether it finished in time
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        running = false;
        consumer.wakeup();
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics, new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(pollTimeout());
                } catch (WakeupException e) {
                    if (!running) {
                        break;
                    }
                    records = ConsumerRecords.empty();
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    backlog.add(r);
                }
                fill();
                commitDone(false);
                commitPositionsWhenIdle();
                backpressure();
                lag();
            }
            drain();
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("The sink's consumer loop stopped: {}", e.toString(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the consumer failed", e);
            }
            stopped.countDown();
        }
    }

    private Duration pollTimeout() {
        if (forming == null || forming.isEmpty() || inFlight.size() >= maxInFlight()) {
            return IDLE_POLL;
        }
        Duration left = Duration.between(clock.instant(), forming.createdAt().plus(settings.flushInterval()));
        if (left.isNegative() || left.isZero()) {
            return Duration.ofMillis(1);
        }
        return left.compareTo(IDLE_POLL) < 0 ? left : IDLE_POLL;
    }

    /** Moves records from the backlog into batches and sends every batch that is full or due, while slots are free. */
    private void fill() {
        while (true) {
            if (carry == null && !backlog.isEmpty()) {
                carry = convert(backlog.poll());
            }
            if (carry == null) {
                break;
            }
            if (forming == null) {
                forming = new Batch(clock.instant());
            }
            int size = carry.doc() != null ? carry.doc().json().length
                    : carry.record().value() == null ? 0 : carry.record().value().length;
            if (forming.fits(size, settings.maxDocs(), settings.maxBytes())) {
                forming.add(carry);
                carry = null;
                if (forming.isFull(settings.maxDocs(), settings.maxBytes()) && !dispatch()) {
                    break;
                }
            } else if (!dispatch()) {
                break;
            }
        }
        if (forming != null && forming.isDue(clock.instant(), settings.flushInterval())) {
            dispatch();
        }
    }

    private Batch.Entry convert(ConsumerRecord<byte[], byte[]> r) {
        try {
            IndexDoc doc = converter.convert(r);
            return new Batch.Entry(r, doc, null);
        } catch (RecordConverter.UndecodableRecordException e) {
            log.warn("Record {}-{}@{} cannot be read ({}); dead-lettering it", r.topic(), r.partition(), r.offset(), e.getMessage());
            return new Batch.Entry(r, null, new Batch.Rejection("undecodable", "deserialize", e.errorType(), e.getMessage()));
        }
    }

    /** @return whether the forming batch was handed over (false: no free slot) */
    private boolean dispatch() {
        if (forming == null || forming.isEmpty()) {
            return true;
        }
        if (inFlight.size() >= maxInFlight()) {
            return false;
        }
        Batch batch = forming;
        forming = null;
        CompletableFuture<BulkIndexer.Outcome> done = CompletableFuture.supplyAsync(() -> {
            try {
                return indexer.index(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Shutting down");
            }
        }, bulkExecutor);
        done.whenComplete((o, e) -> consumer.wakeup());
        inFlight.add(new InFlight(batch, done));
        metrics.inFlight(inFlight.size());
        return true;
    }

    private int maxInFlight() {
        return settings.concurrency() + READY_BATCHES;
    }

    /** Commits the offsets of the finished batches at the head of the queue. */
    private void commitDone(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        while (!inFlight.isEmpty() && inFlight.peek().done().isDone()) {
            InFlight head = inFlight.poll();
            try {
                head.done().join();
            } catch (CancellationException | CompletionException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof CancellationException && !running) {
                    inFlight.clear();
                    break;
                }
                throw new IllegalStateException("Indexing a batch failed unexpectedly: " + cause, cause);
            }
            offsets.putAll(head.batch().offsetsToCommit());
        }
        metrics.inFlight(inFlight.size());
        if (offsets.isEmpty()) {
            return;
        }
        offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        if (sync) {
            try {
                consumer.commitSync(offsets);
            } catch (WakeupException e) {
                // a finished batch (or stop()) left a wake-up pending; it is consumed now
                consumer.commitSync(offsets);
            }
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    // A later commit covers these offsets; at worst the records are read again and get 409.
                    log.warn("Committing offsets {} failed: {}", o, e.toString());
                }
            });
        }
    }

    /**
     * When every record read so far is done, commits the consumer's positions. They can be past the
     * last record's offset + 1: transaction markers (weir.logs is written with exactly_once_v2)
     * occupy offsets too, and without this the group would always lag by them.
     */
    private void commitPositionsWhenIdle() {
        boolean idle = inFlight.isEmpty() && (forming == null || forming.isEmpty()) && carry == null && backlog.isEmpty();
        Instant now = clock.instant();
        if (!idle || Duration.between(lastIdleCommit, now).compareTo(IDLE_COMMIT_INTERVAL) < 0) {
            return;
        }
        lastIdleCommit = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            long position;
            try {
                position = consumer.position(tp, Duration.ofMillis(100));
            } catch (RuntimeException e) {
                continue; // no position yet (or woken up): next time
            }
            Long done = committed.get(tp);
            // only partitions this loop has committed batches of: others have nothing new to confirm
            if (done != null && position > done) {
                offsets.put(tp, new OffsetAndMetadata(position));
            }
        }
        if (!offsets.isEmpty()) {
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    log.debug("Committing idle positions {} failed: {}", o, e.toString());
                }
            });
        }
    }

    private void backpressure() {
        boolean shouldPause = !backlog.isEmpty() || carry != null;
        if (shouldPause && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
            metrics.paused(true);
            log.debug("Paused consumption: {} batches in flight", inFlight.size());
        } else if (!shouldPause && paused) {
            consumer.resume(consumer.paused());
            paused = false;
            metrics.paused(false);
            log.debug("Resumed consumption");
        }
    }

    private void lag() {
        Instant now = clock.instant();
        if (Duration.between(lastLag, now).compareTo(LAG_INTERVAL) < 0) {
            return;
        }
        lastLag = now;
        Map<String, Long> byTopic = new HashMap<>();
        topics.forEach(t -> byTopic.put(t, 0L));
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                byTopic.merge(tp.topic(), l.getAsLong(), Long::sum);
            }
        }
        byTopic.forEach(metrics::lag);
    }

    /** On stop: waits a while for batches in flight, commits what finished. */
    private void drain() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (InFlight f : inFlight) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                f.done().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                break;
            }
        }
        try {
            commitDone(true);
        } catch (RuntimeException e) {
            log.warn("Final commit failed; the uncommitted records will be read again and deduplicated", e);
        }
        if (!inFlight.isEmpty()) {
            log.info("Stopping with {} batches unfinished; their records will be read again", inFlight.size());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                commitDone(true);
            } catch (RuntimeException e) {
                log.warn("Commit on rebalance failed; the records will be read again", e);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            lastLag = Instant.EPOCH; // measure the new partitions' lag at once
            log.info("Assigned {}", partitions);
        }

        private void forget(Collection<TopicPartition> revoked) {
            boolean hadWork = !inFlight.isEmpty() || forming != null || carry != null || !backlog.isEmpty();
            // The batches in flight keep running (their documents are harmless), but are never committed.
            inFlight.clear();
            forming = null;
            carry = null;
            backlog.clear();
            metrics.inFlight(0);
            if (hadWork) {
                Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
                kept.removeAll(revoked);
                for (TopicPartition tp : kept) {
                    Long offset = committed.get(tp);
                    if (offset != null) {
                        consumer.seek(tp, offset);
                    } else {
                        OffsetAndMetadata c = committedOf(tp);
                        if (c == null) {
                            consumer.seekToBeginning(Set.of(tp));
                        } else {
                            consumer.seek(tp, c.offset());
                        }
                    }
                }
            }
            revoked.forEach(committed::remove);
        }

        private OffsetAndMetadata committedOf(TopicPartition tp) {
            try {
                return consumer.committed(Set.of(tp)).get(tp);
            } catch (WakeupException e) {
                // a batch finished meanwhile and woke the consumer up: ask again
                return consumer.committed(Set.of(tp)).get(tp);
            }
        }
    }
}
