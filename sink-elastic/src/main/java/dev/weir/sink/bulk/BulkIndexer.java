package dev.weir.sink.bulk;

import dev.weir.sink.deadletter.DeadLetterPublisher;
import dev.weir.sink.document.DeadLetterDocuments;
import dev.weir.sink.document.IndexDoc;
import dev.weir.sink.ops.ClusterStatus;
import dev.weir.sink.ops.SinkMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes one {@link Batch} until every record in it is in Elasticsearch or dead-lettered, and
 * only then returns. The rules:
 * <ul>
 *   <li>{@code create} operations with the record's deterministic {@code _id}; 409 (already
 *       there) counts as success, so replays never duplicate;</li>
 *   <li>a {@code create} only sees the data stream's write index: documents old enough to have been
 *       indexed before its last rollover are first looked up in the whole data stream
 *       ({@link EarlierCopies}) and, when found, count as already there (not sent). A document that
 *       is created in another write index than the batch expected (a rollover while it was in
 *       flight) is checked afterwards, and its new copy removed when an older backing index holds
 *       one;</li>
 *   <li>a whole request that fails (cluster unreachable, timeout, whole-request 429 or 5xx) is
 *       sent again after a backoff, without limit: the caller's slots fill up and it stops
 *       consuming until the cluster is back;</li>
 *   <li>a document answered 429 is sent again after a backoff, without limit; one answered 5xx
 *       at most {@code maxItemRetries} times, then dead-lettered ({@code retries_exhausted});</li>
 *   <li>any other per-document error (mapping conflict, parse error, illegal argument) is
 *       permanent: the record goes to the dead-letter topic (original bytes, {@code weir.dlq.*}
 *       headers) and a document with the error goes to the dead-letter data stream.</li>
 * </ul>
 * Thread-safe: several batches may be indexed at once from different threads. Waiting between
 * retries is interruptible; an interrupted batch throws and must not be committed.
 */
public final class BulkIndexer {
    private static final Logger log = LoggerFactory.getLogger(BulkIndexer.class);
    private static final Set<String> MAPPING_ERRORS = Set.of("mapper_parsing_exception", "document_parsing_exception",
            "strict_dynamic_mapping_exception", "illegal_argument_exception", "mapper_exception", "parse_exception",
            "x_content_parse_exception");

    private final BulkEndpoint bulk;
    private final EarlierCopies copies;
    private final DeadLetterPublisher deadLetters;
    private final DeadLetterDocuments deadLetterDocs;
    private final SinkMetrics metrics;
    private final ClusterStatus cluster;
    private final Backoff backoff;
    private final int maxItemRetries;
    private final Clock clock;

