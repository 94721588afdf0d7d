package dev.weir.processor.validate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.weir.schemas.DeadLetterReason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the bytes of one raw record into a {@link RawEvent}, checking the structural
 * {@link Limits} in this order: size, UTF-8, JSON syntax (exactly one object), nesting depth,
 * field count, string length. The first violation wins and is thrown as a {@link Rejection}.
 *
 * <p>The message, error message and stack trace are exempt from the string limit: they are cut by
 * the normaliser instead, so that a long stack trace is kept, shortened, rather than lost.
 *
 * <p>Thread-safe (the Jackson mapper is immutable after construction; decoders are per call).
 */
public final class RawEventParser {

    /** Fields cut to the string limit instead of rejected. */
    public static final Set<String> TRUNCATABLE = Set.of("message", "msg", "error.message", "stack_trace", "error.stack_trace");

    private final Limits limits;
    private final ObjectMapper mapper;

    /**
     * @param limits the limits to enforce
     */
    public RawEventParser(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        JsonMapper m = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        // Jackson enforces the depth while parsing, so a 1 MiB "[[[[..." never builds a deep tree
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxEventBytes(), 1_000_000)))
                .build());
        this.mapper = m;
    }

    /**
     * @param value the raw record value; {@code null} is rejected as malformed
     * @return the flattened event
     * @throws Rejection when a limit is exceeded or the bytes are not one JSON object
     */
    public RawEvent parse(byte[] value) {
        if (value == null) {
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The record has no value (null); expected one JSON object.");
        }
        if (value.length > limits.maxEventBytes()) {
            throw new Rejection(DeadLetterReason.TOO_LARGE, null, "The event has " + value.length
                    + " bytes, more than the limit of " + limits.maxEventBytes() + " bytes.");
        }
        checkUtf8(value);
        JsonNode root;
        try {
            root = mapper.readTree(value); // Jackson's byte parser: faster than decoding to a String first
        } catch (StreamConstraintsException e) {
            if (e.getOriginalMessage().contains("nesting depth")) {
                throw new Rejection(DeadLetterReason.TOO_DEEP, null, "Objects and arrays are nested deeper than the limit of "
                        + limits.maxDepth() + " levels.");
            }
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event exceeds a JSON parser limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + lineOf(e) + ").");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Reading an in-memory byte array failed", e); // cannot happen
        }
        if (root == null || root.isMissingNode()) {
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event is empty; expected one JSON object.");
        }
        if (!root.isObject()) {
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event is a JSON " + root.getNodeType().name().toLowerCase()
                    + ", not an object; send one JSON object per event.");
        }
        int[] fields = {0};
        check(root, "", fields);
        RawEvent event = new RawEvent();
        flatten(root, "", false, event);
        return event;
    }

    private static void checkUtf8(byte[] value) {
        for (byte b : value) {
            if (b < 0) {
                decodeUtf8(value); // not all ASCII: let the strict decoder judge
                return;
            }
        }
    }

    private static String decodeUtf8(byte[] value) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(value));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new Rejection(DeadLetterReason.INVALID_UTF8, null, "The event is not valid UTF-8 (" + e.getMessage()
                    + "); configure the service or agent to write UTF-8.");
        }
    }

    private static String lineOf(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private void check(JsonNode node, String path, int[] fields) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                countField(fields, child);
                if (e.getKey().length() > limits.maxStringLength()) {
                    throw new Rejection(DeadLetterReason.STRING_TOO_LONG, path.isEmpty() ? null : path, "A field name of "
                            + e.getKey().length() + " characters exceeds the limit of " + limits.maxStringLength() + ".");
                }
                check(e.getValue(), child, fields);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                countField(fields, path);
                check(element, path, fields);
            }
        } else if (node.isTextual() && node.textValue().length() > limits.maxStringLength() && !TRUNCATABLE.contains(path)) {
            throw new Rejection(DeadLetterReason.STRING_TOO_LONG, path, "The string in " + path + " has "
                    + node.textValue().length() + " characters, more than the limit of " + limits.maxStringLength() + ".");
        }
    }

    private void countField(int[] fields, String path) {
        if (++fields[0] > limits.maxFields()) {
            throw new Rejection(DeadLetterReason.TOO_MANY_FIELDS, null, "The event has more than " + limits.maxFields()
                    + " fields (object members and array elements over all levels); the limit was reached at " + path + ".");
        }
    }

    /** Nested objects become dotted paths; a key that itself contains a dot wins over a nested path. */
    private static void flatten(JsonNode node, String prefix, boolean dotted, RawEvent into) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            boolean isDotted = dotted || e.getKey().indexOf('.') >= 0;
            JsonNode v = e.getValue();
            if (v.isObject()) {
                if (v.isEmpty()) {
                    continue;
                }
                flatten(v, path + ".", isDotted, into);
            } else if (v.isArray() && !scalars(v)) {
                // arrays holding objects or arrays are kept as their JSON text: a label, never a known field
                into.put(path, TextNode.valueOf(v.toString()), isDotted);
            } else {
                into.put(path, v, isDotted);
            }
        }
    }

    private static boolean scalars(JsonNode array) {
        for (JsonNode n : array) {
            if (n.isContainerNode()) {
                return false;
            }
        }
        return true;
    }
}
