package dev.weir.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.DeadLetterReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final int LIMIT = 64 * 1024;
    private static final DeadLetterHeaders.Values WHY = DeadLetterHeaders.Values.of(DeadLetterReason.TOO_LARGE, null,
            "normalize", "weir.raw.logs", 1, 42L, "The event has 5000000 bytes, more than the limit of 1048576 bytes.",
            Instant.parse("2025-03-14T10:00:00Z"));

    private final DeadLetters letters = new DeadLetters();

    @Test
    void shouldKeepARecordThatFitsByteForByte() {
        byte[] value = "{\"message\":\"small\"}".getBytes(StandardCharsets.UTF_8);
        Headers original = new RecordHeaders().add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));

        DeadLetter d = letters.build("checkout".getBytes(StandardCharsets.UTF_8), value, original, WHY, LIMIT);

        assertThat(d.value()).isSameAs(value);
        assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("checkout");
        assertThat(DeadLetterHeaders.get(d.headers(), "traceparent")).contains("00-abc-01");
        assertThat(DeadLetterHeaders.read(d.headers())).isEqualTo(WHY);
        assertThat(d.headers().lastHeader(DeadLetterHeaders.TRUNCATED)).isNull();
        assertThat(d.headers().lastHeader(DeadLetterHeaders.ORIGINAL_SIZE)).isNull();
        assertThat(d.headers().lastHeader(DeadLetterHeaders.ORIGINAL_SHA256)).isNull();
    }

    @Test
    void shouldKeepAPrefixOfALargeValueWithItsSizeAndSha256() throws Exception {
        byte[] value = "z".repeat(5_000_000).getBytes(StandardCharsets.UTF_8);

        DeadLetter d = letters.build(null, value, null, WHY, LIMIT);

        assertThat(DeadLetters.recordBytes(d.key(), d.value(), d.headers())).isLessThanOrEqualTo(LIMIT);
        assertThat(d.value().length).isGreaterThan(LIMIT - 2048);
        assertThat(value).startsWith(d.value());
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.TRUNCATED)).contains("value");
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ORIGINAL_SIZE)).contains("5000000");
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ORIGINAL_SHA256))
                .contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
    }

    @Test
    void shouldNotCutAUtf8CharacterInTwo() {
        byte[] value = "€".repeat(100_000).getBytes(StandardCharsets.UTF_8); // three bytes each

        DeadLetter d = letters.build(null, value, null, WHY, LIMIT);

        assertThat(d.value().length % 3).isZero();
        assertThat(new String(d.value(), StandardCharsets.UTF_8)).matches("€+");
    }

    @Test
    void shouldCutALongKeyAndLeaveOutHugeOriginalHeaders() {
        byte[] key = "k".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        Headers original = new RecordHeaders().add("big", new byte[200_000]);

        DeadLetter d = letters.build(key, new byte[10], original, WHY, LIMIT);

        assertThat(d.key()).hasSize(DeadLetters.MAX_KEY_BYTES);
        assertThat(d.headers().lastHeader("big")).isNull();
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.TRUNCATED)).contains("headers,key");
        assertThat(d.value()).hasSize(10);
        assertThat(DeadLetters.recordBytes(d.key(), d.value(), d.headers())).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void shouldReplaceDeadLetterHeadersOfAnEarlierRejection() {
        Headers original = new RecordHeaders().add(DeadLetterHeaders.REASON, "mapping_conflict".getBytes(StandardCharsets.UTF_8));

        DeadLetter d = letters.build(null, new byte[1], original, WHY, LIMIT);

        assertThat(d.headers().headers(DeadLetterHeaders.REASON)).hasSize(1);
        assertThat(DeadLetterHeaders.read(d.headers()).reason()).isEqualTo("too_large");
    }

    @Test
    void shouldFitTheSmallestLimitWithTheLongestFieldAndDetail() {
        DeadLetterHeaders.Values long_ = new DeadLetterHeaders.Values("wrong_type", "f".repeat(40_000), "normalize",
                "weir.raw.logs", 0, 1L, "d".repeat(40_000), Instant.EPOCH);
        byte[] value = new byte[100_000];
        Arrays.fill(value, (byte) 'v');

        DeadLetter d = letters.build("k".repeat(10_000).getBytes(StandardCharsets.UTF_8), value,
                new RecordHeaders().add("h", new byte[DeadLetters.MAX_ORIGINAL_HEADER_BYTES - 20]), long_,
                DeadLetters.MIN_RECORD_BYTES);

        assertThat(DeadLetters.recordBytes(d.key(), d.value(), d.headers())).isLessThanOrEqualTo(DeadLetters.MIN_RECORD_BYTES);
    }

    private final DeadLetters redacting = new DeadLetters(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry()), false);

    @Test
    void shouldRedactTheValueFieldAndDetailAndSaySo() throws Exception {
        byte[] value = "{\"@timestamp\":\"yesterday\",\"message\":\"login password=hunter2 failed\",\"db_secret\":\"tiger-lily\""
                .getBytes(StandardCharsets.UTF_8);
        DeadLetterHeaders.Values why = new DeadLetterHeaders.Values("bad_timestamp", "password=abc123def", "normalize",
                "weir.raw.logs", 0, 5L, "@timestamp must be a time, got \"api_key=k3y-v4lue\"", Instant.EPOCH);

        DeadLetter d = redacting.build(null, value, null, why, LIMIT);

        String text = new String(d.value(), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("hunter2", "tiger-lily").contains("\"db_secret\":\"[REDACTED]\"");
        assertThat(DeadLetterHeaders.read(d.headers()).detail()).doesNotContain("k3y-v4lue").contains("[REDACTED]");
        assertThat(DeadLetterHeaders.read(d.headers()).field()).doesNotContain("abc123def");
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.REDACTIONS)).contains("2");
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.ORIGINAL_SHA256))
                .contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
        assertThat(d.headers().lastHeader(DeadLetterHeaders.TRUNCATED)).isNull();
    }

    @Test
    void shouldKeepAValueWithoutSecretsByteForByteEvenWhenItIsNotUtf8() {
        byte[] value = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};

        DeadLetter d = redacting.build(null, value, null, WHY, LIMIT);

        assertThat(d.value()).isSameAs(value);
        assertThat(d.headers().lastHeader(DeadLetterHeaders.REDACTIONS)).isNull();
        assertThat(d.headers().lastHeader(DeadLetterHeaders.ORIGINAL_SHA256)).isNull();
    }

    @Test
    void shouldRedactAValueThatIsNotUtf8() {
        byte[] head = "{\"message\":\"password=hunter2 ".getBytes(StandardCharsets.UTF_8);
        byte[] value = Arrays.copyOf(head, head.length + 3);
        value[head.length] = (byte) 0xFF;
        value[head.length + 1] = '"';
        value[head.length + 2] = '}';

        DeadLetter d = redacting.build(null, value, null, WHY, LIMIT);

        assertThat(new String(d.value(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"password=[REDACTED] \uFFFD\"}");
    }

    @Test
    void shouldRedactASecretThatTheCutWouldSplit() {
        String secret = "AKIAIOSFODNN7EXAMPLE";
        byte[] value = ("x".repeat(LIMIT - 1000) + " " + secret + " " + "y".repeat(10_000)).getBytes(StandardCharsets.UTF_8);

        DeadLetter d = redacting.build(null, value, null, WHY, LIMIT);

        assertThat(new String(d.value(), StandardCharsets.UTF_8)).doesNotContain("AKIA").contains("[REDACTED_AWS_KEY]");
        assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.TRUNCATED)).contains("value");
        assertThat(DeadLetters.recordBytes(d.key(), d.value(), d.headers())).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void shouldKeepTheOriginalValueWhenTheOperatorChoseToButStillRedactTheDetail() {
        DeadLetters keeping = new DeadLetters(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry()), true);
        byte[] value = "{\"password\":\"hunter2\"".getBytes(StandardCharsets.UTF_8);
        DeadLetterHeaders.Values why = new DeadLetterHeaders.Values("malformed_json", null, "normalize", "weir.raw.logs", 0,
                5L, "near password=hunter2", Instant.EPOCH);

        DeadLetter d = keeping.build(null, value, null, why, LIMIT);

        assertThat(d.value()).isSameAs(value);
        assertThat(DeadLetterHeaders.read(d.headers()).detail()).doesNotContain("hunter2");
    }
}