    /**
     * @param bulk           the cluster's _bulk API
     * @param copies         finds documents already in an older backing index
     * @param deadLetters    where rejected records go on Kafka
     * @param deadLetterDocs builds the dead-letter documents and redacts what is logged about them
     * @param metrics        counters
     * @param cluster        reachability, for readiness
     * @param backoff        delays between retries
     * @param maxItemRetries attempts for documents answered 5xx
     * @param clock          for dead-letter times
     */
    public BulkIndexer(BulkEndpoint bulk, EarlierCopies copies, DeadLetterPublisher deadLetters,
                       DeadLetterDocuments deadLetterDocs, SinkMetrics metrics, ClusterStatus cluster, Backoff backoff,
                       int maxItemRetries, Clock clock) {
        this.bulk = Objects.requireNonNull(bulk, "bulk");
        this.copies = Objects.requireNonNull(copies, "copies");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.deadLetterDocs = Objects.requireNonNull(deadLetterDocs, "deadLetterDocs");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.maxItemRetries = maxItemRetries;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What happened to a batch.
     *
     * @param created      documents created now
     * @param duplicates   documents that were already there (409)
     * @param deadLettered records dead-lettered
     */
    public record Outcome(int created, int duplicates, int deadLettered) {
    }

    /** A document on its way, with the record it came from. */
    private static final class Pending {
        final ConsumerRecord<byte[], byte[]> record;
        final IndexDoc doc;
        final boolean deadLetterDoc;
        int serverErrors;
        boolean checked; // looked up in older backing indices if it needed to be

        Pending(ConsumerRecord<byte[], byte[]> record, IndexDoc doc, boolean deadLetterDoc) {
            this.record = record;
            this.doc = doc;
            this.deadLetterDoc = deadLetterDoc;
        }

        /** The earlier of the document's {@code @timestamp} and its record's timestamp: bounds when it was first indexed. */
        long earliest() {
            return Math.min(doc.timestamp(), record.timestamp());
        }
    }

    /**
     * @param batch the records to index
     * @return counts
     * @throws InterruptedException when interrupted (shutdown); the batch is then not done
     */
    public Outcome index(Batch batch) throws InterruptedException {
        List<Pending> pending = new ArrayList<>(batch.docs());
        List<Published> published = new ArrayList<>();
        int[] counts = new int[3];
        for (Batch.Entry e : batch.entries()) {
            if (e.doc() != null) {
                pending.add(new Pending(e.record(), e.doc(), false));
            } else if (e.rejection() != null) {
                Batch.Rejection r = e.rejection();
                deadLetter(e.record(), r.reason(), r.stage(), r.errorType(), r.detail(), null, pending, published);
                counts[2]++;
            }
        }
        // per data stream, the write index this batch's decisions were based on
        Map<String, WriteIndex> expected = new HashMap<>(4);
        List<Suspect> suspects = new ArrayList<>();
        int requestAttempt = 0;
        int itemAttempt = 0;
        while (!pending.isEmpty()) {
            List<BulkEndpoint.Item> items;
            long started = 0;
            try {
                pending = skipEarlierCopies(pending, expected, counts);
                if (pending.isEmpty()) {
                    break;
                }
                started = System.nanoTime();
                items = bulk.create(docs(pending));
                metrics.bulkLatency().record(Duration.ofNanos(System.nanoTime() - started));
            } catch (Exception e) {
                if (started != 0) {
                    metrics.bulkLatency().record(Duration.ofNanos(System.nanoTime() - started));
                }
                requestFailed(e, requestAttempt++, pending.size());
                continue;
            }
            cluster.up();
            requestAttempt = 0;
            List<Pending> next = new ArrayList<>();
            int retriable = 0;
            Map<String, int[]> indexedByTopic = new HashMap<>(4);
            for (int i = 0; i < items.size(); i++) {
                BulkEndpoint.Item item = items.get(i);
                Pending p = pending.get(i);
                int status = item.status();
                if (status >= 200 && status < 300 && !inExpectedIndex(expected, p, item)) {
                    // created in a write index this batch did not know: a rollover happened meanwhile
                    suspects.add(new Suspect(p, new BulkEndpoint.Version(item.index(), p.doc.id(), item.seqNo(),
                            item.primaryTerm())));
                } else if ((status >= 200 && status < 300) || status == 409) {
                    if (!p.deadLetterDoc) {
                        indexedByTopic.computeIfAbsent(p.record.topic(), t -> new int[2])[status == 409 ? 1 : 0]++;
                        counts[status == 409 ? 1 : 0]++;
                    }
                } else if (status == 429) {
                    next.add(p);
                    retriable++;
                    metrics.retried("429", 1);
                } else if (status >= 500 && ++p.serverErrors <= maxItemRetries) {
                    next.add(p);
                    retriable++;
                    metrics.retried("5xx", 1);
                } else {
                    String type = item.errorType() == null ? "http_" + status : item.errorType();
                    // Elasticsearch's reason quotes the refused value: redacted before it is logged, indexed or sent
                    String detail = deadLetterDocs.redact("Elasticsearch rejected the document for " + p.doc.target()
                            + " (status " + status + ", " + type + "): "
                            + (item.errorReason() == null ? "no reason given" : item.errorReason()));
                    if (p.deadLetterDoc) {
                        metrics.deadLetterRejected();
                        log.error("Dead-letter document {} for {}-{}@{} was rejected too; it stays on the dead-letter topic only: {}",
                                p.doc.id(), p.record.topic(), p.record.partition(), p.record.offset(), detail);
                    } else {
                        String reason = status >= 500 ? "retries_exhausted" : MAPPING_ERRORS.contains(type) ? "mapping_conflict"
                                : "rejected_document";
                        log.warn("Dead-lettering {}-{}@{} (_id {}): {}", p.record.topic(), p.record.partition(),
                                p.record.offset(), p.doc.id(), detail);
                        deadLetter(p.record, reason, "sink", type, detail, p.doc.json(), next, published);
                        counts[2]++;
                    }
                }
            }
            countIndexed(indexedByTopic);
            if (retriable > 0) {
                Duration wait = backoff.delay(itemAttempt++);
                log.info("{} of {} documents were refused for now (429/5xx); retrying them in {} ms", retriable,
                        pending.size(), wait.toMillis());
                Thread.sleep(wait.toMillis());
            }
            pending = next;
        }
        resolveSuspects(suspects, counts);
        awaitPublished(published);
        return new Outcome(counts[0], counts[1], counts[2]);
    }

    /** A document created in another index than the batch expected, until it is known not to have a twin. */
    private record Suspect(Pending pending, BulkEndpoint.Version created) {
    }

    private void requestFailed(Exception e, int attempt, int docs) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("Interrupted during a request to Elasticsearch");
        }
        Duration wait = backoff.delay(attempt);
        String why = e.getClass().getSimpleName() + ": " + e.getMessage();
        cluster.down(why);
        metrics.retried("request", 1);
        log.warn("Request for {} documents failed ({}); retrying in {} ms (attempt {})", docs, why, wait.toMillis(),
                attempt + 1);
        Thread.sleep(wait.toMillis());
    }

    private static boolean inExpectedIndex(Map<String, WriteIndex> expected, Pending p, BulkEndpoint.Item item) {
        WriteIndex w = expected.get(p.doc.target());
        return w != null && w.name() != null && w.name().equals(item.index());
    }

    /**
     * Leaves out of {@code pending} the documents whose copy is in an older backing index (a
     * {@code create} would not see it): they count as already indexed. Looks up only documents
     * old enough to have been indexed before their data stream's last rollover, once each.
     */
    private List<Pending> skipEarlierCopies(List<Pending> pending, Map<String, WriteIndex> expected, int[] counts)
            throws IOException {
        Map<String, List<Pending>> candidates = null;
        for (Pending p : pending) {
            if (p.checked) {
                continue;
            }
            String target = p.doc.target();
            WriteIndex w = expected.get(target);
            if (w == null) {
                w = copies.writeIndex(target);
                expected.put(target, w);
            }
            if (w.mayHoldEarlierCopy(p.earliest(), copies.skew())) {
                if (candidates == null) {
                    candidates = new HashMap<>(2);
                }
                candidates.computeIfAbsent(target, t -> new ArrayList<>()).add(p);
            }
        }
        Set<Pending> found = Collections.newSetFromMap(new IdentityHashMap<>());
        if (candidates != null) {
            for (Map.Entry<String, List<Pending>> c : candidates.entrySet()) {
                metrics.earlierCopyLookup();
                Map<String, List<String>> hits = copies.find(c.getKey(), c.getValue().stream().map(p -> p.doc.id()).toList());
                c.getValue().stream().filter(p -> hits.containsKey(p.doc.id())).forEach(found::add);
            }
        }
        pending.forEach(p -> p.checked = true);
        if (found.isEmpty()) {
            return pending;
        }
        List<Pending> rest = new ArrayList<>(pending.size() - found.size());
        Map<String, int[]> skippedByTopic = new HashMap<>(4);
        for (Pending p : pending) {
            if (!found.contains(p)) {
                rest.add(p);
            } else if (!p.deadLetterDoc) {
                skippedByTopic.computeIfAbsent(p.record.topic(), t -> new int[2])[1]++;
                counts[1]++;
            }
        }
        countIndexed(skippedByTopic);
        skippedByTopic.forEach((topic, n) -> metrics.earlierCopiesFound(topic, n[1]));
        return rest;
    }

    /**
     * For documents created in an unexpected write index: looks for a copy in an older backing
     * index, and where there is one removes the copy just created (only that version of it, and
     * only when the other copy's index is older, so two instances never both remove theirs).
     */
    private void resolveSuspects(List<Suspect> suspects, int[] counts) throws InterruptedException {
        if (suspects.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Set<Suspect> twins = twinned(suspects);
                removeOwnCopies(twins);
                Map<String, int[]> byTopic = new HashMap<>(4);
                for (Suspect s : suspects) {
                    if (!s.pending().deadLetterDoc) {
                        int result = twins.contains(s) ? 1 : 0;
                        byTopic.computeIfAbsent(s.pending().record.topic(), t -> new int[2])[result]++;
                        counts[result]++;
                    }
                }
                countIndexed(byTopic);
                byTopic.forEach((topic, n) -> metrics.earlierCopiesFound(topic, n[1]));
                return;
            } catch (Exception e) {
                requestFailed(e, attempt, suspects.size());
            }
        }
    }

    private Set<Suspect> twinned(List<Suspect> suspects) throws IOException {
        Map<String, List<Suspect>> byStream = new HashMap<>(2);
        suspects.forEach(s -> byStream.computeIfAbsent(s.pending().doc.target(), t -> new ArrayList<>()).add(s));
        Set<Suspect> twins = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, List<Suspect>> e : byStream.entrySet()) {
            WriteIndex now = copies.refresh(e.getKey());
            List<Suspect> candidates = e.getValue().stream()
                    .filter(s -> now.mayHoldEarlierCopy(s.pending().earliest(), copies.skew())).toList();
            if (candidates.isEmpty()) {
                continue;
            }
            metrics.earlierCopyLookup();
            Map<String, List<String>> hits = copies.find(e.getKey(), candidates.stream().map(s -> s.pending().doc.id()).toList());
            for (Suspect s : candidates) {
                List<String> at = hits.getOrDefault(s.pending().doc.id(), List.of());
                BulkEndpoint.Version v = s.created();
                if (v.index() != null && v.seqNo() >= 0 && v.primaryTerm() > 0
                        && at.stream().anyMatch(i -> EarlierCopies.older(i, v.index()))) {
                    twins.add(s);
                }
            }
        }
        return twins;
    }

    private void removeOwnCopies(Set<Suspect> twins) throws IOException {
        if (twins.isEmpty()) {
            return;
        }
        for (BulkEndpoint.Item item : bulk.delete(twins.stream().map(Suspect::created).toList())) {
            // 200: removed; 404: gone already; 409: changed since, not ours to remove
            if (item.status() == 429 || item.status() >= 500) {
                throw new IOException("Removing a second copy from " + item.index() + " answered " + item.status());
            }
        }
        log.info("Removed {} documents just created that were already in an older backing index (a rollover happened "
                + "while they were indexed)", twins.size());
    }

    private void countIndexed(Map<String, int[]> byTopic) {
        byTopic.forEach((topic, n) -> {
            if (n[0] > 0) {
                metrics.indexed(topic, false, n[0]);
            }
            if (n[1] > 0) {
                metrics.indexed(topic, true, n[1]);
            }
        });
    }

    /** A dead letter on its way to the topic, with the record it is for. */
    private record Published(ConsumerRecord<byte[], byte[]> record, String reason, CompletableFuture<?> sent) {
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String stage, String errorType,
                            String detail, byte[] attempted, List<Pending> pending, List<Published> published) {
        Instant now = clock.instant();
        metrics.deadLettered(reason);
        pending.add(new Pending(record, deadLetterDocs.rejected(record, reason, stage, errorType, detail, attempted, now), true));
        // A record of the dead-letter topic itself is not written back to it: that would loop.
        if (!record.topic().equals(deadLetters.topic())) {
            published.add(new Published(record, reason, deadLetters.publish(record, reason, stage, deadLetterDocs.redact(detail), now)));
        }
    }

    /**
     * Waits for the dead letters of the batch. The producer retries until delivery.timeout.ms (unbounded in
     * KafkaClients), so a failure is about the record itself: it is counted and logged, and the batch goes on (its
     * dead-letter document is in Elasticsearch already).
     */
    private void awaitPublished(List<Published> published) throws InterruptedException {
        for (Published p : published) {
            try {
                p.sent().get();
            } catch (ExecutionException e) {
                metrics.deadLetterFailed();
                log.error("Could not write the dead letter ({}) for {}-{}@{} to {}; its document is in the dead-letter index only: {}",
                        p.reason(), p.record().topic(), p.record().partition(), p.record().offset(), deadLetters.topic(),
                        e.getCause().toString());
            }
        }
    }

    private static List<IndexDoc> docs(List<Pending> pending) {
        List<IndexDoc> docs = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            docs.add(p.doc);
        }
        return docs;
    }
}
