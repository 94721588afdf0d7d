package dev.weir.emitter.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the subset of Go's text/template that alertmanager.yml templates use into a node
 * tree. Anything outside the subset fails here with the construct's name, so a config that
 * would render wrongly never starts.
 *
 * <p>Supported: text, {@code {{- -}}} trimming, comments, field chains on dot and variables,
 * {@code $} and {@code $x := ...} / {@code $x = ...}, string / raw string / number / bool /
 * nil literals, parenthesised pipelines, {@code |} pipelines, {@code if}/{@code else if}/
 * {@code else}, {@code range} (with {@code $i, $v :=} and {@code else}), {@code with}
 * (with {@code else}), {@code define} and {@code template}.
 */
final class Parser {
    /** Go template keywords this engine does not implement. */
    private static final Set<String> UNSUPPORTED_KEYWORDS = Set.of("block", "break", "continue");

    private final String text;
    private final Map<String, List<Node>> defines;
    private final Set<String> functions;
    private int pos;
    private boolean trimNextText;

    Parser(String text, Map<String, List<Node>> defines, Set<String> functions) {
        this.text = text;
        this.defines = defines;
        this.functions = functions;
    }

    // ---- node tree ----

    sealed interface Node permits Text, Action, If, Range, With, Call {}

    record Text(String text) implements Node {}

    record Action(Pipeline pipeline) implements Node {}

    record If(Pipeline condition, List<Node> then, List<Node> otherwise) implements Node {}

