package dev.weir.sink.document;

import dev.weir.schemas.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Documents of the {@value DataStreams#DEADLETTER} data stream: one per rejected record, with the
 * original bytes as text when they are valid UTF-8 and as base64 otherwise
 * ({@code weir.dlq.encoding}), and the reason from the {@code weir.dlq.*} headers.
 *
 * <p>The {@code _id} is the original record's {@code <topic>-<partition>-<offset>} (from the
 * headers; the dead-letter record's own position when they are missing), so the document the
 * sink writes directly for a rejected document and the one it later reads back from
 * {@code weir.deadletter} are the same document. Thread-safe.
 */
public final class DeadLetterDocuments {

    private DeadLetterDocuments() {
    }

    /** @return the dead-letter {@code _id} of the record at that position */
    public static String id(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }

    /**
     * @param r a record of {@code weir.deadletter}
     * @return its document
     */
    public static IndexDoc fromTopic(ConsumerRecord<byte[], byte[]> r) {
        DeadLetterHeaders.Values v = DeadLetterHeaders.read(r.headers());
        String id = v.sourceTopic() != null && v.sourcePartition() != null && v.sourceOffset() != null
                ? id(v.sourceTopic(), v.sourcePartition(), v.sourceOffset())
                : id(r.topic(), r.partition(), r.offset());
        Instant time = v.time() != null ? v.time() : Instant.ofEpochMilli(r.timestamp());
        Map<String, String> others = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("weir.dlq.") && h.value() != null) {
                others.put(h.key(), text(h.value()));
            }
        }
        Original original = Original.of(r.value());
        return new IndexDoc(DataStreams.DEADLETTER, id, EcsDocuments.write(g -> {
            EcsDocuments.time(g, "@timestamp", time);
            EcsDocuments.field(g, "message", original.text());
            EcsDocuments.field(g, "event.id", id);
            EcsDocuments.field(g, "event.kind", "pipeline_error");
            EcsDocuments.str(g, "error.type", v.reason() == null ? "unknown" : v.reason());
            EcsDocuments.str(g, "error.message", v.detail());
            EcsDocuments.str(g, "weir.dlq.reason", v.reason() == null ? "unknown" : v.reason());
            EcsDocuments.str(g, "weir.dlq.field", v.field());
            EcsDocuments.str(g, "weir.dlq.stage", v.stage());
            EcsDocuments.str(g, "weir.dlq.detail", v.detail());
            EcsDocuments.str(g, "weir.dlq.source_topic", v.sourceTopic());
            if (v.sourcePartition() != null) {
                EcsDocuments.number(g, "weir.dlq.source_partition", v.sourcePartition());
            }
            EcsDocuments.num(g, "weir.dlq.source_offset", v.sourceOffset());
            EcsDocuments.field(g, "weir.dlq.encoding", original.encoding());
            EcsDocuments.number(g, "weir.dlq.size", r.value() == null ? 0 : r.value().length);
            EcsDocuments.str(g, "weir.dlq.key", r.key() == null ? null : text(r.key()));
            EcsDocuments.field(g, "weir.dlq.topic", r.topic());
            EcsDocuments.number(g, "weir.dlq.partition", r.partition());
            EcsDocuments.number(g, "weir.dlq.offset", r.offset());
            EcsDocuments.labels(g, "weir.dlq.headers", others);
        }), time.toEpochMilli());
    }

    /**
     * The document for a record the sink itself rejects.
     *
     * @param r         the consumed record
     * @param reason    reason code, e.g. {@code mapping_conflict}
     * @param stage     {@code sink} or {@code deserialize}
     * @param errorType Elasticsearch's error type or the exception class
     * @param detail    a sentence for humans
     * @param attempted the JSON the sink tried to index, or {@code null} when there was none
     * @param time      when it was rejected
     * @return the document
     */
    public static IndexDoc rejected(ConsumerRecord<byte[], byte[]> r, String reason, String stage, String errorType,
                                    String detail, byte[] attempted, Instant time) {
        String id = id(r.topic(), r.partition(), r.offset());
        Original original = attempted != null ? new Original(new String(attempted, StandardCharsets.UTF_8), "json")
                : Original.of(r.value());
        return new IndexDoc(DataStreams.DEADLETTER, id, EcsDocuments.write(g -> {
            EcsDocuments.time(g, "@timestamp", time);
            EcsDocuments.field(g, "message", original.text());
            EcsDocuments.field(g, "event.id", id);
            EcsDocuments.field(g, "event.kind", "pipeline_error");
            EcsDocuments.field(g, "error.type", errorType);
            EcsDocuments.field(g, "error.message", detail);
            EcsDocuments.field(g, "weir.dlq.reason", reason);
            EcsDocuments.field(g, "weir.dlq.stage", stage);
            EcsDocuments.field(g, "weir.dlq.detail", detail);
            EcsDocuments.field(g, "weir.dlq.source_topic", r.topic());
            EcsDocuments.number(g, "weir.dlq.source_partition", r.partition());
            EcsDocuments.number(g, "weir.dlq.source_offset", r.offset());
            EcsDocuments.field(g, "weir.dlq.encoding", original.encoding());
            EcsDocuments.number(g, "weir.dlq.size", r.value() == null ? 0 : r.value().length);
            EcsDocuments.str(g, "weir.dlq.key", r.key() == null ? null : text(r.key()));
        }), time.toEpochMilli());
    }

    /** The original bytes for the {@code message} field. */
    record Original(String text, String encoding) {
        static Original of(byte[] bytes) {
            if (bytes == null) {
                return new Original("", "utf-8");
            }
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
                return new Original(s, "utf-8");
            } catch (CharacterCodingException e) {
                return new Original(Base64.getEncoder().encodeToString(bytes), "base64");
            }
        }
    }

    private static String text(byte[] bytes) {
        Original o = Original.of(bytes);
        return o.encoding().equals("base64") ? "base64:" + o.text() : o.text();
    }
}
