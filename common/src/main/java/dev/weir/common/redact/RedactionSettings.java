package dev.weir.common.redact;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which redaction rules run, and whether dead letters keep their original bytes.
 *
 * @param disabled                names of built-in rules switched off (an unknown name is a configuration error)
 * @param custom                  extra rules, run after the built-in ones
 * @param keepDeadLetterOriginals whether dead letters on the dead-letter topic keep the original value, secrets
 *                                included (their detail is redacted all the same); off by default
 */
public record RedactionSettings(Set<String> disabled, List<Custom> custom, boolean keepDeadLetterOriginals) {

    /** Every built-in rule on, no custom rules, dead letters redacted. */
    public static final RedactionSettings DEFAULTS = new RedactionSettings(Set.of(), List.of());

    /**
     * Dead letters redacted.
     *
     * @param disabled names of built-in rules switched off
     * @param custom   extra rules, run after the built-in ones
     */
    public RedactionSettings(Set<String> disabled, List<Custom> custom) {
        this(disabled, custom, false);
    }

    /**
     * A rule from configuration.
     *
     * @param name        rule name, the {@code rule} tag of its counter
     * @param pattern     Java regular expression
     * @param replacement replacement, may refer to groups as {@code $1}
     */
    public record Custom(String name, String pattern, String replacement) {
        public Custom {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(replacement, "replacement");
        }
    }

    public RedactionSettings {
        disabled = Set.copyOf(disabled);
        custom = List.copyOf(custom);
    }

    /** @return the rules to run, built-in ones first */
    public List<RedactionRule> rules() {
        List<RedactionRule> rules = new java.util.ArrayList<>();
        for (RedactionRule r : BuiltInRules.all()) {
            if (!disabled.contains(r.name())) {
                rules.add(r);
            }
        }
        for (Custom c : custom) {
            rules.add(RedactionRule.of(c.name(), c.pattern(), c.replacement()));
        }
        return List.copyOf(rules);
    }
}
