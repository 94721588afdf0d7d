package dev.weir.processor.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.processor.validate.RawEvent;

/**
 * Renders a Serilog message template ({@code @mt}) with the event's properties, as Serilog's
 * {@code RenderedCompactJsonFormatter} would have written {@code @m}: {@code {Name}}, {@code {@Name}}, {@code {$Name}},
 * with an alignment or format ({@code {Elapsed:0.00}}, {@code {Name,-10}}) replaced by the property's value: text in
 * double quotes (unless its format is {@code l}), numbers and booleans as they are, objects as their JSON;
 * {@code {{} and {@code }}} stand for braces; a hole without a property stays as written. Stateless.
 */
final class MessageTemplates {
    /** The longest rendering kept; the message is cut (and tagged) by the string limit anyway. */
    private static final int MAX = 64 * 1024;

    private MessageTemplates() {
    }

    /**
     * @param template the template
     * @param event    the event holding its properties (top-level keys; an object property is flattened, and rendered as
     *                 its dotted members' text)
     * @return the message
     */
    static String render(String template, RawEvent event) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length() && out.length() < MAX) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                out.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                out.append('}');
                i += 2;
            } else if (c == '{') {
                int close = template.indexOf('}', i + 1);
                if (close < 0) {
                    out.append(template, i, template.length());
                    break;
                }
                String hole = template.substring(i + 1, close);
                String value = value(hole, event);
                out.append(value == null ? template.substring(i, close + 1) : value);
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.length() > MAX ? out.substring(0, MAX) : out.toString();
    }

    private static String value(String hole, RawEvent event) {
        String name = hole;
        boolean literal = false;
        int format = name.indexOf(':');
        if (format >= 0) {
            literal = name.substring(format + 1).contains("l");
            name = name.substring(0, format);
        }
        int alignment = name.indexOf(',');
        if (alignment >= 0) {
            name = name.substring(0, alignment);
        }
        if (name.startsWith("@") || name.startsWith("$")) {
            name = name.substring(1);
        }
        if (name.isEmpty()) {
            return null;
        }
        JsonNode v = event.peek(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return literal ? v.textValue() : "\"" + v.textValue() + "\"";
        }
        return v.isContainerNode() ? v.toString() : v.asText();
    }
}