    record Range(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

    record With(Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {}

    record Call(String name, Pipeline argument) implements Node {}

    /** {@code $a, $b := cmd | cmd}; {@code declare} is false for {@code =}. */
    record Pipeline(List<String> variables, boolean declare, List<Command> commands) {}

    record Command(List<Arg> args) {}

    sealed interface Arg permits Literal, Function, FieldChain {}

    record Literal(Object value) implements Arg {}

    record Function(String name) implements Arg {}

    /** {@code .A.B}, {@code $x.A}, {@code (pipeline).A}; root null with variable null means dot. */
    record FieldChain(String variable, Pipeline root, List<String> fields) implements Arg {}

    // ---- parsing ----

    /** Parses the whole text; {@code define} blocks go into the shared map. */
    List<Node> parse() {
        List<Node> nodes = new ArrayList<>();
        String end = parseList(nodes);
        if (end != null) {
            throw error("unexpected {{" + end + "}}");
        }
        return nodes;
    }

    /**
     * Parses nodes until {@code {{end}}}, {@code {{else ...}}} or the end of text.
     *
     * @return null at end of text, "end", or "else" / "else if" / "else with" (the rest of that
     *     action is left for the caller)
     */
    private String parseList(List<Node> out) {
        while (pos < text.length()) {
            int open = text.indexOf("{{", pos);
            String chunk = open < 0 ? text.substring(pos) : text.substring(pos, open);
            boolean trimLeft = open >= 0 && text.startsWith("{{-", open) && open + 3 < text.length()
                    && Character.isWhitespace(text.charAt(open + 3));
            if (trimNextText) {
                chunk = stripLeading(chunk);
                trimNextText = false;
            }
            if (trimLeft) {
                chunk = stripTrailing(chunk);
            }
            if (!chunk.isEmpty()) {
                out.add(new Text(chunk));
            }
            if (open < 0) {
                pos = text.length();
                return null;
            }
            pos = open + (trimLeft ? 3 : 2);
            skipSpace();
            if (text.startsWith("/*", pos)) {
                int close = text.indexOf("*/", pos);
                if (close < 0) {
                    throw error("unclosed comment");
                }
                pos = close + 2;
                skipSpace();
                closeAction();
                continue;
            }
            String word = peekWord();
            switch (word) {
                case "end" -> {
                    pos += 3;
                    closeAction();
                    return "end";
                }
                case "else" -> {
                    pos += 4;
                    skipSpace();
                    return "else";
                }
                case "if" -> {
                    pos += 2;
                    out.add(parseIf());
                }
                case "range" -> {
                    pos += 5;
                    Pipeline p = parsePipeline(true);
                    closeAction();
                    List<Node> body = new ArrayList<>();
                    List<Node> otherwise = new ArrayList<>();
                    parseBodyWithElse(body, otherwise, "range");
                    out.add(new Range(p, body, otherwise));
                }
                case "with" -> {
                    pos += 4;
                    out.add(parseWith());
                }
                case "define" -> {
                    pos += 6;
                    skipSpace();
                    String name = (String) parseStringLiteral();
                    closeAction();
                    List<Node> body = new ArrayList<>();
                    String end = parseList(body);
                    if (!"end".equals(end)) {
                        throw error("define \"" + name + "\" has no {{end}}");
                    }
                    defines.put(name, body);
                }
                case "template" -> {
                    pos += 8;
                    skipSpace();
                    String name = (String) parseStringLiteral();
                    skipSpace();
                    Pipeline arg = atClose() ? null : parsePipeline(false);
                    closeAction();
                    out.add(new Call(name, arg));
                }
                default -> {
                    if (UNSUPPORTED_KEYWORDS.contains(word)) {
                        throw error("unsupported construct '" + word + "'");
                    }
                    Pipeline p = parsePipeline(true);
                    closeAction();
                    out.add(new Action(p));
                }
            }
        }
        return null;
    }

    private If parseIf() {
        Pipeline condition = parsePipeline(false);
        closeAction();
        List<Node> then = new ArrayList<>();
        List<Node> otherwise = new ArrayList<>();
        String end = parseList(then);
        if ("else".equals(end)) {
            if (peekWord().equals("if")) {
                pos += 2;
                otherwise.add(parseIf()); // consumes the shared {{end}}
                return new If(condition, then, otherwise);
            }
            closeAction();
            end = parseList(otherwise);
        }
        if (!"end".equals(end)) {
            throw error("if has no {{end}}");
        }
        return new If(condition, then, otherwise);
    }

    private With parseWith() {
        Pipeline p = parsePipeline(true);
        closeAction();
        List<Node> body = new ArrayList<>();
        List<Node> otherwise = new ArrayList<>();
        String end = parseList(body);
        if ("else".equals(end)) {
            if (peekWord().equals("with")) {
                pos += 4;
                otherwise.add(parseWith());
                return new With(p, body, otherwise);
            }
            closeAction();
            end = parseList(otherwise);
        }
        if (!"end".equals(end)) {
            throw error("with has no {{end}}");
        }
        return new With(p, body, otherwise);
    }

    private void parseBodyWithElse(List<Node> body, List<Node> otherwise, String what) {
        String end = parseList(body);
        if ("else".equals(end)) {
            if (!atClose()) {
                throw error("unsupported construct 'else " + peekWord() + "' inside " + what);
            }
            closeAction();
            end = parseList(otherwise);
        }
        if (!"end".equals(end)) {
            throw error(what + " has no {{end}}");
        }
    }

    private Pipeline parsePipeline(boolean allowDeclaration) {
        skipSpace();
        List<String> vars = new ArrayList<>();
        boolean declare = true;
        int save = pos;
        if (allowDeclaration && peek() == '$') {
            while (true) {
                String v = readVariableName();
                skipSpace();
                vars.add(v);
                if (peek() == ',' && vars.size() < 2) {
                    pos++;
                    skipSpace();
                    if (peek() != '$') {
                        break;
                    }
                    continue;
                }
                break;
            }
            if (text.startsWith(":=", pos)) {
                pos += 2;
            } else if (peek() == '=' && !text.startsWith("==", pos)) {
                pos += 1;
                declare = false;
            } else {
                vars.clear();
                pos = save;
            }
        }
        List<Command> commands = new ArrayList<>();
        while (true) {
            commands.add(parseCommand());
            skipSpace();
            if (peek() == '|') {
                pos++;
                continue;
            }
            break;
        }
        return new Pipeline(List.copyOf(vars), declare, commands);
    }

    private Command parseCommand() {
        List<Arg> args = new ArrayList<>();
        while (true) {
            skipSpace();
            if (atClose() || peek() == '|' || peek() == ')' || pos >= text.length()) {
                break;
            }
            args.add(parseOperand());
        }
        if (args.isEmpty()) {
            throw error("missing value for command");
        }
        return new Command(args);
    }

    private Arg parseOperand() {
        char c = peek();
        Arg arg;
        if (c == '(') {
            pos++;
            Pipeline inner = parsePipeline(false);
            skipSpace();
            if (peek() != ')') {
                throw error("unclosed parenthesis");
            }
            pos++;
            arg = new FieldChain(null, inner, readFields());
        } else if (c == '.') {
            arg = new FieldChain(null, null, readFields());
        } else if (c == '$') {
            String v = readVariableName();
            arg = new FieldChain(v, null, readFields());
        } else if (c == '"' || c == '`') {
            arg = new Literal(parseStringLiteral());
        } else if (c == '-' || c == '+' || Character.isDigit(c)) {
            arg = new Literal(parseNumber());
        } else if (Character.isLetter(c) || c == '_') {
            String w = readWord();
            switch (w) {
                case "true" -> arg = new Literal(Boolean.TRUE);
                case "false" -> arg = new Literal(Boolean.FALSE);
                case "nil" -> arg = new Literal(null);
                default -> {
                    if (!functions.contains(w)) {
                        throw error("unsupported function '" + w + "'");
                    }
                    arg = new Function(w);
                }
            }
        } else {
            throw error("unexpected character '" + c + "'");
        }
        return arg;
    }

    /** Reads {@code .A.B} (possibly just {@code .}); returns the field names. */
    private List<String> readFields() {
        List<String> fields = new ArrayList<>();
        while (peek() == '.') {
            pos++;
            if (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
                fields.add(readWord());
            } else {
                break; // the bare dot
            }
        }
        return fields;
    }

    private String readVariableName() {
        int start = pos;
        pos++; // $
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private Object parseStringLiteral() {
        char q = peek();
        if (q == '`') {
            int close = text.indexOf('`', pos + 1);
            if (close < 0) {
                throw error("unclosed raw string");
            }
            String s = text.substring(pos + 1, close);
            pos = close + 1;
            return s;
        }
        if (q != '"') {
            throw error("expected a quoted string");
        }
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < text.length() && text.charAt(pos) != '"') {
            char ch = text.charAt(pos++);
            if (ch == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case '\\' -> b.append('\\');
                    case '"' -> b.append('"');
                    default -> b.append('\\').append(e);
                }
            } else {
                b.append(ch);
            }
        }
        if (pos >= text.length()) {
            throw error("unclosed string");
        }
        pos++;
        return b.toString();
    }

    private Object parseNumber() {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
        }
        String s = text.substring(start, pos);
        try {
            if (s.contains(".") || s.contains("e") || s.contains("E")) {
                return Double.parseDouble(s);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("bad number '" + s + "'");
        }
    }

    private String peekWord() {
        int p = pos;
        while (p < text.length() && (Character.isLetterOrDigit(text.charAt(p)) || text.charAt(p) == '_')) {
            p++;
        }
        return text.substring(pos, p);
    }

    private String readWord() {
        String w = peekWord();
        pos += w.length();
        return w;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atClose() {
        return text.startsWith("}}", pos) || (text.startsWith("-}}", pos) && pos > 0
                && Character.isWhitespace(text.charAt(pos - 1)));
    }

    private void closeAction() {
        skipSpace();
        if (text.startsWith("-}}", pos)) {
            pos += 3;
            trimNextText = true;
        } else if (text.startsWith("}}", pos)) {
            pos += 2;
        } else if (pos >= text.length()) {
            throw error("unclosed action");
        } else {
            throw error("unexpected '" + text.substring(pos, Math.min(text.length(), pos + 10)) + "' in action");
        }
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String stripTrailing(String s) {
        int i = s.length();
        while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
            i--;
        }
        return s.substring(0, i);
    }

    private TemplateException error(String what) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new TemplateException(what + " (line " + line + ")");
    }
}
