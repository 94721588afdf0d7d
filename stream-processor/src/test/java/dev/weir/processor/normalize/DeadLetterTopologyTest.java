package dev.weir.processor.normalize;

import static dev.weir.processor.normalize.NormalizeDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.kafka.Topics;
import dev.weir.common.redact.RedactionSettings;
import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeadLetterTopologyTest {
    private static final String TS = "\"@timestamp\":\"2025-03-14T09:26:53Z\"";

    @TempDir
    Path stateDir;
    NormalizeDriver d;

    @BeforeEach
    void setUp() {
        d = new NormalizeDriver(NormalizeSettings.DEFAULTS, stateDir);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("event larger than 1 MiB", utf8("{" + TS + ",\"message\":\"" + "x".repeat(1_100_000) + "\"}"),
                        DeadLetterReason.TOO_LARGE, null),
                Arguments.of("invalid UTF-8", concat(utf8("{" + TS + ",\"message\":\"caf"), new byte[] {(byte) 0xC3, 0x28},
                        utf8("\"}")), DeadLetterReason.INVALID_UTF8, null),
                Arguments.of("truncated JSON", utf8("{" + TS + ",\"message\":\"cut"), DeadLetterReason.MALFORMED_JSON, null),
                Arguments.of("trailing garbage", utf8("{" + TS + "} {}"), DeadLetterReason.MALFORMED_JSON, null),
                Arguments.of("bare array", utf8("[{" + TS + "}]"), DeadLetterReason.MALFORMED_JSON, null),
                Arguments.of("bare scalar", utf8("42"), DeadLetterReason.MALFORMED_JSON, null),
                Arguments.of("empty value", new byte[0], DeadLetterReason.MALFORMED_JSON, null),
                Arguments.of("nesting deeper than 20", utf8("{" + TS + ",\"a\":" + "[".repeat(30) + "]".repeat(30) + "}"),
                        DeadLetterReason.TOO_DEEP, null),
                Arguments.of("more than 1000 fields", utf8("{" + TS + manyFields(1001) + "}"), DeadLetterReason.TOO_MANY_FIELDS, null),
                Arguments.of("label longer than 32 KiB", utf8("{" + TS + ",\"note\":\"" + "y".repeat(40_000) + "\"}"),
                        DeadLetterReason.STRING_TOO_LONG, "note"),
                Arguments.of("no timestamp", utf8("{\"message\":\"m\"}"), DeadLetterReason.MISSING_TIMESTAMP, "@timestamp"),
                Arguments.of("unparseable timestamp", utf8("{\"@timestamp\":\"yesterday\",\"message\":\"m\"}"),
                        DeadLetterReason.BAD_TIMESTAMP, "@timestamp"),
                Arguments.of("timestamp of wrong type", utf8("{\"timestamp\":{\"x\":1},\"message\":\"m\"}"),
                        DeadLetterReason.BAD_TIMESTAMP, "timestamp"),
                Arguments.of("timestamp a boolean", utf8("{\"@timestamp\":true,\"message\":\"m\"}"),
                        DeadLetterReason.BAD_TIMESTAMP, "@timestamp"),
                Arguments.of("timestamp years in the past", utf8("{\"@timestamp\":\"2019-01-01T00:00:00Z\",\"message\":\"m\"}"),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, "@timestamp"),
                Arguments.of("timestamp two hours ahead", utf8("{\"@timestamp\":\"2025-03-14T12:00:00Z\",\"message\":\"m\"}"),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, "@timestamp"),
                Arguments.of("absurd epoch timestamp", utf8("{\"@timestamp\":99999999999999999999,\"message\":\"m\"}"),
                        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, "@timestamp"),
                Arguments.of("status not a number", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":\"OK\"}"),
                        DeadLetterReason.WRONG_TYPE, "status"),
                Arguments.of("status out of range", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":700}"),
                        DeadLetterReason.WRONG_TYPE, "status"),
                Arguments.of("method not a method", utf8("{" + TS + ",\"method\":\"G E T\",\"path\":\"/\",\"status\":200}"),
                        DeadLetterReason.WRONG_TYPE, "method"),
                Arguments.of("port beyond 65535", utf8("{" + TS + ",\"message\":\"m\",\"source.port\":70000}"),
                        DeadLetterReason.WRONG_TYPE, "source.port"),
                Arguments.of("negative duration", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"duration_ms\":-3}"),
                        DeadLetterReason.NEGATIVE_VALUE, "duration_ms"),
                Arguments.of("negative byte count", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"bytes\":-1}"),
                        DeadLetterReason.NEGATIVE_VALUE, "bytes"),
                Arguments.of("negative status", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":-200}"),
                        DeadLetterReason.NEGATIVE_VALUE, "status"),
                Arguments.of("NaN duration", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"duration_ms\":NaN}"),
                        DeadLetterReason.NOT_FINITE, "duration_ms"),
                Arguments.of("infinite duration", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"duration_ms\":1e400}"),
                        DeadLetterReason.NOT_FINITE, "duration_ms"),
                Arguments.of("\"Infinity\" as string", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"duration_ms\":\"Infinity\"}"),
                        DeadLetterReason.NOT_FINITE, "duration_ms"),
                Arguments.of("request without status", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\"}"),
                        DeadLetterReason.MISSING_FIELD, "status"),
                Arguments.of("request without method", utf8("{" + TS + ",\"path\":\"/\",\"status\":200}"),
                        DeadLetterReason.MISSING_FIELD, "method"),
                // what Elasticsearch would refuse, caught here with its field
                Arguments.of("source.ip not an address", utf8("{" + TS + ",\"message\":\"m\",\"source.ip\":\"999.1.1.1\"}"),
                        DeadLetterReason.WRONG_TYPE, "source.ip"),
                Arguments.of("nested source ip a word", utf8("{" + TS + ",\"message\":\"m\",\"source\":{\"ip\":\"not-an-ip\"}}"),
                        DeadLetterReason.WRONG_TYPE, "source.ip"),
                Arguments.of("client_ip of a request not an address", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\","
                        + "\"status\":200,\"client_ip\":\"10.0.0.300\"}"), DeadLetterReason.WRONG_TYPE, "client_ip"),
                Arguments.of("NUL in a label name", utf8("{" + TS + ",\"message\":\"m\",\"a\\u0000b\":\"x\"}"),
                        DeadLetterReason.INVALID_FIELD_NAME, "a\\u0000b"),
                Arguments.of("newline in a nested field name", utf8("{" + TS + ",\"message\":\"m\",\"ctx\":{\"k\\ney\":1}}"),
                        DeadLetterReason.INVALID_FIELD_NAME, "ctx.k\\u000aey"),
                Arguments.of("label of 30 000 three-byte characters", utf8("{" + TS + ",\"message\":\"m\",\"note\":\""
                        + "€".repeat(30_000) + "\"}"), DeadLetterReason.STRING_TOO_LONG, "note"),
                Arguments.of("1e400 in an unknown field", utf8("{" + TS + ",\"message\":\"m\",\"ratio\":1e400}"),
                        DeadLetterReason.NOT_FINITE, "ratio"),
                Arguments.of("NaN deep in an unknown object", utf8("{" + TS + ",\"message\":\"m\",\"ctx\":{\"v\":[1,NaN]}}"),
                        DeadLetterReason.NOT_FINITE, "ctx.v"),
                Arguments.of("duration beyond what event.duration holds", utf8("{" + TS + ",\"method\":\"GET\",\"path\":\"/\","
                        + "\"status\":200,\"duration_ms\":1.79e308}"), DeadLetterReason.WRONG_TYPE, "duration_ms"),
                Arguments.of("message an object", utf8("{" + TS + ",\"message\":{\"text\":\"hi\"}}"), DeadLetterReason.WRONG_TYPE,
                        "message"),
                Arguments.of("message an array", utf8("{" + TS + ",\"message\":[\"a\",\"b\"]}"), DeadLetterReason.WRONG_TYPE,
                        "message"),
                Arguments.of("service.name an object", utf8("{" + TS + ",\"message\":\"m\",\"service\":{\"name\":{\"x\":1}}}"),
                        DeadLetterReason.WRONG_TYPE, "service.name"),
                Arguments.of("a key twice", utf8("{" + TS + ",\"message\":\"m\",\"user\":\"a\",\"user\":\"b\"}"),
                        DeadLetterReason.MALFORMED_JSON, "user"),
                Arguments.of("nesting 10 000 deep", utf8("{" + TS + ",\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
                        DeadLetterReason.TOO_DEEP, null),
                Arguments.of("10 000 objects deep, unclosed", utf8("{" + TS + ",\"a\":" + "{\"b\":".repeat(10_000)),
                        DeadLetterReason.TOO_DEEP, null),
                Arguments.of("a NUL byte", utf8("{" + TS + ",\"message\":\"a\u0000b\"}"), DeadLetterReason.MALFORMED_JSON, null));
    }

    private static String manyFields(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> ",\"f" + i + "\":" + i).collect(Collectors.joining());
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badInputs")
    void shouldDeadLetterWithReasonAndField(String name, byte[] value, DeadLetterReason reason, String field) {
        d.rawLogs.pipeInput("checkout", value, NormalizeDriver.NOW);
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(d.onlyDeadLetter().headers());
        assertThat(h.reason()).isEqualTo(reason.code());
        assertThat(h.field()).isEqualTo(field);
        assertThat(h.detail()).isNotBlank();
    }

    @Test
    void shouldCoverEveryDeadLetterReason() {
        Set<DeadLetterReason> covered = badInputs().map(a -> (DeadLetterReason) a.get()[2])
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(DeadLetterReason.class)));
        assertThat(covered).containsExactlyInAnyOrder(DeadLetterReason.values());
    }

    @Test
    void shouldKeepAnEscapedNulInsideAValue() {
        d.log("{" + TS + ",\"message\":\"a\\u0000b\",\"note\":\"c\\u0000d\"}");
        assertThat(d.onlyLog().getMessage()).isEqualTo("a\u0000b");
    }

    @Test
    void shouldTakeAnAddressElasticsearchTakes() {
        d.log("{" + TS + ",\"message\":\"m\",\"source.ip\":\"::ffff:203.0.113.7\"}");
        assertThat(d.onlyLog().getSourceIp()).isEqualTo("::ffff:203.0.113.7");
    }

    @Test
    void shouldTakeALabelJustUnderTheTermLimit() {
        d.log("{" + TS + ",\"message\":\"m\",\"a\":\"" + "x".repeat(32_764) + "\"}");
        assertThat(d.onlyLog().getLabels().get("a")).hasSize(32_764);
    }

    @Test
    void shouldDeadLetterEventWithoutServiceAndWithoutKey() {
        d.rawLogs.pipeInput((String) null, utf8("{" + TS + ",\"message\":\"m\"}"), NormalizeDriver.NOW);
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(d.onlyDeadLetter().headers());
        assertThat(h.reason()).isEqualTo(DeadLetterReason.MISSING_FIELD.code());
        assertThat(h.field()).isEqualTo("service.name");
    }

    @Test
    void shouldKeepOriginalKeyValueAndHeaders() {
        byte[] value = {'{', (byte) 0xFF, '}'};
        RecordHeaders headers = new RecordHeaders();
        headers.add("agent", utf8("a1"));
        d.rawLogs.pipeInput(new TestRecord<>("checkout", value, headers, NormalizeDriver.NOW));
        TestRecord<byte[], byte[]> r = d.onlyDeadLetter();
        assertThat(r.value()).isEqualTo(value);
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("checkout");
        assertThat(r.headers().lastHeader("agent").value()).isEqualTo(utf8("a1"));
    }

    @Test
    void shouldNameSourceTopicPartitionOffsetAndStage() {
        d.log("{\"message\":\"ok\"," + TS + "}");
        d.request("not json");
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(d.onlyDeadLetterAfterDrainingLogs().headers());
        assertThat(h.sourceTopic()).isEqualTo(Topics.RAW_REQUESTS);
        assertThat(h.sourcePartition()).isZero();
        assertThat(h.sourceOffset()).isZero();
        assertThat(h.stage()).isEqualTo("normalize");
        assertThat(h.time()).isEqualTo(NormalizeDriver.NOW);
    }

    @Test
    void shouldProcessNextRecordAfterBadOne() {
        d.log("{{{");
        d.log("{" + TS + ",\"message\":\"fine\"}");
        assertThat(d.deadLetters.readRecordsToList()).hasSize(1);
        assertThat(d.logs.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldCountDeadLettersPerReason() {
        d.log("{{{");
        d.log("{\"message\":\"m\"}");
        d.log("[]");
        assertThat(d.counter("weir.deadletters", "reason", "malformed_json")).isEqualTo(2);
        assertThat(d.counter("weir.deadletters", "reason", "missing_timestamp")).isEqualTo(1);
        assertThat(d.counter("weir.deadletters", "reason", "too_deep")).isZero();
    }

    @Test
    void shouldKeepOnlyAPrefixOfAnEventTooLargeForTheDeadLetterTopic() {
        byte[] value = utf8("{" + TS + ",\"message\":\"" + "x".repeat(2_000_000) + "\"}");
        d.log(new String(value, StandardCharsets.UTF_8));
        TestRecord<byte[], byte[]> r = d.onlyDeadLetter();
        assertThat(DeadLetterHeaders.read(r.headers()).reason()).isEqualTo("too_large");
        assertThat(DeadLetters.recordBytes(r.key(), r.value(), r.headers())).isLessThanOrEqualTo(OutputLimits.defaults()
                .of(Topics.DEADLETTER));
        assertThat(value).startsWith(r.value());
        assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.TRUNCATED)).contains("value");
        assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ORIGINAL_SIZE)).contains(Integer.toString(value.length));
    }

    @Test
    void shouldDeadLetterASmallEventWhoseCleanRecordWouldBeTooLargeForItsTopic() {
        // 100 labels, each named by the same 30 000-character prefix: 31 kB of JSON, 3 MB of labels
        String nested = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "\"a" + i + "\":1").collect(Collectors.joining(","));
        d.log("{" + TS + ",\"message\":\"m\",\"" + "p".repeat(30_000) + "\":{" + nested + "}}");
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(d.onlyDeadLetter().headers());
        assertThat(h.reason()).isEqualTo("too_large");
        assertThat(h.detail()).contains(Topics.LOGS, "labels");
    }

    @Test
    void shouldProcessTheNextEventAfterOneTooLargeForItsTopic() {
        String nested = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "\"a" + i + "\":1").collect(Collectors.joining(","));
        d.log("{" + TS + ",\"message\":\"m\",\"" + "p".repeat(30_000) + "\":{" + nested + "}}");
        d.log("{" + TS + ",\"message\":\"fine\"}");
        assertThat(d.deadLetters.readRecordsToList()).hasSize(1);
        assertThat(d.logs.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldRedactSecretsInTheDeadLetterOfAMalformedLine() {
        d.log("{" + TS + ",\"message\":\"login for bob with password=hunter2secret\",\"db_password\":\"tiger-lily-42\",\"n\":");
        TestRecord<byte[], byte[]> r = d.onlyDeadLetter();
        String value = new String(r.value(), StandardCharsets.UTF_8);
        assertThat(value).doesNotContain("hunter2secret", "tiger-lily-42").contains("password=[REDACTED]");
        assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REDACTIONS)).contains("2");
        assertThat(DeadLetterHeaders.read(r.headers()).reason()).isEqualTo("malformed_json");
    }

    @Test
    void shouldRedactSecretsInTheDetailOfADeadLetter() {
        d.request("{" + TS + ",\"method\":\"password=hunter2secret\",\"path\":\"/\",\"status\":200}");
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(d.onlyDeadLetter().headers());
        assertThat(h.reason()).isEqualTo("wrong_type");
        assertThat(h.detail()).doesNotContain("hunter2secret").contains("[REDACTED]");
    }

    @Test
    void shouldKeepTheOriginalBytesOfADeadLetterWhenTheOperatorChoseTo() {
        d.close();
        NormalizeSettings s = NormalizeSettings.DEFAULTS;
        d = new NormalizeDriver(new NormalizeSettings(s.limits(), s.routes(), new RedactionSettings(Set.of(), List.of(), true),
                s.fingerprint()), stateDir);
        byte[] value = utf8("{" + TS + ",\"message\":\"password=hunter2secret\",\"n\":");
        d.rawLogs.pipeInput("checkout", value, NormalizeDriver.NOW);
        assertThat(d.onlyDeadLetter().value()).isEqualTo(value);
    }
}
