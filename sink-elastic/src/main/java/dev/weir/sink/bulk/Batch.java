package dev.weir.sink.bulk;

import dev.weir.sink.document.IndexDoc;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consecutive records of the consumer, with their documents, sent together. It is full by count
 * or bytes ({@link #fits}), due by age ({@link #isDue}); once every entry is indexed or
 * dead-lettered, {@link #offsetsToCommit()} may be committed. Not thread-safe: filled by the
 * consumer thread, then handed over (safely published through the executor) and only read.
 */
public final class Batch {

    /**
     * One consumed record and what to do with it: exactly one of {@code doc} (index it),
     * {@code rejection} (dead-letter it), or neither (a tombstone: nothing to do).
     */
    public record Entry(ConsumerRecord<byte[], byte[]> record, IndexDoc doc, Rejection rejection) {
        public Entry {
            Objects.requireNonNull(record, "record");
        }
    }

    /** Why a record could not even be turned into a document. */
    public record Rejection(String reason, String stage, String errorType, String detail) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Instant createdAt;
    private long bytes;
    private int docs;

    /** @param createdAt when the first record arrived, for the time-based flush */
    public Batch(Instant createdAt) {
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * @param entryBytes size of the next document
     * @param maxDocs    count limit
     * @param maxBytes   byte limit
     * @return whether it may be added without passing a limit; an empty batch takes any one document
     */
    public boolean fits(int entryBytes, int maxDocs, long maxBytes) {
        return entries.isEmpty() || (docs < maxDocs && bytes + entryBytes <= maxBytes);
    }

    /** @return whether it reached a limit and should be sent now */
    public boolean isFull(int maxDocs, long maxBytes) {
        return docs >= maxDocs || bytes >= maxBytes;
    }

    /** @return whether its first record waited {@code flushInterval} or more */
    public boolean isDue(Instant now, java.time.Duration flushInterval) {
        return !entries.isEmpty() && !now.isBefore(createdAt.plus(flushInterval));
    }

    /** @param e the next entry, in consumption order */
    public void add(Entry e) {
        entries.add(e);
        ConsumerRecord<byte[], byte[]> r = e.record();
        nextOffsets.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        if (e.doc() != null) {
            docs++;
            bytes += e.doc().json().length;
        } else if (e.rejection() != null) {
            docs++;
            bytes += r.value() == null ? 0 : r.value().length;
        }
    }

    /** @return the entries, in consumption order */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** @return entries carrying a document or a rejection */
    public int docs() {
        return docs;
    }

    /** @return bytes of JSON (or of rejected values) */
    public long bytes() {
        return bytes;
    }

    /** @return whether no record was added */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** @return when the first record arrived */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return per partition, the offset after the batch's last record */
    public Map<TopicPartition, OffsetAndMetadata> offsetsToCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        nextOffsets.forEach((tp, o) -> out.put(tp, new OffsetAndMetadata(o)));
        return out;
    }
}
