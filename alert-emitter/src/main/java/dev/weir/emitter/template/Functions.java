package dev.weir.emitter.template;

import dev.weir.common.humanize.GoFloat;
import dev.weir.common.humanize.Humanize;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The functions templates may call: Go's builtins that alert templates use ({@code eq},
 * {@code ne}, {@code lt}, {@code le}, {@code gt}, {@code ge}, {@code and}, {@code or},
 * {@code not}, {@code len}, {@code index}, {@code print}, {@code printf}, {@code println},
 * {@code urlquery}, {@code html}, {@code js}), Alertmanager's ({@code toUpper},
 * {@code toLower}, {@code title}, {@code join}, {@code safeHtml}, {@code reReplaceAll},
 * {@code stringSlice}, {@code match}, {@code trimSpace}) and Prometheus' {@code humanize},
 * {@code humanize1024}, {@code humanizePercentage}, {@code humanizeDuration} (common's {@link Humanize}).
 */
final class Functions {
    static final Set<String> NAMES = Set.of("eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "index",
            "print", "printf", "println", "urlquery", "html", "js", "toUpper", "toLower", "title", "join", "safeHtml",
            "reReplaceAll", "stringSlice", "match", "trimSpace", "humanize", "humanize1024", "humanizePercentage",
            "humanizeDuration");

    private Functions() {}

    static Object call(String name, List<Object> a) {
        return switch (name) {
            case "eq" -> {
                need(name, a, 2, Integer.MAX_VALUE);
                for (Object o : a.subList(1, a.size())) {
                    if (equal(a.get(0), o)) {
                        yield true;
                    }
                }
                yield false;
            }
            case "ne" -> {
                need(name, a, 2, 2);
                yield !equal(a.get(0), a.get(1));
            }
            case "lt" -> compare(name, a) < 0;
            case "le" -> compare(name, a) <= 0;
            case "gt" -> compare(name, a) > 0;
            case "ge" -> compare(name, a) >= 0;
            case "and" -> {
                need(name, a, 1, Integer.MAX_VALUE);
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (!truth(o)) {
                        break;
                    }
                }
                yield last;
            }
            case "or" -> {
                need(name, a, 1, Integer.MAX_VALUE);
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (truth(o)) {
                        break;
                    }
                }
                yield last;
            }
            case "not" -> {
                need(name, a, 1, 1);
                yield !truth(a.get(0));
            }
            case "len" -> {
                need(name, a, 1, 1);
                yield (long) length(a.get(0));
            }
            case "index" -> {
                need(name, a, 2, 2);
                yield index(a.get(0), a.get(1));
            }
            case "print" -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < a.size(); i++) {
                    // Go's Sprint adds spaces only between operands when neither is a string
                    if (i > 0 && !(a.get(i) instanceof String) && !(a.get(i - 1) instanceof String)) {
                        b.append(' ');
                    }
                    b.append(print(a.get(i)));
                }
                yield b.toString();
            }
            case "println" -> {
                List<String> parts = new ArrayList<>();
                a.forEach(o -> parts.add(print(o)));
                yield String.join(" ", parts) + "\n";
            }
            case "printf" -> {
                need(name, a, 1, Integer.MAX_VALUE);
                yield printf(String.valueOf(a.get(0)), a.subList(1, a.size()));
            }
            case "urlquery" -> URLEncoder.encode(joinPrinted(a), StandardCharsets.UTF_8);
            case "html" -> escapeHtml(joinPrinted(a));
            case "js" -> joinPrinted(a).replace("\\", "\\\\").replace("'", "\\'").replace("\"", "\\\"")
                    .replace("<", "\\u003C").replace(">", "\\u003E");
            case "toUpper" -> one(name, a).toUpperCase(Locale.ROOT);
            case "toLower" -> one(name, a).toLowerCase(Locale.ROOT);
            case "title" -> title(one(name, a));
            case "trimSpace" -> one(name, a).strip();
            case "safeHtml" -> one(name, a);
            case "join" -> {
                need(name, a, 2, 2);
                if (!(a.get(1) instanceof Collection<?> c)) {
                    throw new TemplateException("join expects a list as its last argument, got " + typeName(a.get(1)));
                }
                List<String> parts = new ArrayList<>();
                c.forEach(o -> parts.add(print(o)));
                yield String.join(print(a.get(0)), parts);
            }
            case "stringSlice" -> {
                List<String> out = new ArrayList<>();
                a.forEach(o -> out.add(print(o)));
                yield out;
            }
            case "reReplaceAll" -> {
                need(name, a, 3, 3);
                String repl = print(a.get(1)).replaceAll("\\$\\{?(\\d+)}?", "\\$$1");
                yield Pattern.compile(print(a.get(0))).matcher(print(a.get(2))).replaceAll(repl);
            }
            case "match" -> {
                need(name, a, 2, 2);
                yield Pattern.compile(print(a.get(0))).matcher(print(a.get(1))).find();
            }
            case "humanize" -> Humanize.humanize(number(name, a));
            case "humanize1024" -> Humanize.humanize1024(number(name, a));
            case "humanizePercentage" -> Humanize.humanizePercentage(number(name, a));
            case "humanizeDuration" -> Humanize.humanizeDuration(number(name, a));
            default -> throw new TemplateException("unsupported function '" + name + "'");
        };
    }

    private static void need(String name, List<Object> a, int min, int max) {
        if (a.size() < min || a.size() > max) {
            throw new TemplateException("wrong number of arguments for " + name + ": got " + a.size());
        }
    }

    private static String one(String name, List<Object> a) {
        need(name, a, 1, 1);
        return print(a.get(0));
    }

    private static double number(String name, List<Object> a) {
        need(name, a, 1, 1);
        Object v = a.get(0);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(print(v).trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(name + " needs a number, got \"" + print(v) + "\"");
        }
    }

    private static String joinPrinted(List<Object> a) {
        StringBuilder b = new StringBuilder();
        a.forEach(o -> b.append(print(o)));
        return b.toString();
    }

    static boolean truth(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof KV kv) {
            return kv.size() > 0;
        }
        if (v instanceof Instant i) {
            return !i.equals(AlertData.ZERO_TIME);
        }
        return true;
    }

    private static int length(Object v) {
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof KV kv) {
            return kv.size();
        }
        throw new TemplateException("len of " + typeName(v) + " is not defined");
    }

    private static Object index(Object collection, Object key) {
        if (collection instanceof KV kv) {
            return kv.map().getOrDefault(print(key), "");
        }
        if (collection instanceof Map<?, ?> m) {
            Object v = m.get(key);
            return v == null ? "" : v;
        }
        if (collection instanceof List<?> l && key instanceof Number n) {
            int i = n.intValue();
            if (i < 0 || i >= l.size()) {
                throw new TemplateException("index out of range: " + i);
            }
            return l.get(i);
        }
        throw new TemplateException("can't index item of type " + typeName(collection));
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return print(a).equals(print(b)) && (a == null) == (b == null);
    }

    private static int compare(String name, List<Object> a) {
        need(name, a, 2, 2);
        Object x = a.get(0);
        Object y = a.get(1);
        if (x instanceof Number n && y instanceof Number m) {
            return Double.compare(n.doubleValue(), m.doubleValue());
        }
        if (x instanceof String s && y instanceof String t) {
            return s.compareTo(t);
        }
        throw new TemplateException("incompatible types for comparison in " + name + ": "
                + typeName(x) + " and " + typeName(y));
    }

    static String typeName(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Collection) {
            return "slice";
        }
        return v.getClass().getSimpleName();
    }

    /** Prints a value the way Go's fmt {@code %v} would for the types templates see. */
    static String print(Object v) {
        if (v == null) {
            return "<no value>";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double d) {
            return GoFloat.format(d, -1);
        }
        if (v instanceof Instant i) {
            return GoTime.format(i, GoTime.DEFAULT_LAYOUT);
        }
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(o -> parts.add(print(o)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (v instanceof KV.Pair p) {
            return "{" + p.name() + " " + p.value() + "}";
        }
        return v.toString();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&#34;").replace("'", "&#39;");
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(start ? Character.toTitleCase(c) : c);
            start = !Character.isLetterOrDigit(c) && c != '_' && c != '\'';
        }
        return b.toString();
    }

    private static String printf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int j = i + 1;
            while (j < format.length() && "+-# 0123456789.".indexOf(format.charAt(j)) >= 0) {
                j++;
            }
            if (j >= format.length()) {
                out.append(format, i, j);
                break;
            }
            String flags = format.substring(i + 1, j);
            char verb = format.charAt(j);
            i = j;
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argi++);
            out.append(switch (verb) {
                case 'd' -> String.format("%" + flags + "d", arg instanceof Number n ? n.longValue() : 0L);
                case 'f', 'e' -> String.format(Locale.ROOT, "%" + flags + verb, arg instanceof Number n ? n.doubleValue() : 0.0);
                case 'g' -> GoFloat.format(arg instanceof Number n ? n.doubleValue() : 0.0, flags.startsWith(".")
                        ? Integer.parseInt(flags.substring(1)) : -1);
                case 'q' -> "\"" + print(arg).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                default -> String.format("%" + flags + "s", print(arg));
            });
        }
        return out.toString();
    }
}
