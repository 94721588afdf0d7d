package dev.weir.processor.validate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.schemas.DeadLetterReason;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One raw event, flattened to dotted paths ({@code {"log":{"level":"warn"}}} and
 * {@code {"log.level":"warn"}} both give {@code log.level}), with typed readers that reject
 * unusable values with the right dead-letter reason.
 *
 * <p>Values are JSON scalars or arrays of scalars; JSON {@code null} counts as absent. Every
 * reader marks the key it took as consumed; {@link #unconsumed()} gives the rest, which become
 * labels.
 *
 * <p>Not thread-safe; one instance per record.
 */
public final class RawEvent {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(NaN|Infinity|inf)", Pattern.CASE_INSENSITIVE);

    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final Set<String> dotted = new HashSet<>();
    private final Set<String> consumed = new HashSet<>(32); // the keys an event has that readers took: no resize for a typical event

    RawEvent() {
    }

    void put(String path, JsonNode value, boolean fromDottedKey) {
        if (!values.containsKey(path) || fromDottedKey && !dotted.contains(path)) {
            values.put(path, value);
            if (fromDottedKey) {
                dotted.add(path);
            }
        }
    }

    /** @return every flattened field in input order, JSON nulls included (read-only; for comparing parses) */
    Map<String, JsonNode> fields() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /**
     * A value and the key it was found under.
     *
     * @param key  the dotted path
     * @param node the JSON value, never JSON null
     */
    public record Field(String key, JsonNode node) {
    }

    /**
     * Moves the value of {@code from} to {@code to}, the name Weir reads it under (a logger's own key to its ECS place:
     * pino's {@code pid} to {@code process.pid}), unless {@code to} is present already; then {@code from} stays as it
     * is (a label).
     *
     * @return whether it moved
     */
    public boolean rename(String from, String to) {
        JsonNode v = values.get(from);
        if (v == null || v.isNull() || has(to)) {
            return false;
        }
        values.remove(from);
        values.put(to, v);
        dotted.add(to);
        return true;
    }

    /** Removes {@code key}: its value was moved elsewhere (split into two ECS fields). */
    public void remove(String key) {
        values.remove(key);
    }

    /** Sets {@code key} to a number taken from the event, unless it is present. */
    public void putNumber(String key, long value) {
        if (!has(key)) {
            values.put(key, com.fasterxml.jackson.databind.node.LongNode.valueOf(value));
            dotted.add(key);
        }
    }

    /** Sets {@code key} to a text made from the event (a rendered message template), unless it is present. */
    public void putText(String key, String text) {
        if (!has(key)) {
            values.put(key, com.fasterxml.jackson.databind.node.TextNode.valueOf(text));
            dotted.add(key);
        }
    }

    /** @return the value of {@code key}, JSON null included, or null when absent; does not consume it */
    public JsonNode peek(String key) {
        return values.get(key);
    }

    /** @return whether any of the keys holds a non-null value (does not consume) */
    public boolean has(String... keys) {
        for (String k : keys) {
            JsonNode n = values.get(k);
            if (n != null && !n.isNull()) {
                return true;
            }
        }
        return false;
    }

    /** @return the first key of the form {@code prefix.…} (a nested object flattened), or {@code null} */
    public String keyUnder(String prefix) {
        int n = prefix.length();
        for (String k : values.keySet()) {
            if (k.length() > n && k.charAt(n) == '.' && k.startsWith(prefix)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Consumes all the keys and returns the first that holds a non-null value.
     *
     * @param keys candidate keys, in precedence order
     * @return the first present field, or {@code null}
     */
    public Field first(String... keys) {
        Field found = null;
        for (String k : keys) {
            JsonNode n = values.get(k);
            if (n != null) {
                // only keys the event has matter to unconsumed(); most candidates are absent (hot path)
                consumed.add(k);
                if (found == null && !n.isNull()) {
                    found = new Field(k, n);
                }
            }
        }
        return found;
    }

    /** Marks keys as used without reading them (e.g. {@code @version}). */
    public void ignore(String... keys) {
        for (String k : keys) {
            if (values.containsKey(k)) {
                consumed.add(k);
            }
        }
    }

    /** @return the fields no reader consumed, in input order, JSON nulls left out */
    public Map<String, JsonNode> unconsumed() {
        Map<String, JsonNode> rest = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!consumed.contains(k) && !v.isNull()) {
                rest.put(k, v);
            }
        });
        return rest;
    }

    /**
     * The first present key as text: strings as they are, numbers and booleans in their JSON form.
     * An array gives its first element.
     *
     * @return the text, or {@code null} when none of the keys is present
     * @throws Rejection {@code wrong_type} for an array of several values where one string belongs
     */
    public String text(String... keys) {
        Field f = first(keys);
        if (f == null) {
            return null;
        }
        return textOf(f, false);
    }

    /**
     * Refuses an object where a string belongs: a key that is absent while keys under it are present
     * ({@code "message": {"text": "…"}}, or dotted {@code "message.text"}) is {@code wrong_type}, as an
     * array of several values there is. Call before reading keys that name a leaf of ECS, never a prefix
     * ({@code service.name}, not {@code service}).
     *
     * @param leaves the keys that may not hold objects
     * @throws Rejection {@code wrong_type} naming the key
     */
    public void noObjectAt(String... leaves) {
        for (String k : leaves) {
            if (!values.containsKey(k)) {
                String under = keyUnder(k); // a scan of the keys, without allocation: a handful of leaves per event
                if (under != null) {
                    throw new Rejection(DeadLetterReason.WRONG_TYPE, k, k + " holds an object (" + shorten(under) + " …) where one "
                            + "string belongs.");
                }
            }
        }
    }

    /**
     * The first present key as an IP address.
     *
     * @return the address as written, or {@code null} when none of the keys is present
     * @throws Rejection {@code wrong_type} naming the key when the value is not an IPv4 or IPv6 address literal
     *                   (Elasticsearch's {@code ip} fields refuse anything else)
     */
    public String ip(String... keys) {
        Field f = first(keys);
        if (f == null) {
            return null;
        }
        String text = textOf(f, false);
        if (text != null && !IpAddresses.isLiteral(text)) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " must be an IPv4 or IPv6 address such as "
                    + "203.0.113.7, not \"" + shorten(text) + "\".");
        }
        return text;
    }

    /** Like {@link #text} but an array yields its first element (ECS {@code event.category}). */
    public String firstText(String... keys) {
        Field f = first(keys);
        if (f == null) {
            return null;
        }
        return textOf(f, true);
    }

    private static String textOf(Field f, boolean firstOfArray) {
        JsonNode n = f.node();
        if (n.isArray()) {
            if (n.isEmpty()) {
                return null;
            }
            if (!firstOfArray && n.size() > 1) {
                throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " holds an array of " + n.size()
                        + " values where one string belongs.");
            }
            n = n.get(0);
            if (n.isNull()) {
                return null;
            }
        }
        return n.isTextual() ? n.textValue() : n.asText();
    }

    /**
     * A whole number from a JSON integer or a string of digits.
     *
     * @param min smallest allowed value; below it and below 0 gives {@code negative_value}, else {@code wrong_type}
     * @param max largest allowed value ({@code wrong_type} above it)
     * @return the value, or {@code null} when absent
     * @throws Rejection {@code wrong_type}, {@code negative_value} or {@code not_finite}
     */
    public Long wholeNumber(long min, long max, String... keys) {
        Field f = first(keys);
        if (f == null) {
            return null;
        }
        JsonNode n = f.node();
        if (n.isInt() || n.isLong()) {
            // the common case, without the BigDecimal below: same checks, same messages
            long v = n.longValue();
            if (v < 0 && min >= 0) {
                throw new Rejection(DeadLetterReason.NEGATIVE_VALUE, f.key(), f.key() + " must not be negative, got " + shorten(n) + ".");
            }
            if (v < min || v > max) {
                throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " must be between " + min + " and " + max
                        + ", got " + shorten(n) + ".");
            }
            return v;
        }
        BigDecimal whole = decimal(f).stripTrailingZeros();
        if (whole.scale() > 0) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " must be a whole number, not " + shorten(f.node()) + ".");
        }
        if (whole.signum() < 0 && min >= 0) {
            throw new Rejection(DeadLetterReason.NEGATIVE_VALUE, f.key(), f.key() + " must not be negative, got " + shorten(f.node()) + ".");
        }
        // compare magnitudes before any arithmetic: "1e999999999" must not build a billion-digit number
        if (whole.precision() - whole.scale() > 19
                || whole.compareTo(BigDecimal.valueOf(min)) < 0 || whole.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " must be between " + min + " and " + max
                    + ", got " + shorten(f.node()) + ".");
        }
        return whole.longValueExact();
    }

    /**
     * A finite, non-negative number from a JSON number or a numeric string.
     *
     * @return the value, or {@code null} when absent
     * @throws Rejection {@code wrong_type}, {@code negative_value} or {@code not_finite}
     */
    public Double nonNegativeNumber(String... keys) {
        Field f = first(keys);
        if (f == null) {
            return null;
        }
        JsonNode n = f.node();
        // JSON numbers without the BigDecimal round trip (the value is the same double); strings still go through decimal()
        double d = n.isDouble() || n.isFloat() ? finite(f, n.doubleValue())
                : n.isInt() || n.isLong() ? (double) n.longValue() : decimal(f).doubleValue();
        if (Double.isInfinite(d)) {
            throw new Rejection(DeadLetterReason.NOT_FINITE, f.key(), f.key() + " is too large to be a finite number.");
        }
        if (d < 0) {
            throw new Rejection(DeadLetterReason.NEGATIVE_VALUE, f.key(), f.key() + " must not be negative, got " + d + ".");
        }
        return d;
    }

    private static double finite(Field f, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new Rejection(DeadLetterReason.NOT_FINITE, f.key(), f.key() + " is " + d + "; it must be a finite number.");
        }
        return d;
    }

    /**
     * The value as an exact decimal.
     *
     * @throws Rejection {@code not_finite} for NaN/Infinity, {@code wrong_type} for anything not a number
     */
    public static BigDecimal decimal(Field f) {
        JsonNode n = f.node();
        if (n.isNumber()) {
            if (n.isDouble() || n.isFloat()) {
                double d = n.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new Rejection(DeadLetterReason.NOT_FINITE, f.key(), f.key() + " is " + d + "; it must be a finite number.");
                }
            }
            return n.decimalValue();
        }
        if (n.isTextual()) {
            String s = n.textValue().trim();
            if (NON_FINITE.matcher(s).matches()) {
                throw new Rejection(DeadLetterReason.NOT_FINITE, f.key(), f.key() + " is " + s + "; it must be a finite number.");
            }
            if (DECIMAL.matcher(s).matches() && s.length() <= 64) {
                return new BigDecimal(s);
            }
        }
        throw new Rejection(DeadLetterReason.WRONG_TYPE, f.key(), f.key() + " must be a number, not " + shorten(n) + ".");
    }

    private static String shorten(JsonNode n) {
        return shorten(n.toString());
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
