package dev.weir.sink.bulk;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import dev.weir.sink.deadletter.DeadLetterPublisher;
import dev.weir.sink.document.DeadLetterDocuments;
import dev.weir.sink.document.IndexDoc;
import dev.weir.sink.ops.ClusterStatus;
import dev.weir.sink.ops.SinkMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    private final ElasticsearchClient client;
    private final DeadLetterPublisher deadLetters;
    private final SinkMetrics metrics;
    private final ClusterStatus cluster;
    private final Backoff backoff;
    private final int maxItemRetries;
    private final Clock clock;

    /**
     * @param client         the cluster
     * @param deadLetters    where rejected records go on Kafka
     * @param metrics        counters
     * @param cluster        reachability, for readiness
     * @param backoff        delays between retries
     * @param maxItemRetries attempts for documents answered 5xx
     * @param clock          for dead-letter times
     */
    public BulkIndexer(ElasticsearchClient client, DeadLetterPublisher deadLetters, SinkMetrics metrics,
                       ClusterStatus cluster, Backoff backoff, int maxItemRetries, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
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

        Pending(ConsumerRecord<byte[], byte[]> record, IndexDoc doc, boolean deadLetterDoc) {
            this.record = record;
            this.doc = doc;
            this.deadLetterDoc = deadLetterDoc;
        }
    }

    /**
     * @param batch the records to index
     * @return counts
     * @throws InterruptedException when interrupted (shutdown); the batch is then not done
     */
    public Outcome index(Batch batch) throws InterruptedException {
        List<Pending> pending = new ArrayList<>(batch.docs());
        List<CompletableFuture<?>> published = new ArrayList<>();
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
        int requestAttempt = 0;
        int itemAttempt = 0;
        while (!pending.isEmpty()) {
            BulkResponse response;
            long started = System.nanoTime();
            try {
                response = client.bulk(request(pending));
                metrics.bulkLatency().record(Duration.ofNanos(System.nanoTime() - started));
            } catch (Exception e) {
                metrics.bulkLatency().record(Duration.ofNanos(System.nanoTime() - started));
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("Interrupted during a bulk request");
                }
                Duration wait = backoff.delay(requestAttempt++);
                String why = e.getClass().getSimpleName() + ": " + e.getMessage();
                cluster.down(why);
                metrics.retried("request", 1);
                log.warn("Bulk request of {} documents failed ({}); retrying in {} ms (attempt {})", pending.size(), why,
                        wait.toMillis(), requestAttempt);
                Thread.sleep(wait.toMillis());
                continue;
            }
            cluster.up();
            requestAttempt = 0;
            List<Pending> next = new ArrayList<>();
            int retriable = 0;
            Map<String, int[]> indexedByTopic = new HashMap<>(4);
            List<BulkResponseItem> items = response.items();
            if (items.size() != pending.size()) {
                throw new IllegalStateException("Elasticsearch answered " + items.size() + " items for a bulk of " + pending.size());
            }
            for (int i = 0; i < items.size(); i++) {
                BulkResponseItem item = items.get(i);
                Pending p = pending.get(i);
                int status = item.status();
                if ((status >= 200 && status < 300) || status == 409) {
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
                    ErrorCause error = item.error();
                    String type = error == null ? "http_" + status : error.type();
                    String detail = "Elasticsearch rejected the document for " + p.doc.target() + " (status " + status
                            + ", " + type + "): " + (error == null ? "no reason given" : describe(error));
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
            indexedByTopic.forEach((topic, n) -> {
                if (n[0] > 0) {
                    metrics.indexed(topic, false, n[0]);
                }
                if (n[1] > 0) {
                    metrics.indexed(topic, true, n[1]);
                }
            });
            if (retriable > 0) {
                Duration wait = backoff.delay(itemAttempt++);
                log.info("{} of {} documents were refused for now (429/5xx); retrying them in {} ms", retriable,
                        pending.size(), wait.toMillis());
                Thread.sleep(wait.toMillis());
            }
            pending = next;
        }
        awaitPublished(published);
        return new Outcome(counts[0], counts[1], counts[2]);
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String stage, String errorType,
                            String detail, byte[] attempted, List<Pending> pending, List<CompletableFuture<?>> published) {
        Instant now = clock.instant();
        metrics.deadLettered(reason);
        pending.add(new Pending(record, DeadLetterDocuments.rejected(record, reason, stage, errorType, detail, attempted, now), true));
        // A record of the dead-letter topic itself is not written back to it: that would loop.
        if (!record.topic().equals(deadLetters.topic())) {
            published.add(deadLetters.publish(record, reason, stage, detail, now));
        }
    }

    private static void awaitPublished(List<CompletableFuture<?>> published) throws InterruptedException {
        for (CompletableFuture<?> f : published) {
            try {
                f.get();
            } catch (ExecutionException e) {
                // The producer retries until delivery.timeout.ms (unbounded in KafkaClients): this is fatal.
                throw new IllegalStateException("Writing to the dead-letter topic failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static BulkRequest request(List<Pending> pending) {
        BulkRequest.Builder b = new BulkRequest.Builder();
        for (Pending p : pending) {
            IndexDoc d = p.doc;
            b.operations(op -> op.create(c -> c.index(d.target()).id(d.id())
                    .document(BinaryData.of(d.json(), ContentType.APPLICATION_JSON))));
        }
        return b.build();
    }

    private static String describe(ErrorCause e) {
        StringBuilder s = new StringBuilder(String.valueOf(e.reason()));
        ErrorCause cause = e.causedBy();
        for (int depth = 0; cause != null && depth < 3; depth++, cause = cause.causedBy()) {
            s.append("; caused by ").append(cause.type()).append(": ").append(cause.reason());
        }
        return s.toString();
    }
}
