package dev.weir.processor.redact;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies the redaction rules to text and counts each replacement in
 * {@code weir_redactions_total{rule=…}}. Every rule's counter exists from the start, at 0.
 *
 * <p>Thread-safe (rules are immutable, counters are thread-safe); {@link Tally} is not.
 */
public final class Redactor {
    /** Counter name; Prometheus shows it as {@code weir_redactions_total}. */
    public static final String METER = "weir.redactions";

    private final List<RedactionRule> rules;
    private final Map<String, Counter> counters = new LinkedHashMap<>();

    /**
     * @param rules    the rules, in application order
     * @param registry where the counters live
     */
    public Redactor(List<RedactionRule> rules, MeterRegistry registry) {
        this.rules = List.copyOf(rules);
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
        for (RedactionRule r : rules) {
            hits[0] = 0;
            out = r.apply(out, hits);
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
        for (RedactionRule r : rules) {
            if (r.secretKey() != null && r.secretKey().matcher(key).find() && value != null && !value.isEmpty()) {
                record(r, 1, tally);
                return RedactionRule.REDACTED;
            }
        }
        return redact(value, tally);
    }

    private void record(RedactionRule r, int hits, Tally tally) {
        if (hits > 0) {
            counters.get(r.name()).increment(hits);
            tally.count += hits;
        }
    }
}
