package dev.weir.console.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "new silence" form: matchers in Alertmanager's syntax ({@code alertname="HighErrorRate", service=~"pay.*"}),
 * a duration ({@code 2h}, {@code 30m}, {@code 1d12h}), a comment and an author, turned into the body of the
 * emitter's {@code POST /api/v2/silences}. Errors name the field and say what is wrong.
 */
public final class SilenceForm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\"]*?))\\s*(?:,|$)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([dhms])");
    /** The longest silence the form creates. */
    public static final Duration MAX = Duration.ofDays(90);

    private SilenceForm() {
    }

    /** One matcher: label name, operator, value. */
    public record Match(String name, String op, String value) {
    }

    /**
     * @param text matchers, comma-separated
     * @return the matchers
     * @throws IllegalArgumentException naming the field and the problem
     */
    public static List<Match> matchers(String text) {
        List<Match> out = new ArrayList<>();
        String t = text == null ? "" : text.strip();
        if (t.startsWith("{") && t.endsWith("}")) {
            t = t.substring(1, t.length() - 1);
        }
        Matcher m = MATCHER.matcher(t);
        int at = 0;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("Invalid value " + t.substring(at).strip() + " for matchers: write label=\"value\" "
                        + "(or !=, =~, !~ for a regular expression), separated by commas");
            }
            String value = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(4).strip();
            out.add(new Match(m.group(1), m.group(2), value));
            at = m.end();
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("Invalid value (empty) for matchers: a silence needs at least one, e.g. alertname=\"HighErrorRate\"");
        }
        for (Match match : out) {
            if (match.op().contains("~")) {
                try {
                    Pattern.compile(match.value());
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("Invalid value " + match.value() + " for matchers: not a regular expression ("
                            + e.getDescription() + ")");
                }
            }
        }
        return out;
    }

    /**
     * @param text e.g. {@code 2h}, {@code 30m}, {@code 1d12h}
     * @return the duration
     * @throws IllegalArgumentException naming the field and the limit
     */
    public static Duration duration(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        Duration d = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            at = m.end();
        }
        if (t.isEmpty() || at != t.length() || d.isZero()) {
            throw new IllegalArgumentException("Invalid value " + (t.isEmpty() ? "(empty)" : t) + " for duration: write e.g. 30m, 2h or 1d12h");
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("Invalid value " + t + " for duration: at most 90d");
        }
        return d;
    }

    /**
     * @return the JSON body of {@code POST /api/v2/silences}
     * @throws IllegalArgumentException for invalid matchers, duration or an empty comment
     */
    public static String body(String matchers, String duration, String comment, String createdBy, Instant now) {
        List<Match> ms = matchers(matchers);
        Duration d = duration(duration);
        if (comment == null || comment.isBlank()) {
            throw new IllegalArgumentException("Invalid value (empty) for comment: say why the alerts are silenced");
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode arr = body.putArray("matchers");
        for (Match m : ms) {
            arr.addObject().put("name", m.name()).put("value", m.value()).put("isRegex", m.op().contains("~"))
                    .put("isEqual", !m.op().startsWith("!"));
        }
        body.put("startsAt", now.toString());
        body.put("endsAt", now.plus(d).toString());
        body.put("comment", comment.strip());
        body.put("createdBy", createdBy == null || createdBy.isBlank() ? "console" : createdBy.strip());
        return body.toString();
    }
}
