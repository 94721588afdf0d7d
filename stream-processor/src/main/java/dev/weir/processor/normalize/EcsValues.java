package dev.weir.processor.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.common.ecs.EcsFields;
import dev.weir.common.redact.Redactor;
import dev.weir.processor.validate.IpAddresses;
import dev.weir.processor.validate.RawEvent;
import dev.weir.processor.validate.Rejection;
import dev.weir.processor.validate.Timestamps;
import dev.weir.schemas.DeadLetterReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns an input field that ECS defines into the value the event's {@code ecs} map holds, typed as ECS types it
 * ({@link EcsFields}), or rejects it with {@code wrong_type} naming the field, as Elasticsearch would refuse it in that
 * place: a {@code long} that is not a whole number, an {@code ip} that is not an address, a {@code date} that does not
 * read. Text is redacted like labels and cut to the string limit. Thread-safe (stateless).
 */
final class EcsValues {
    private EcsValues() {
    }

    /**
     * @param key      the field's dotted name
     * @param node     its value (not JSON null)
     * @param field    its ECS definition
     * @param redactor redacts text
     * @param tally    counts the redactions
     * @param maxChars the string limit: longer text is cut
     * @return a {@code String}, {@code Long}, {@code Double}, {@code Boolean} or {@code List<String>}
     * @throws Rejection {@code wrong_type} (or {@code not_finite}, {@code negative_value}) naming the field
     */
    static Object of(String key, JsonNode node, EcsFields.Field field, Redactor redactor, Redactor.Tally tally,
                     int maxChars) {
        if (node.isArray() && field.kind() != EcsFields.Kind.STRING && field.kind() != EcsFields.Kind.IP) {
            if (node.size() != 1) {
                throw wrong(key, field, "an array of " + node.size() + " values");
            }
            node = node.get(0);
        }
        return switch (field.kind()) {
            case STRING -> {
                if (node.isArray()) {
                    List<String> items = new ArrayList<>(node.size());
                    for (JsonNode item : node) {
                        if (!item.isNull()) {
                            items.add(text(key, item, redactor, tally, maxChars));
                        }
                    }
                    yield items.size() == 1 ? items.get(0) : items;
                }
                yield text(key, node, redactor, tally, maxChars);
            }
            case LONG -> whole(key, field, node);
            case DOUBLE -> number(key, field, node);
            case IP -> {
                if (node.isArray()) {
                    List<String> items = new ArrayList<>(node.size());
                    for (JsonNode item : node) {
                        if (!item.isNull()) {
                            items.add(ip(key, field, item));
                        }
                    }
                    yield items.size() == 1 ? items.get(0) : items;
                }
                yield ip(key, field, node);
            }
            case DATE -> Timestamps.parse(new RawEvent.Field(key, node)).toString();
            case BOOLEAN -> {
                if (node.isBoolean()) {
                    yield node.booleanValue();
                }
                String t = node.isTextual() ? node.textValue().trim().toLowerCase(Locale.ROOT) : "";
                if (t.equals("true") || t.equals("false")) {
                    yield Boolean.valueOf(t);
                }
                throw wrong(key, field, shorten(node.toString()));
            }
        };
    }

    private static String text(String key, JsonNode node, Redactor redactor, Redactor.Tally tally, int maxChars) {
        String text = redactor.redactLabel(key, node.isTextual() ? node.textValue() : node.asText(), tally);
        return text.length() > maxChars ? text.substring(0, maxChars) : text;
    }

    private static Long whole(String key, EcsFields.Field field, JsonNode node) {
        if (node.isInt() || node.isLong()) {
            return node.longValue();
        }
        java.math.BigDecimal d = decimal(key, field, node).stripTrailingZeros();
        // compare magnitudes before any arithmetic: "1e999999999" must not build a billion-digit number
        if (d.scale() > 0 || d.precision() - d.scale() > 19) {
            throw wrong(key, field, shorten(node.toString()));
        }
        try {
            return d.longValueExact();
        } catch (ArithmeticException outOfRange) {
            throw wrong(key, field, shorten(node.toString()));
        }
    }

    private static Double number(String key, EcsFields.Field field, JsonNode node) {
        double d = decimal(key, field, node).doubleValue();
        if (!Double.isFinite(d)) {
            throw new Rejection(DeadLetterReason.NOT_FINITE, key, key + " is too large to be a finite number.");
        }
        return d;
    }

    /** The number, or {@code wrong_type} in ECS's words ({@code not_finite} stays what it is). */
    private static java.math.BigDecimal decimal(String key, EcsFields.Field field, JsonNode node) {
        try {
            return RawEvent.decimal(new RawEvent.Field(key, node));
        } catch (Rejection r) {
            if (r.reason() == DeadLetterReason.WRONG_TYPE) {
                throw wrong(key, field, shorten(node.toString()));
            }
            throw r;
        }
    }

    private static String ip(String key, EcsFields.Field field, JsonNode node) {
        String text = node.isTextual() ? node.textValue() : node.asText();
        if (!IpAddresses.isLiteral(text)) {
            throw wrong(key, field, "\"" + shorten(text) + "\"");
        }
        return text;
    }

    private static Rejection wrong(String key, EcsFields.Field field, String what) {
        String expected = switch (field.kind()) {
            case LONG -> "a whole number";
            case DOUBLE -> "a number";
            case IP -> "an IPv4 or IPv6 address such as 203.0.113.7";
            case DATE -> "an ISO-8601 date-time or epoch milliseconds";
            case BOOLEAN -> "true or false";
            case STRING -> "text";
        };
        return new Rejection(DeadLetterReason.WRONG_TYPE, key, key + " must be " + expected + " (ECS types it " + field.type()
                + "), not " + what + ".");
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
