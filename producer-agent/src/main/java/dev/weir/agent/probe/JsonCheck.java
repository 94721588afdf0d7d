package dev.weir.agent.probe;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A check of a JSON answer: {@code $.status == "healthy"}, {@code $.checks[0].ok == true}. The path
 * is the dot-and-index subset of JSONPath (no wildcards, filters or recursive descent); the value
 * is a JSON literal (string, number, boolean or null) compared by JSON equality. Immutable.
 *
 * @param expression the text as written
 * @param pointer    the path as a JSON pointer
 * @param expected   the value the path must hold
 */
public record JsonCheck(String expression, JsonPointer pointer, JsonNode expected) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXPRESSION = Pattern.compile("\\s*(\\$[^=\\s]*)\\s*==\\s*(.+?)\\s*");
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)]|\\['([^']*)']");

    public JsonCheck {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(expected, "expected");
    }

    /**
     * @param expression {@code PATH == VALUE}
     * @return the check
     * @throws IllegalArgumentException saying what is wrong with the expression
     */
    static JsonCheck parse(String expression) {
        Matcher m = EXPRESSION.matcher(expression);
        if (!m.matches()) {
            throw new IllegalArgumentException("must read PATH == VALUE, e.g. $.status == \"healthy\" (got \"" + expression + "\")");
        }
        String path = m.group(1);
        StringBuilder pointer = new StringBuilder();
        Matcher step = STEP.matcher(path);
        int end = 1;
        while (step.find() && step.start() == end) {
            end = step.end();
            String name = step.group(1) != null ? step.group(1) : step.group(2) != null ? step.group(2) : step.group(3);
            pointer.append('/').append(name.replace("~", "~0").replace("/", "~1"));
        }
        if (end != path.length()) {
            throw new IllegalArgumentException("the path " + path + " must start with $ and go on with .name, [index] or ['name'] steps only");
        }
        JsonNode expected;
        try {
            expected = JSON.readTree(m.group(2));
        } catch (IOException e) {
            expected = null;
        }
        if (expected == null || expected.isContainerNode() || expected.isMissingNode()) {
            throw new IllegalArgumentException("the value " + m.group(2) + " must be a JSON literal: \"text\", a number, true, false or null");
        }
        return new JsonCheck(expression.trim(), JsonPointer.compile(pointer.toString()), expected);
    }

    /**
     * @param body the answer's body
     * @return null when the check holds, else why not
     */
    String failure(String body) {
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (IOException e) {
            return "the body is not JSON, so " + expression + " cannot hold";
        }
        JsonNode actual = doc == null ? null : doc.at(pointer);
        if (actual == null || actual.isMissingNode()) {
            return "the body has nothing at " + expression.substring(0, expression.indexOf("==")).trim();
        }
        if (actual.equals(expected) || actual.isNumber() && expected.isNumber() && actual.decimalValue().compareTo(expected.decimalValue()) == 0) {
            return null;
        }
        String shown = actual.toString();
        return "expected " + expression + ", got " + (shown.length() > 80 ? shown.substring(0, 80) + "…" : shown);
    }
}
