package dev.weir.sink.document;

import java.util.Objects;

/**
 * One document to create in Elasticsearch.
 *
 * @param target    data stream (or index) name
 * @param id        the deterministic {@code _id}: replays of the same record hit it again and get 409
 * @param json      the document, UTF-8 JSON
 * @param timestamp its {@code @timestamp} in epoch milliseconds; tells whether an earlier copy may
 *                  sit in a backing index older than the write index (see {@code EarlierCopies})
 */
public record IndexDoc(String target, String id, byte[] json, long timestamp) {
    public IndexDoc {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(json, "json");
    }
}
