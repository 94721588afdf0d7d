package dev.weir.emitter.route;

import dev.weir.common.config.ConfigException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher as in Alertmanager: {@code name = "value"}, {@code !=}, {@code =~}
 * (anchored regular expression) and {@code !~}. A missing label matches as the empty string.
 *
 * @param name the label name
 * @param type the operator
 * @param value the value or regular expression
 */
public record Matcher(String name, Type type, String value, Pattern pattern) {
    private static final Pattern SYNTAX = Pattern.compile(
            "^\\s*([a-zA-Z_:][a-zA-Z0-9_:.]*|\"(?:[^\"\\\\]|\\\\.)*\")\\s*(=~|!~|!=|=)\\s*(.*?)\\s*$", Pattern.DOTALL);

    /** The matcher operators. */
    public enum Type {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String op;

        Type(String op) {
            this.op = op;
        }

        public String op() {
            return op;
        }
    }

    public Matcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /**
     * @param name label name
     * @param type operator
     * @param value value or regular expression (anchored at both ends, as in Alertmanager)
     * @return the matcher
     * @throws IllegalArgumentException for an invalid regular expression
     */
    public static Matcher of(String name, Type type, String value) {
        Pattern p = null;
        if (type == Type.REGEX || type == Type.NOT_REGEX) {
            try {
                p = Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + value + ": " + e.getDescription());
            }
        }
        return new Matcher(name, type, value, p);
    }

    /**
     * Parses Alertmanager's matcher syntax, e.g. {@code severity = "warning"} or
     * {@code service=~"api|web"}.
     *
     * @param key where the text came from, for messages
     * @param text the matcher
     * @return the matcher
     * @throws ConfigException naming {@code key} when the text is not a matcher
     */
    public static Matcher parse(String key, String text) {
        String t = text.strip();
        if (t.startsWith("{") && t.endsWith("}")) {
            t = t.substring(1, t.length() - 1);
        }
        java.util.regex.Matcher m = SYNTAX.matcher(t);
        if (!m.matches()) {
            throw ConfigException.invalid(key, text, "must be a matcher such as severity=\"critical\" or service=~\"api|web\"");
        }
        String name = unquote(m.group(1));
        String value = m.group(3);
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"")) {
                throw ConfigException.invalid(key, text, "the value's closing quote is missing");
            }
            value = unquote(value);
        }
        Type type = switch (m.group(2)) {
            case "=" -> Type.EQUAL;
            case "!=" -> Type.NOT_EQUAL;
            case "=~" -> Type.REGEX;
            default -> Type.NOT_REGEX;
        };
        try {
            return of(name, type, value);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, text, e.getMessage());
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
        }
        return s;
    }

    /**
     * @param labels an alert's labels
     * @return whether the labels satisfy this matcher
     */
    public boolean matches(Map<String, String> labels) {
        String v = labels.getOrDefault(name, "");
        return switch (type) {
            case EQUAL -> v.equals(value);
            case NOT_EQUAL -> !v.equals(value);
            case REGEX -> pattern.matcher(v).matches();
            case NOT_REGEX -> !pattern.matcher(v).matches();
        };
    }

    /** @return whether all matchers match */
    public static boolean all(Iterable<Matcher> matchers, Map<String, String> labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name + type.op + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.name.equals(name) && m.type == type && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, value);
    }
}
