package dev.weir.emitter.template;

import dev.weir.emitter.template.Parser.Action;
import dev.weir.emitter.template.Parser.Arg;
import dev.weir.emitter.template.Parser.Call;
import dev.weir.emitter.template.Parser.Command;
import dev.weir.emitter.template.Parser.FieldChain;
import dev.weir.emitter.template.Parser.Function;
import dev.weir.emitter.template.Parser.If;
import dev.weir.emitter.template.Parser.Literal;
import dev.weir.emitter.template.Parser.Node;
import dev.weir.emitter.template.Parser.Pipeline;
import dev.weir.emitter.template.Parser.Range;
import dev.weir.emitter.template.Parser.Text;
import dev.weir.emitter.template.Parser.With;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of named templates (Alertmanager's defaults plus any {@code define}s) and the
 * compiler/renderer for the template strings in alertmanager.yml.
 *
 * <p>Compiled templates are immutable; {@link #render} is thread-safe once all templates are
 * compiled (compilation, which may add {@code define}s, happens at startup).
 */
public final class Templates {
    private static final String DEFAULTS = "default.tmpl";

    private final Map<String, List<Node>> defines = new ConcurrentHashMap<>();

    private Templates() {}

    /** A template set holding Alertmanager's default templates ({@code slack.default.title}, ...). */
    public static Templates withDefaults() {
        Templates t = new Templates();
        try (InputStream in = Templates.class.getResourceAsStream(DEFAULTS)) {
            String text = new String(Objects.requireNonNull(in, DEFAULTS).readAllBytes(), StandardCharsets.UTF_8);
            new Parser(text, t.defines, Functions.NAMES).parse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /**
     * Compiles one template string.
     *
     * @param text e.g. {@code {{ .CommonLabels.severity | toUpper }}: {{ .CommonAnnotations.summary }}}
     * @return the compiled template
     * @throws TemplateException naming an unsupported construct or a syntax error
     */
    public Compiled compile(String text) {
        List<Node> nodes = new Parser(text, defines, Functions.NAMES).parse();
        return new Compiled(text, nodes);
    }

    /**
     * Renders a compiled template.
     *
     * @param template from {@link #compile}
     * @param data the dot, usually a {@link NotificationData}
     * @return the text
     * @throws TemplateException when the template reads a field the data does not have
     */
    public String render(Compiled template, Object data) {
        return render(template, data, false);
    }

    /**
     * Renders a compiled template as HTML text: what each action prints is HTML-escaped (the
     * template's own text is not), as Alertmanager's {@code html/template} does for Telegram's
     * {@code parse_mode: HTML}.
     *
     * @param template from {@link #compile}
     * @param data the dot
     * @return the text
     * @throws TemplateException when the template reads a field the data does not have
     */
    public String renderHtml(Compiled template, Object data) {
        return render(template, data, true);
    }

    private String render(Compiled template, Object data, boolean html) {
        StringBuilder out = new StringBuilder();
        Scope scope = new Scope(data, html);
        execute(template.nodes(), data, scope, out, 0);
        return out.toString();
    }

    private static String escapeHtml(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A parsed template string. */
    public record Compiled(String source, List<Node> nodes) {}

    private static final class Scope {
        private final Deque<Map<String, Object>> frames = new ArrayDeque<>();
        private final boolean html;

        Scope(Object root, boolean html) {
            this.html = html;
            Map<String, Object> top = new HashMap<>();
            top.put("$", root);
            frames.push(top);
        }

        Object get(String name) {
            for (Map<String, Object> f : frames) {
                if (f.containsKey(name)) {
                    return f.get(name);
                }
            }
            throw new TemplateException("undefined variable " + name);
        }

        void declare(String name, Object value) {
            frames.peek().put(name, value);
        }

        void assign(String name, Object value) {
            for (Map<String, Object> f : frames) {
                if (f.containsKey(name)) {
                    f.put(name, value);
                    return;
                }
            }
            throw new TemplateException("undefined variable " + name);
        }

        void push() {
            frames.push(new HashMap<>());
        }

        void pop() {
            frames.pop();
        }
    }

    private void execute(List<Node> nodes, Object dot, Scope scope, StringBuilder out, int depth) {
        if (depth > 100) {
            throw new TemplateException("template nesting deeper than 100: recursive template call?");
        }
        for (Node node : nodes) {
            if (node instanceof Text t) {
                out.append(t.text());
            } else if (node instanceof Action a) {
                Object v = pipeline(a.pipeline(), dot, scope);
                if (a.pipeline().variables().isEmpty()) {
                    String text = Functions.print(v);
                    out.append(scope.html ? escapeHtml(text) : text);
                }
            } else if (node instanceof If i) {
                scope.push();
                try {
                    boolean truth = Functions.truth(pipeline(i.condition(), dot, scope));
                    execute(truth ? i.then() : i.otherwise(), dot, scope, out, depth);
                } finally {
                    scope.pop();
                }
            } else if (node instanceof With w) {
                scope.push();
                try {
                    Object v = pipeline(w.pipeline(), dot, scope);
                    if (Functions.truth(v)) {
                        execute(w.body(), v, scope, out, depth);
                    } else {
                        execute(w.otherwise(), dot, scope, out, depth);
                    }
                } finally {
                    scope.pop();
                }
            } else if (node instanceof Range r) {
                range(r, dot, scope, out, depth);
            } else if (node instanceof Call c) {
                List<Node> body = defines.get(c.name());
                if (body == null) {
                    throw new TemplateException("no such template \"" + c.name() + "\"");
                }
                Object arg = c.argument() == null ? null : pipeline(c.argument(), dot, scope);
                execute(body, arg, new Scope(arg, scope.html), out, depth + 1);
            }
        }
    }

    private void range(Range r, Object dot, Scope scope, StringBuilder out, int depth) {
        Pipeline p = r.pipeline();
        Pipeline valueOnly = new Pipeline(List.of(), true, p.commands());
        Object v = pipeline(valueOnly, dot, scope);
        List<Object[]> items = new ArrayList<>();
        if (v instanceof KV kv) {
            kv.map().forEach((k, val) -> items.add(new Object[] {k, val}));
        } else if (v instanceof Map<?, ?> m) {
            new java.util.TreeMap<>(m).forEach((k, val) -> items.add(new Object[] {k, val}));
        } else if (v instanceof Collection<?> c) {
            long i = 0;
            for (Object o : c) {
                items.add(new Object[] {i++, o});
            }
        } else if (v instanceof Long n) {
            for (long i = 0; i < n; i++) {
                items.add(new Object[] {i, i});
            }
        } else if (v != null) {
            throw new TemplateException("range can't iterate over " + Functions.print(v));
        }
        if (items.isEmpty()) {
            execute(r.otherwise(), dot, scope, out, depth);
            return;
        }
        for (Object[] item : items) {
            scope.push();
            try {
                List<String> vars = p.variables();
                if (vars.size() == 1) {
                    scope.declare(vars.get(0), item[1]);
                } else if (vars.size() == 2) {
                    scope.declare(vars.get(0), item[0]);
                    scope.declare(vars.get(1), item[1]);
                }
                execute(r.body(), item[1], scope, out, depth);
            } finally {
                scope.pop();
            }
        }
    }

    private Object pipeline(Pipeline p, Object dot, Scope scope) {
        Object value = null;
        boolean first = true;
        for (Command c : p.commands()) {
            value = command(c, dot, scope, first ? null : new Object[] {value});
            first = false;
        }
        if (!p.variables().isEmpty()) {
            for (String v : p.variables()) {
                if (p.declare()) {
                    scope.declare(v, value);
                } else {
                    scope.assign(v, value);
                }
            }
        }
        return value;
    }

    /** Runs one command; {@code piped} holds the previous command's result when there was one. */
    private Object command(Command c, Object dot, Scope scope, Object[] piped) {
        Arg head = c.args().get(0);
        List<Object> args = new ArrayList<>();
        for (Arg a : c.args().subList(1, c.args().size())) {
            args.add(operand(a, dot, scope));
        }
        if (piped != null) {
            args.add(piped[0]);
        }
        if (head instanceof Function f) {
            return Functions.call(f.name(), args);
        }
        if (head instanceof FieldChain fc && !fc.fields().isEmpty()) {
            Object receiver = chainRoot(fc, dot, scope);
            List<String> fields = fc.fields();
            for (int i = 0; i < fields.size() - 1; i++) {
                receiver = invoke(field(receiver, fields.get(i)), List.of(), fields.get(i));
            }
            String last = fields.get(fields.size() - 1);
            return invoke(field(receiver, last), args, last);
        }
        if (!args.isEmpty()) {
            throw new TemplateException("can't give argument to non-function " + describe(head));
        }
        return operand(head, dot, scope);
    }

    private Object operand(Arg a, Object dot, Scope scope) {
        if (a instanceof Literal l) {
            return l.value();
        }
        if (a instanceof Function f) {
            return Functions.call(f.name(), List.of());
        }
        FieldChain fc = (FieldChain) a;
        Object v = chainRoot(fc, dot, scope);
        for (String name : fc.fields()) {
            v = invoke(field(v, name), List.of(), name);
        }
        return v;
    }

    private Object chainRoot(FieldChain fc, Object dot, Scope scope) {
        if (fc.root() != null) {
            return pipeline(fc.root(), dot, scope);
        }
        if (fc.variable() != null) {
            return scope.get(fc.variable());
        }
        return dot;
    }

    private static Object field(Object receiver, String name) {
        if (receiver instanceof TemplateObject t) {
            return t.field(name);
        }
        if (receiver instanceof Map<?, ?> m) {
            Object v = m.get(name);
            return v == null ? "" : v;
        }
        if (receiver == null) {
            throw new TemplateException("nil pointer evaluating ." + name);
        }
        if (receiver instanceof java.time.Instant instant) {
            return GoTime.field(instant, name);
        }
        throw new TemplateException("can't evaluate field " + name + " in type " + Functions.typeName(receiver));
    }

    private static Object invoke(Object value, List<Object> args, String name) {
        if (value instanceof TemplateMethod m) {
            return m.call(args);
        }
        if (!args.isEmpty()) {
            throw new TemplateException(name + " is not a method but has arguments");
        }
        return value;
    }

    private static String describe(Arg a) {
        if (a instanceof Literal l) {
            return String.valueOf(l.value());
        }
        if (a instanceof FieldChain fc) {
            return fc.variable() != null ? fc.variable() : ".";
        }
        return a.toString();
    }
}
