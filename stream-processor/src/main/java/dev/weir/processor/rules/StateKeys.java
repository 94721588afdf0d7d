package dev.weir.processor.rules;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state key of an event's group for a rule ({@code rule SEP value …}, see
 * {@link RulesProcessor#stateKey}), taken from a cache when the rule groups by one label.
 *
 * <p>Building the key and hashing it for every rule and event cost a few percent of a stream thread.
 * Here the cache is looked up by the event's own label string, which every rule grouping by that label
 * shares (so its hash is computed once per event), and it returns the same key instance every time,
 * with its hash already computed, so the state lookup that follows is cheaper too. A key depends only
 * on the rule's name and the label value, so a cache entry never goes stale; each rule's cache starts
 * over when it reaches {@link #MAX_PER_RULE} values. Rules grouping by several labels build the key.
 *
 * <p>Not thread-safe: one per processor.
 */
final class StateKeys {
    /** Label values cached per rule, at most (the default {@code max_groups}). */
    static final int MAX_PER_RULE = 10_000;

    private final Map<Rule, Map<String, String>> byRule = new IdentityHashMap<>();

    /** @return the state key of the event's group for {@code rule} */
    String of(Rule rule, RuleInput in) {
        List<String> groupBy = rule.groupBy();
        if (groupBy.isEmpty()) {
            return rule.name();
        }
        if (groupBy.size() > 1) {
            return RulesProcessor.stateKey(rule, in);
        }
        Map<String, String> keys = byRule.computeIfAbsent(rule, r -> new HashMap<>());
        String value = in.label(groupBy.get(0));
        String key = keys.get(value);
        if (key == null) {
            if (keys.size() >= MAX_PER_RULE) {
                keys.clear();
            }
            key = RulesProcessor.stateKey(rule, in);
            keys.put(value, key);
        }
        return key;
    }

    /** Forgets every rule's keys; for a new rule set, whose rules are new instances. */
    void clear() {
        byRule.clear();
    }
}
