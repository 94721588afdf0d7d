package dev.weir.sink.document;

import dev.weir.common.redact.Redactor;
import dev.weir.schemas.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Documents of the {@value DataStreams#DEADLETTER} data stream: one per rejected record, with the
 * original bytes as text when they are valid UTF-8 and as base64 otherwise
 * ({@code weir.dlq.encoding} {@code utf-8}, {@code base64}, or {@code redacted}: see below), and the
 * reason from the {@code weir.dlq.*} headers.
 *
 * <p>Nothing in these documents may make a secret searchable: the text of the original, the key, the
 * original headers, the field, the detail and the error message are redacted with the built-in rules
 * ({@link Redactor#redactRawEvent} for the original, which also replaces members whose name says they
 * are secret). An original that held secrets is indexed as its redacted text ({@code weir.dlq.encoding}
 * {@code redacted}, bytes that are not UTF-8 shown as U+FFFD); the dead-letter topic keeps the record as
 * the processor wrote it.
 *
 * <p>The {@code _id} is the original record's {@code <topic>-<partition>-<offset>} (from the
 * headers; the dead-letter record's own position when they are missing), so the document the
 * sink writes directly for a rejected document and the one it later reads back from
 * {@code weir.deadletter} are the same document. Thread-safe.
 */
public final class DeadLetterDocuments {
    private final Redactor redactor;

    /** @param redactor redacts everything these documents carry */
    public DeadLetterDocuments(Redactor redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /**
     * @param text a sentence to log or index, may be {@code null}
     * @return it with its secrets replaced
     */
    public String redact(String text) {
        return redactor.redact(text, new Redactor.Tally());
    }

    /** @return the dead-letter {@code _id} of the record at that position */
    public static String id(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }

    /**
     * @param r a record of {@code weir.deadletter}
     * @return its document
     */
    public IndexDoc fromTopic(ConsumerRecord<byte[], byte[]> r) {
        DeadLetterHeaders.Values v = DeadLetterHeaders.read(r.headers());
        String id = v.sourceTopic() != null && v.sourcePartition() != null && v.sourceOffset() != null
                ? id(v.sourceTopic(), v.sourcePartition(), v.sourceOffset())
                : id(r.topic(), r.partition(), r.offset());
        Instant time = v.time() != null ? v.time() : Instant.ofEpochMilli(r.timestamp());
        Map<String, String> others = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            if (!h.key().startsWith("weir.dlq.") && h.value() != null) {
                others.put(h.key(), redactor.redactLabel(h.key(), text(h.value()), new Redactor.Tally()));
            }
        }
        Original original = original(r.value());
        return new IndexDoc(DataStreams.DEADLETTER, id, EcsDocuments.write(g -> {
            EcsDocuments.time(g, "@timestamp", time);
            EcsDocuments.field(g, "message", original.text());
            EcsDocuments.field(g, "event.id", id);
            EcsDocuments.field(g, "event.kind", "pipeline_error");
            EcsDocuments.str(g, "error.type", v.reason() == null ? "unknown" : v.reason());
            EcsDocuments.str(g, "error.message", redact(v.detail()));
            EcsDocuments.str(g, "weir.dlq.reason", v.reason() == null ? "unknown" : v.reason());
            EcsDocuments.str(g, "weir.dlq.field", redact(v.field()));
            EcsDocuments.str(g, "weir.dlq.stage", v.stage());
            EcsDocuments.str(g, "weir.dlq.detail", redact(v.detail()));
            EcsDocuments.str(g, "weir.dlq.source_topic", v.sourceTopic());
            if (v.sourcePartition() != null) {
                EcsDocuments.number(g, "weir.dlq.source_partition", v.sourcePartition());
            }
            EcsDocuments.num(g, "weir.dlq.source_offset", v.sourceOffset());
            EcsDocuments.field(g, "weir.dlq.encoding", original.encoding());
            EcsDocuments.number(g, "weir.dlq.size", r.value() == null ? 0 : r.value().length);
            EcsDocuments.str(g, "weir.dlq.key", r.key() == null ? null : redact(text(r.key())));
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
    public IndexDoc rejected(ConsumerRecord<byte[], byte[]> r, String reason, String stage, String errorType,
                             String detail, byte[] attempted, Instant time) {
        String id = id(r.topic(), r.partition(), r.offset());
        Original original = attempted != null
                ? new Original(redactor.redactRawEvent(new String(attempted, StandardCharsets.UTF_8), new Redactor.Tally()), "json")
                : original(r.value());
        String cleanDetail = redact(detail);
        return new IndexDoc(DataStreams.DEADLETTER, id, EcsDocuments.write(g -> {
            EcsDocuments.time(g, "@timestamp", time);
            EcsDocuments.field(g, "message", original.text());
            EcsDocuments.field(g, "event.id", id);
            EcsDocuments.field(g, "event.kind", "pipeline_error");
            EcsDocuments.field(g, "error.type", errorType);
            EcsDocuments.field(g, "error.message", cleanDetail);
            EcsDocuments.field(g, "weir.dlq.reason", reason);
            EcsDocuments.field(g, "weir.dlq.stage", stage);
            EcsDocuments.field(g, "weir.dlq.detail", cleanDetail);
            EcsDocuments.field(g, "weir.dlq.source_topic", r.topic());
            EcsDocuments.number(g, "weir.dlq.source_partition", r.partition());
            EcsDocuments.number(g, "weir.dlq.source_offset", r.offset());
            EcsDocuments.field(g, "weir.dlq.encoding", original.encoding());
            EcsDocuments.number(g, "weir.dlq.size", r.value() == null ? 0 : r.value().length);
            EcsDocuments.str(g, "weir.dlq.key", r.key() == null ? null : redact(text(r.key())));
        }), time.toEpochMilli());
    }

    /** The original bytes as text for the {@code message} field: as they are, base64 when not UTF-8, or redacted. */
    private Original original(byte[] bytes) {
        Original o = Original.of(bytes);
        Redactor.Tally tally = new Redactor.Tally();
        String text = redactor.redactRawEvent(o.encoding().equals("base64")
                ? StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes)).toString() : o.text(), tally);
        return tally.count() == 0 ? o : new Original(text, "redacted");
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
