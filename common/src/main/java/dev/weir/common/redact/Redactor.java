package dev.weir.common.redact;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the redaction rules to text and counts each replacement in
 * {@code weir_redactions_total{rule=…}}. Every rule's counter exists from the start, at 0.
 *
 * <p>Thread-safe (rules are immutable, counters are thread-safe); {@link Tally} is not.
 */
public final class Redactor {
    /** Counter name; Prometheus shows it as {@code weir_redactions_total}. */
    public static final String METER = "weir.redactions";
    /** Most label names whose verdict {@link #secretKeyRule} keeps. */
    static final int MAX_JUDGED_NAMES = 10_000;

    /**
     * The start of a JSON object member: its quoted name (group 1; up to 512 characters, none of them escaped), the colon
     * and the space before the value. A possessive character class: no backtracking, no recursion on long texts.
     */
    private static final Pattern JSON_MEMBER = Pattern.compile("\"([^\"\\\\]{1,512}+)\"\\s*:\\s*");

    private final List<RedactionRule> rules;
    /** Per rule: its bit in {@link BuiltInRules#screen}, or 0 for a rule from configuration (always run). */
    private final int[] screenBits;
    private final Map<String, Counter> counters = new LinkedHashMap<>();
    /** Label names already judged by {@link #secretKeyRule}; the same few names come with every event. */
    private final Map<String, Integer> secretKeyRules = new ConcurrentHashMap<>();

    /**
     * @param rules    the rules, in application order
     * @param registry where the counters live
     */
    public Redactor(List<RedactionRule> rules, MeterRegistry registry) {
        this.rules = List.copyOf(rules);
        this.screenBits = new int[this.rules.size()];
        for (int i = 0; i < screenBits.length; i++) {
            int builtIn = BuiltInRules.all().indexOf(this.rules.get(i));
            screenBits[i] = builtIn < 0 ? 0 : 1 << builtIn;
        }
        for (RedactionRule r : this.rules) {
            counters.put(r.name(), Counter.builder(METER).description("Secrets and personal data redacted, per rule")
                    .tag("rule", r.name()).register(registry));
        }
    }

    /** How many redactions one event had; one per event, not thread-safe. */
    public static final class Tally {
        private int count;

        /** @return redactions so far */
        public int count() {
            return count;
        }
    }

    /**
     * @param text  text to clean, may be {@code null}
     * @param tally counts the redactions of the current event
     * @return the text with every secret replaced, {@code null} for {@code null}
     */
    public String redact(String text, Tally tally) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        int[] hits = new int[1];
        int screen = BuiltInRules.screen(out); // the built-in rules' mayMatch tests in one pass
        for (int i = 0; i < screenBits.length; i++) {
            if (screenBits[i] != 0 && (screen & screenBits[i]) == 0) {
                continue; // what the rule's own mayMatch would say: no match possible
            }
            RedactionRule r = rules.get(i);
            hits[0] = 0;
            String next = screenBits[i] != 0 ? r.replace(out, hits) : r.apply(out, hits); // the screen answered mayMatch
            if (next != out) { // a replacement can make or break a later rule's marker: screen the new text
                out = next;
                screen = BuiltInRules.screen(out);
            }
            record(r, hits[0], tally);
        }
        return out;
    }

    /**
     * Redacts a label: its whole value when its name says it is secret (a label called
     * {@code password}), else the value like any text.
     *
     * @param key   label name
     * @param value label value
     * @param tally counts the redactions of the current event
     * @return the value to keep
     */
    public String redactLabel(String key, String value, Tally tally) {
        Objects.requireNonNull(key, "key");
        int secret = secretKeyRule(key);
        if (secret >= 0 && value != null && !value.isEmpty()) {
            record(rules.get(secret), 1, tally);
            return RedactionRule.REDACTED;
        }
        return redact(value, tally);
    }

    /**
     * Redacts the text of a whole raw event, which may be JSON, broken JSON or no JSON at all (a dead
     * letter): the whole text as {@link #redact}, then the value of every member whose name says it is
     * secret, as {@link #redactLabel} does for labels ({@code "db_password": "x"} becomes
     * {@code "db_password": "[REDACTED]"}). Meant for the rare rejected event, not for every event: it
     * runs a regular expression over the whole text. A value longer than the text (a string cut off) is
     * replaced up to the end.
     *
     * @param text  the event's text, may be {@code null}
     * @param tally counts the redactions
     * @return the text with every secret replaced, {@code null} for {@code null}
     */
    public String redactRawEvent(String text, Tally tally) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String redacted = redact(text, tally); // first, so that what the text rules replace is not counted twice
        Matcher m = JSON_MEMBER.matcher(redacted);
        StringBuilder out = null;
        int last = 0;
        int from = 0;
        while (from < redacted.length() && m.find(from)) {
            int start = m.end();
            int end = scalarEnd(redacted, start); // a loop, not a regex: a value may be a megabyte long
            from = Math.max(end, start + 1);
            int secret = end > start ? secretKeyRule(m.group(1)) : -1;
            String value = redacted.substring(start, end);
            if (secret < 0 || value.startsWith("\"[REDACTED") || value.equals("\"\"") || value.equals("null")) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(redacted.length());
            }
            out.append(redacted, last, start).append('"').append(RedactionRule.REDACTED).append('"');
            last = end;
            record(rules.get(secret), 1, tally);
        }
        return out == null ? redacted : out.append(redacted, last, redacted.length()).toString();
    }

    /**
     * @return the end of the scalar JSON value at {@code start}: after a string's closing quote (or the end of the text
     *         for a string cut off), or before the delimiter ending a number or literal; {@code start} for an object, an
     *         array or nothing
     */
    private static int scalarEnd(String text, int start) {
        if (start >= text.length()) {
            return start;
        }
        char first = text.charAt(start);
        if (first == '"') {
            for (int i = start + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    return i + 1;
                }
            }
            return text.length();
        }
        if (first == '{' || first == '[') {
            return start;
        }
        int i = start;
        while (i < text.length() && ",}] \t\r\n\"".indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** @return the index of the first rule whose {@code secretKey} matches the label name, or -1 */
    private int secretKeyRule(String key) {
        Integer known = secretKeyRules.get(key);
        if (known != null) {
            return known;
        }
        int found = -1;
        for (int i = 0; i < rules.size() && found < 0; i++) {
            Pattern secretKey = rules.get(i).secretKey();
            if (secretKey != null && secretKey.matcher(key).find()) {
                found = i;
            }
        }
        if (secretKeyRules.size() < MAX_JUDGED_NAMES) { // label names come from the services: keep a bounded number
            secretKeyRules.put(key, found);
        }
        return found;
    }

    private void record(RedactionRule r, int hits, Tally tally) {
        if (hits > 0) {
            counters.get(r.name()).increment(hits);
            tally.count += hits;
        }
    }
}
