package dev.weir.processor.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.schemas.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser's one-pass fast path ({@code parseFlat}) against its reference, Jackson's tree
 * ({@code parseTree}): for every input, {@code parse} must give exactly what the tree path gives, the
 * same fields in the same order with the same node types, or the same rejection.
 */
class RawEventParserTest {

    /** Small limits, so that random documents run into each of them. */
    private static final Limits SMALL = new Limits(4096, 4, 40, 16, Duration.ofDays(7), Duration.ofHours(1));

    private static final String[] KEYS = {"service", "log.level", "log", "level", "message", "a", "a.b", "b", "error",
        "error.message", "stack_trace", "labels", "x.y.z", "ü", "emoji😀", "0123456789abcdefghij"};
    private static final String[] SCALARS = {"0", "-1", "42", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890",
        "1.5", "-0.0", "0.1", "1e3", "1E-5", "2.5e+10", "1e308", "1e400", "-1e400", "4.9e-325", "NaN", "Infinity", "-Infinity",
        "true", "false", "null", "\"\"", "\"warn\"", "\"12\"", "\"a\\\"b\\\\c\\n\\t\\u00e9\"", "\"ü€😀\"",
        "\"exactly sixteen!\"", "\"seventeen chars!!\""};

    @Test
    void randomDocumentsParseAsTheTreeDoes() {
        RawEventParser parser = new RawEventParser(SMALL);
        Random rnd = new Random(20261123);
        int fast = 0;
        int documents = 20_000;
        for (int i = 0; i < documents; i++) {
            byte[] doc = utf8(randomObject(rnd, 1));
            assertSameOutcome(parser, doc);
            if (parser.parseFlat(doc) != null) {
                fast++;
            }
        }
        // the generator makes plenty of plain documents: the fast path must take a good share of them
        assertTrue(fast > documents / 5, "the fast path took only " + fast + " of " + documents + " documents");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"service\":\"shop\",\"status\":200,\"duration_ms\":12.5,\"tags\":[\"a\",1,null,true]}",
        "{\"log\":{\"level\":\"warn\"},\"log.level\":\"error\"}",
        "{\"log.level\":\"error\",\"log\":{\"level\":\"warn\"}}",
        "{\"a\":{\"b.c\":1,\"b\":{\"c\":2}}}",
        "{\"a\":{\"b\":{\"c\":2}},\"a.b\":{\"c\":1}}",
        "{\"a\":{},\"b\":[],\"c\":null,\"d\":{\"e\":{}}}",
        "{\"huge\":123456789012345678901234567890,\"small\":4.9e-325}",
        "{\"message\":\"this message is much longer than sixteen characters\"}",
        "{\"stack_trace\":[\"this element is longer than sixteen\"]}",
    })
    void plainEventsTakeTheFastPath(String json) {
        RawEventParser parser = new RawEventParser(SMALL);
        assertNotNull(parser.parseFlat(utf8(json)), json);
        assertSameOutcome(parser, utf8(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1,\"a\":2}",
        "{\"n\":NaN}",
        "{\"big\":1e400}",
        "{\"m\":-Infinity}",
        "{\"tab\\tkey\":1}",
        "{\"log\":{\"level\":\"warn\",\"x\":1},\"log\":{\"y\":2}}",
        "{\"a\":[{\"b\":1}]}",
        "{\"a\":[[1]]}",
        "{\"a\":\"seventeen chars!!\"}",
        "{\"seventeen chars!!\":1}",
        "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}",
        "{\"a\":1} {}",
        "{\"a\":1",
        "[{\"a\":1}]",
        "42",
        "",
    })
    void everythingElseIsLeftToTheTree(String json) {
        RawEventParser parser = new RawEventParser(SMALL);
        assertNull(parser.parseFlat(utf8(json)), json);
        assertSameOutcome(parser, utf8(json));
    }

    @Test
    void tooManyFieldsIsLeftToTheTree() {
        StringBuilder sb = new StringBuilder("{\"list\":[");
        for (int i = 0; i < SMALL.maxFields(); i++) {
            sb.append(i == 0 ? "" : ",").append(i);
        }
        byte[] doc = utf8(sb.append("]}").toString()); // the list's name and its elements: one field too many
        RawEventParser parser = new RawEventParser(SMALL);
        assertNull(parser.parseFlat(doc));
        assertEquals("rejected too_many_fields", outcome(() -> parser.parse(doc)).split(" null ")[0]);
        assertSameOutcome(parser, doc);
    }

    @Test
    void aByteThatIsNotUtf8IsFoundAtEveryPosition() {
        RawEventParser parser = new RawEventParser(Limits.DEFAULTS);
        String json = "{\"message\":\"" + "abcdefghijklmnopqrstuvwxyz".repeat(2) + "\"}";
        for (int at = 0; at < json.length(); at++) { // every offset: the eight-byte steps and the tail
            byte[] doc = utf8(json);
            doc[at] = (byte) 0xFF;
            int position = at;
            Rejection r = assertThrows(Rejection.class, () -> parser.parse(doc), () -> "0xFF at " + position);
            assertEquals(DeadLetterReason.INVALID_UTF8, r.reason(), "0xFF at " + at);
        }
        assertNotNull(parser.parse(utf8(json.replace("abc", "äbc")))); // valid UTF-8 beyond ASCII still parses
    }

    private static void assertSameOutcome(RawEventParser parser, byte[] doc) {
        String text = new String(doc, StandardCharsets.UTF_8);
        assertEquals(outcome(() -> parser.parseTree(doc)), outcome(() -> parser.parse(doc)), text);
    }

    /** The fields with their node classes, or the rejection with its reason, field and message. */
    private static String outcome(Supplier<RawEvent> parse) {
        try {
            List<String> fields = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : parse.get().fields().entrySet()) {
                fields.add(e.getKey() + "=" + describe(e.getValue()));
            }
            return "event " + fields;
        } catch (Rejection r) {
            return "rejected " + r.reason().code() + " " + r.field() + " " + r.getMessage();
        }
    }

    private static String describe(JsonNode n) {
        StringBuilder sb = new StringBuilder(n.getClass().getSimpleName()).append(':').append(n);
        if (n.isArray()) {
            n.forEach(e -> sb.append('|').append(e.getClass().getSimpleName()));
        }
        return sb.toString();
    }

    private static String randomObject(Random rnd, int depth) {
        StringBuilder sb = new StringBuilder("{");
        int members = rnd.nextInt(6);
        for (int i = 0; i < members; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(KEYS[rnd.nextInt(KEYS.length)]).append("\":").append(randomValue(rnd, depth));
        }
        return sb.append('}').toString();
    }

    private static String randomValue(Random rnd, int depth) {
        int kind = rnd.nextInt(10);
        if (kind == 0 && depth < 6) {
            return randomObject(rnd, depth + 1);
        }
        if (kind == 1 && depth < 6) {
            StringBuilder sb = new StringBuilder("[");
            int elements = rnd.nextInt(4);
            for (int i = 0; i < elements; i++) {
                sb.append(i == 0 ? "" : ",").append(rnd.nextInt(8) == 0 ? randomValue(rnd, depth + 1) : scalar(rnd));
            }
            return sb.append(']').toString();
        }
        return scalar(rnd);
    }

    private static String scalar(Random rnd) {
        return SCALARS[rnd.nextInt(SCALARS.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
