package dev.weir.sink.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.DeadLetterReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterDocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2025-03-14T09:26:53.589Z");
    private static final DeadLetterDocuments DOCS = new DeadLetterDocuments(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry()));

    private static ConsumerRecord<byte[], byte[]> deadLetter(byte[] value, boolean withHeaders) {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        if (withHeaders) {
            DeadLetterHeaders.write(h, DeadLetterHeaders.Values.of(DeadLetterReason.MALFORMED_JSON, "message", "normalize",
                    "weir.raw.logs", 2, 77, "Unexpected end of input", AT));
        }
        return new ConsumerRecord<>("weir.deadletter", 1, 5, 0L, TimestampType.CREATE_TIME, 0, value.length, "k".getBytes(),
                value, h, Optional.empty());
    }

    private static JsonNode json(IndexDoc d) throws IOException {
        return JSON.readTree(d.json());
    }

    @Test
    void shouldKeepValidUtf8AsText() throws IOException {
        JsonNode d = json(DOCS.fromTopic(deadLetter("{\"a\":".getBytes(StandardCharsets.UTF_8), true)));
        assertThat(d.path("message").asText()).isEqualTo("{\"a\":");
        assertThat(d.path("weir.dlq.encoding").asText()).isEqualTo("utf-8");
    }

    @Test
    void shouldEncodeInvalidUtf8AsBase64() throws IOException {
        byte[] bad = {(byte) 0xC3, 0x28, 0x41};
        JsonNode d = json(DOCS.fromTopic(deadLetter(bad, true)));
        assertThat(d.path("weir.dlq.encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(d.path("message").asText())).isEqualTo(bad);
    }

    @Test
    void shouldCarryTheReasonHeaders() throws IOException {
        JsonNode d = json(DOCS.fromTopic(deadLetter("x".getBytes(StandardCharsets.UTF_8), true)));
        assertThat(d.path("weir.dlq.reason").asText()).isEqualTo("malformed_json");
        assertThat(d.path("weir.dlq.field").asText()).isEqualTo("message");
        assertThat(d.path("weir.dlq.stage").asText()).isEqualTo("normalize");
        assertThat(d.path("weir.dlq.detail").asText()).isEqualTo("Unexpected end of input");
        assertThat(d.path("@timestamp").asText()).isEqualTo("2025-03-14T09:26:53.589Z");
        assertThat(d.path("weir.dlq.headers").path("trace").asText()).isEqualTo("abc");
    }

    @Test
    void shouldUseTheSourcePositionAsId() {
        IndexDoc d = DOCS.fromTopic(deadLetter("x".getBytes(StandardCharsets.UTF_8), true));
        assertThat(d.id()).isEqualTo("weir.raw.logs-2-77");
        assertThat(d.target()).isEqualTo(DataStreams.DEADLETTER);
    }

    @Test
    void shouldFallBackToItsOwnPositionWhenSourceHeadersAreMissing() {
        IndexDoc d = DOCS.fromTopic(deadLetter("x".getBytes(StandardCharsets.UTF_8), false));
        assertThat(d.id()).isEqualTo("weir.deadletter-1-5");
    }

    @Test
    void shouldGiveTheSinksOwnRejectionTheSameIdAsItsLaterCopyFromTheTopic() {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("weir.logs", 2, 77, "k".getBytes(), "v".getBytes());
        IndexDoc direct = DOCS.rejected(original, "mapping_conflict", "sink", "document_parsing_exception",
                "bad ip", "{}".getBytes(StandardCharsets.UTF_8), AT);
        RecordHeaders h = new RecordHeaders();
        DeadLetterHeaders.write(h, new DeadLetterHeaders.Values("mapping_conflict", null, "sink", "weir.logs", 2, 77L, "bad ip", AT));
        ConsumerRecord<byte[], byte[]> copy = new ConsumerRecord<>("weir.deadletter", 0, 9, 0L, TimestampType.CREATE_TIME, 0, 1,
                "k".getBytes(), "v".getBytes(), h, Optional.empty());
        assertThat(DOCS.fromTopic(copy).id()).isEqualTo(direct.id());
    }

    @Test
    void shouldIndexAnOriginalWithSecretsAsItsRedactedText() throws IOException {
        RecordHeaders h = new RecordHeaders();
        h.add("authorization", "Bearer abcDEF123456ghiJKL789".getBytes(StandardCharsets.UTF_8));
        h.add("api_key", "k3y-v4lue".getBytes(StandardCharsets.UTF_8));
        DeadLetterHeaders.write(h, new DeadLetterHeaders.Values("malformed_json", null, "normalize", "weir.raw.logs", 0, 3L,
                "near password=hunter2secret", AT));
        byte[] value = "{\"message\":\"login password=hunter2secret\",\"db_password\":\"tiger-lily\"".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("weir.deadletter", 0, 1, 0L, TimestampType.CREATE_TIME, 0,
                value.length, "password=hunter2secret".getBytes(StandardCharsets.UTF_8), value, h, Optional.empty());

        JsonNode d = json(DOCS.fromTopic(r));

        assertThat(d.toString()).doesNotContain("hunter2secret", "tiger-lily", "abcDEF123456ghiJKL789", "k3y-v4lue");
        assertThat(d.path("weir.dlq.encoding").asText()).isEqualTo("redacted");
        assertThat(d.path("message").asText()).contains("password=[REDACTED]", "\"db_password\":\"[REDACTED]\"");
    }

    @Test
    void shouldRedactAnOriginalWithSecretsThatIsNotUtf8() throws IOException {
        byte[] head = "password=hunter2secret ".getBytes(StandardCharsets.UTF_8);
        byte[] value = java.util.Arrays.copyOf(head, head.length + 1);
        value[head.length] = (byte) 0xFF;

        JsonNode d = json(DOCS.fromTopic(deadLetter(value, true)));

        assertThat(d.path("weir.dlq.encoding").asText()).isEqualTo("redacted");
        assertThat(d.path("message").asText()).isEqualTo("password=[REDACTED] \uFFFD");
    }

    @Test
    void shouldRedactTheRefusedValueElasticsearchQuotesInItsReason() throws IOException {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("weir.logs", 2, 77, "k".getBytes(), "v".getBytes());
        JsonNode d = json(DOCS.rejected(original, "mapping_conflict", "sink", "document_parsing_exception",
                "[1:80] failed to parse field [source.ip] of type [ip]. Preview of field's value: 'password=hunter2secret'",
                "{\"source\":{\"ip\":\"password=hunter2secret\"},\"labels\":{\"token\":\"t0k3n\"}}".getBytes(StandardCharsets.UTF_8),
                AT));

        assertThat(d.toString()).doesNotContain("hunter2secret", "t0k3n");
        assertThat(d.path("error.message").asText()).contains("source.ip", "password=[REDACTED]");
    }
}
