package dev.weir.sink.bulk;

import java.time.Duration;

/**
 * A data stream's write index as the sink last saw it: the one index where a {@code create}
 * detects an earlier copy of a document (409). Documents indexed before it was created live in
 * older backing indices, which a {@code create} does not look at.
 *
 * @param name           the concrete index, {@code null} while the data stream does not exist
 * @param created        its {@code index.creation_date}, epoch milliseconds
 * @param backingIndices how many backing indices the data stream has
 */
public record WriteIndex(String name, long created, int backingIndices) {
    /** A data stream that does not exist (yet): nothing to find anywhere. */
    public static final WriteIndex ABSENT = new WriteIndex(null, Long.MIN_VALUE, 0);

    /**
     * The decision that keeps the live path fast: only a document that may have been indexed
     * before the write index was created can have a copy out of reach of {@code create}. A
     * document is indexed after it happened and after its record was written, so when the
     * earlier of its {@code @timestamp} and its record's Kafka timestamp is {@code skew} or more
     * past the write index's creation, it was never indexed before. A data stream that was never
     * rolled over (or whose older indices retention deleted) has no older index to look in.
     *
     * @param earliest the earlier of the document's {@code @timestamp} and its record's timestamp, epoch ms
     * @param skew     how far those clocks may run ahead of Elasticsearch's
     * @return whether an earlier copy may sit in an older backing index
     */
    public boolean mayHoldEarlierCopy(long earliest, Duration skew) {
        return backingIndices > 1 && earliest < created + skew.toMillis();
    }
}
