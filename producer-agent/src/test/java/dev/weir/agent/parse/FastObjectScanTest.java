package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast scan must find what Jackson's scan finds, and must never accept what Jackson rejects. */
class FastObjectScanTest {

    static List<String> wellFormed() {
        return List.of(
                "{}",
                "  {\"a\":1}  ",
                "{\"@timestamp\":\"2025-06-01T12:00:00.000Z\",\"message\":\"Order 1 placed\",\"level_value\":20000,\"ok\":true,\"x\":null}",
                "{\"service.name\":\"billing\",\"event.id\":\"e-1\",\"host.name\":\"h\",\"service.environment\":\"prod\"}",
                "{\"service\":{\"name\":\"billing\",\"environment\":\"dev\"},\"host\":{\"name\":\"h\"},\"event\":{\"id\":\"x\"}}",
                "{\"log\":{\"file\":{\"path\":\"/a\"},\"offset\":3}}",
                "{\"log\":{\"file.path\":\"/a\"},\"log.file\":{\"path\":\"/b\"}}",
                "{\"service.name\":\"  \",\"event.id\":null,\"host.name\":[1,2],\"log.offset\":{\"a\":1}}",
                "{\"message\":\"tab\\tquote\\\" unicode \\u00e9 slash \\/\",\"stack_trace\":\"a\\n\\tat b\"}",
                "{\"msg\":\"grüße 日本 😀\",\"n\":-0.5e+10,\"m\":0,\"k\":1E3,\"arr\":[[],{},\"s\",{\"d\":[true,false,null]}]}",
                "{\"event\":{\"id\":{\"nested\":1}},\"service\":\"plain\",\"a\":{\"b\":{\"c\":{\"service.name\":\"deep\"}}}}",
                "{\"service.name\":\"caf\\u00e9\"}",
                "{\"service.name\":42}",
                "{\"a\\\"b\":1}");
    }

    /** Well-formed, but left to Jackson: an escaped service name or key, a service name that is not a string. */
    private static final java.util.Set<String> LEFT_TO_JACKSON = java.util.Set.of(
            "{\"service.name\":\"caf\\u00e9\"}", "{\"service.name\":42}", "{\"a\\\"b\":1}");

    static List<String> malformed() {
        return List.of(
                "", "   ", "plain text", "[1,2]", "\"s\"", "42", "{", "{\"a\":1", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
                "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":NaN}",
                "{\"a\":1,}", "{,\"a\":1}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":\"x\\q\"}", "{\"a\":\"\\u12\"}",
                "{\"a\":\"raw\ttab\"}", "{\"a\":[1,]}", "{\"a\":[1 2]}", "{\"a\":1 /* c */}", "{\"a\":12a}");
    }

    private static boolean fast(byte[] b, JsonLineParser.Scan scan) {
        return FastObjectScan.scan(b, 0, b.length, scan);
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void shouldFindWhatJacksonFindsWhenItAcceptsALine(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        JsonLineParser.Scan reference = new JsonLineParser.Scan();
        assertThat(JsonLineParser.jacksonScan(b, 0, b.length, reference)).as("Jackson accepts %s", line).isNull();

        JsonLineParser.Scan scan = new JsonLineParser.Scan();
        boolean accepted = fast(b, scan);

        assertThat(accepted).as("fast scan accepts %s", line).isEqualTo(!LEFT_TO_JACKSON.contains(line));
        if (accepted) {
            assertThat(scan.found).as("fields of %s", line).isEqualTo(reference.found);
            assertThat(scan.anyField).isEqualTo(reference.anyField);
            assertThat(scan.service).isEqualTo(reference.service);
        }
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldNeverAcceptWhatJacksonRejects(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertThat(JsonLineParser.jacksonScan(b, 0, b.length, new JsonLineParser.Scan())).as("Jackson rejects %s", line).isNotNull();

        assertThat(fast(b, new JsonLineParser.Scan())).as("fast scan of %s", line).isFalse();
    }

    @org.junit.jupiter.api.Test
    void shouldNeverAcceptInvalidUtf8() {
        byte[][] lines = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'},            // truncated sequence
            {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'}, // overlong
            {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'},
        };
        for (byte[] b : lines) {
            assertThat(fast(b, new JsonLineParser.Scan())).isFalse();
        }
    }

    @org.junit.jupiter.api.Test
    void shouldFindTheFirstByteOfAWordThatDoesNotStandForItselfInAString() {
        java.util.Random random = new java.util.Random(42);
        byte[] plainAndNot = {'a', ' ', '~', '"', '\\', 0, 0x1f, 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff, '!', '#', '[', ']'};
        java.nio.ByteBuffer word = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int round = 0; round < 200_000; round++) {
            byte[] w = new byte[8];
            for (int i = 0; i < 8; i++) {
                w[i] = round % 2 == 0 ? plainAndNot[random.nextInt(plainAndNot.length)] : (byte) random.nextInt(256);
            }
            int expected = 8;
            for (int i = 7; i >= 0; i--) {
                int c = w[i] & 0xff;
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                    expected = i;
                }
            }

            long special = FastObjectScan.special(word.clear().put(w).getLong(0));

            assertThat(special == 0 ? 8 : Long.numberOfTrailingZeros(special) >>> 3).as("first special byte of %s", java.util.Arrays.toString(w))
                    .isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void shouldDecideLikeJacksonWhateverTheByteAtAnyPositionOfALongString() {
        String[] inserts = {"\t", "\"", "\\", "\\\"", "\\u00e9", "\\x", "é", "😀", "\u007f", "\u0000"};
        for (String insert : inserts) {
            for (int at = 0; at <= 24; at++) {
                String value = "x".repeat(at) + insert + "y".repeat(24 - at);
                byte[] b = ("{\"message\":\"" + value + "\",\"service.name\":\"s" + value + "\"}").getBytes(StandardCharsets.UTF_8);
                JsonLineParser.Scan reference = new JsonLineParser.Scan();
                boolean jackson = JsonLineParser.jacksonScan(b, 0, b.length, reference) == null;
                JsonLineParser.Scan scan = new JsonLineParser.Scan();

                boolean accepted = fast(b, scan);

                String line = new String(b, StandardCharsets.UTF_8);
                if (!jackson) {
                    assertThat(accepted).as("fast scan of %s", line).isFalse();
                } else if (accepted) {
                    assertThat(scan.found).as("fields of %s", line).isEqualTo(reference.found);
                    assertThat(scan.service).as("service of %s", line).isEqualTo(reference.service);
                } else {
                    assertThat(insert).as("left to Jackson: %s", line).startsWith("\\"); // an escaped service name
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void shouldReadLogstashEncoderLinesItself() {
        byte[] b = ("{\"@timestamp\":\"2025-06-01T12:00:00.001Z\",\"@version\":\"1\",\"message\":\"Order 1 placed for customer 1\","
                + "\"logger_name\":\"shop.orders.OrderService\",\"thread_name\":\"http-nio-8080-exec-1\",\"level\":\"INFO\","
                + "\"level_value\":20000,\"trace.id\":\"9e3779b1\"}").getBytes(StandardCharsets.UTF_8);

        assertThat(fast(b, new JsonLineParser.Scan())).isTrue();
    }
}
