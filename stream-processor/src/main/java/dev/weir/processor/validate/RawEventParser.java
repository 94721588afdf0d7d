package dev.weir.processor.validate;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.weir.schemas.DeadLetterReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * <p>The usual event is read in one pass ({@link #parseFlat}); anything else, including every
 * rejection, goes through Jackson's tree ({@link #parseTree}), so both give the same results.
 *
 * <p>Thread-safe (the Jackson mappers are immutable after construction; parsers and decoders are per call).
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
        this.mapper = mapper(limits);
    }

    /** Jackson's settings: NaN and Infinity read (and then refused with their field), nothing after the object, no key twice. */
    private static ObjectMapper mapper(Limits limits) {
        JsonMapper.Builder b = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonMapper m = b.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        // Jackson enforces the depth while parsing, so a 1 MiB "[[[[..." never builds a deep tree
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth())
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, Math.max(limits.maxEventBytes(), 1_000_000)))
                .build());
        return m;
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
        RawEvent flat = parseFlat(value);
        return flat != null ? flat : parseTree(value);
    }

    /**
     * The reference path: Jackson's tree, then the limits walk, then flattening. Every event the
     * fast path ({@link #parseFlat}) declines comes here, so every rejection and every odd shape is
     * judged by this code alone.
     */
    RawEvent parseTree(byte[] value) {
        JsonNode root;
        try {
            root = mapper.readTree(value); // Jackson's byte parser: faster than decoding to a String first
        } catch (StreamConstraintsException e) {
            if (e.getOriginalMessage().contains("nesting depth")) {
                throw new Rejection(DeadLetterReason.TOO_DEEP, null, "Objects and arrays are nested deeper than the limit of "
                        + limits.maxDepth() + " levels.");
            }
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event exceeds a JSON parser limit: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            String duplicate = duplicateKey(e);
            if (duplicate != null) {
                throw new Rejection(DeadLetterReason.MALFORMED_JSON, printable(duplicate), "The key " + printable(duplicate)
                        + " appears twice in one object (line " + lineOf(e) + "); send each key once.");
            }
            throw new Rejection(DeadLetterReason.MALFORMED_JSON, null, "The event is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + lineOf(e) + ").");
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

    /**
     * The fast path for the usual event: one pass over Jackson's tokens straight into the flat event,
     * with the limits counted on the way: no tree, no second and third walk over it (about 5 % of the
     * normaliser's time per event; most of what is left is Jackson reading the tokens).
     *
     * <p>It gives up, returning {@code null}, on anything but a well-formed object within the limits
     * whose arrays hold only scalars and whose objects repeat no key: syntax errors, limits exceeded
     * (field count, string length, nesting depth), a repeated key (Jackson's tree keeps the last value
     * of a repeated key, which one pass cannot undo once an earlier nested object is flattened) and
     * arrays holding objects or arrays (kept as their JSON text). {@link #parseTree} then parses the
     * event again and gives the same result or rejection as before this path existed.
     *
     * @return the flattened event, or {@code null} to leave the event to {@link #parseTree}
     */
    RawEvent parseFlat(byte[] value) {
        try (JsonParser p = mapper.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            RawEvent event = new RawEvent();
            int[] fields = {0};
            if (!flatObject(p, "", false, event, fields)) {
                return null;
            }
            return p.nextToken() == null ? event : null;
        } catch (java.io.IOException e) { // syntax, depth or a repeated key: the tree path says which
            return null;
        }
    }

    /** Reads the members of the object the parser is in, up to its end; false to give up. */
    private boolean flatObject(JsonParser p, String prefix, boolean dotted, RawEvent into, int[] fields) throws java.io.IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (++fields[0] > limits.maxFields() || key.length() > limits.maxStringLength() || hasControl(key)) {
                return false;
            }
            String path = prefix.isEmpty() ? key : prefix + key;
            boolean isDotted = dotted || key.indexOf('.') >= 0;
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                if (!flatObject(p, path + ".", isDotted, into, fields)) {
                    return false;
                }
            } else if (t == JsonToken.START_ARRAY) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    JsonNode element = e == null ? null : scalar(p, e, path);
                    if (element == null || ++fields[0] > limits.maxFields()) {
                        return false;
                    }
                    array.add(element);
                }
                into.put(path, array, isDotted);
            } else {
                JsonNode scalar = t == null ? null : scalar(p, t, path);
                if (scalar == null) {
                    return false;
                }
                into.put(path, scalar, isDotted);
            }
        }
        return p.currentToken() == JsonToken.END_OBJECT;
    }

    /** The node Jackson's tree would hold for a scalar token; null for a container or a string over the limit. */
    private JsonNode scalar(JsonParser p, JsonToken t, String path) throws java.io.IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (t) {
            case VALUE_STRING -> {
                String text = p.getText();
                yield text.length() > limits.maxStringLength() && !TRUNCATABLE.contains(path) ? null : f.textNode(text);
            }
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> f.numberNode(p.getIntValue());
                case LONG -> f.numberNode(p.getLongValue());
                default -> f.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                yield Double.isFinite(d) ? f.numberNode(d) : null;
            }
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> null;
        };
    }

    /** Reads a byte array eight bytes at a time, for {@link #checkUtf8}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private static void checkUtf8(byte[] value) {
        // nearly every event is ASCII: test eight bytes per step for a byte with its high bit set
        int i = 0;
        long any = 0;
        for (int end = value.length - 7; i < end; i += 8) {
            any |= (long) LONGS.get(value, i);
        }
        for (; i < value.length; i++) {
            any |= value[i];
        }
        if ((any & HIGH_BITS) != 0) {
            decodeUtf8(value); // not all ASCII: let the strict decoder judge
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

    /** @return the key a strict parser found twice, or {@code null} when the exception says something else */
    private static String duplicateKey(JsonParseException e) {
        String m = e.getOriginalMessage();
        if (m == null || !m.startsWith("Duplicate field '")) {
            return null;
        }
        int end = m.lastIndexOf('\'');
        return end > "Duplicate field '".length() ? m.substring("Duplicate field '".length(), end) : null;
    }

    /** @return whether the name holds an ISO control character (U+0000–U+001F, U+007F–U+009F) */
    static boolean hasControl(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** @return the name with control characters written as backslash-u escapes, fit for a header and a log line */
    static String printable(String name) {
        if (!hasControl(name)) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length() + 16);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
                if (hasControl(e.getKey())) {
                    throw new Rejection(DeadLetterReason.INVALID_FIELD_NAME, printable(child), "The field name " + printable(child)
                            + " holds a control character; Elasticsearch cannot index it. Field names must be printable.");
                }
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
        } else if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            throw new Rejection(DeadLetterReason.NOT_FINITE, path, path + " is " + node.doubleValue()
                    + " (a number too large for a double, or NaN/Infinity); numbers must be finite.");
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
