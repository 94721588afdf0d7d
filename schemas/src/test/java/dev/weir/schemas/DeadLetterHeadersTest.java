package dev.weir.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterHeadersTest {

    private static final Instant NOW = Instant.parse("2025-03-14T09:26:53.589Z");

    @Test
    void shouldReadBackWhatWasWritten() {
        var values = DeadLetterHeaders.Values.of(DeadLetterReason.WRONG_TYPE, "http.response.status_code", "normalize",
                "weir.raw.requests", 3, 4711L, "Expected a number for http.response.status_code, got \"OK\".", NOW);

        Headers headers = DeadLetterHeaders.write(new RecordHeaders(), values);

        assertThat(DeadLetterHeaders.read(headers)).isEqualTo(values);
        assertThat(DeadLetterHeaders.read(headers).knownReason()).contains(DeadLetterReason.WRONG_TYPE);
    }

    @Test
    void shouldWriteHeadersAsUtf8TextUnderTheDocumentedKeys() {
        Headers headers = DeadLetterHeaders.write(new RecordHeaders(), DeadLetterHeaders.Values.of(
                DeadLetterReason.MALFORMED_JSON, null, "normalize", "weir.raw.logs", 0, 12L, null, NOW));

        assertThat(new String(headers.lastHeader("weir.dlq.reason").value(), StandardCharsets.UTF_8)).isEqualTo("malformed_json");
        assertThat(new String(headers.lastHeader("weir.dlq.source.offset").value(), StandardCharsets.UTF_8)).isEqualTo("12");
        assertThat(new String(headers.lastHeader("weir.dlq.time").value(), StandardCharsets.UTF_8)).isEqualTo("2025-03-14T09:26:53.589Z");
        assertThat(headers.lastHeader("weir.dlq.field")).isNull();
    }

    @Test
    void shouldReplaceAnEarlierHeaderOfTheSameKey() {
        Headers headers = new RecordHeaders();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, "too_large");

        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, "invalid_utf8");

        assertThat(headers.headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(DeadLetterHeaders.get(headers, DeadLetterHeaders.REASON)).contains("invalid_utf8");
    }

    @Test
    void shouldKeepOtherHeadersOfTheOriginalRecord() {
        Headers headers = new RecordHeaders().add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));

        DeadLetterHeaders.write(headers, DeadLetterHeaders.Values.of(
                DeadLetterReason.TOO_LARGE, null, "agent", "weir.raw.logs", 0, 1L, null, NOW));

        assertThat(DeadLetterHeaders.get(headers, "traceparent")).contains("00-abc-01");
    }

    @Test
    void shouldCutLongDetailToTheLimit() {
        String detail = "x".repeat(5000);

        Headers headers = DeadLetterHeaders.write(new RecordHeaders(), DeadLetterHeaders.Values.of(
                DeadLetterReason.STRING_TOO_LONG, "message", "normalize", "weir.raw.logs", 0, 1L, detail, NOW));

        assertThat(DeadLetterHeaders.read(headers).detail()).hasSize(DeadLetterHeaders.MAX_DETAIL_LENGTH).endsWith("…");
    }

    @Test
    void shouldReadMissingAndUnparsableHeadersAsNull() {
        Headers headers = new RecordHeaders();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.SOURCE_PARTITION, "three");
        DeadLetterHeaders.put(headers, DeadLetterHeaders.TIME, "yesterday");

        var values = DeadLetterHeaders.read(headers);

        assertThat(values).isEqualTo(new DeadLetterHeaders.Values(null, null, null, null, null, null, null, null));
        assertThat(values.knownReason()).isEmpty();
    }

    @Test
    void shouldRefuseToWriteWithoutReason() {
        var values = new DeadLetterHeaders.Values(null, "x", "normalize", "t", 0, 0L, null, NOW);

        assertThatThrownBy(() -> DeadLetterHeaders.write(new RecordHeaders(), values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a reason");
    }

    @Test
    void shouldKeepUnknownReasonCodesReadable() {
        Headers headers = new RecordHeaders();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, "some_future_reason");

        assertThat(DeadLetterHeaders.read(headers).reason()).isEqualTo("some_future_reason");
        assertThat(DeadLetterHeaders.read(headers).knownReason()).isEmpty();
    }

    @Test
    void shouldOfferTheDocumentedReasonCodes() {
        assertThat(java.util.Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code))
                .containsExactly("too_large", "invalid_utf8", "malformed_json", "too_deep", "too_many_fields",
                        "string_too_long", "missing_timestamp", "bad_timestamp", "timestamp_out_of_range",
                        "wrong_type", "negative_value", "not_finite", "missing_field", "invalid_field_name");
    }
}
