package dev.weir.processor.redact;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
