package dev.weir.processor.rules;

import dev.weir.common.config.ConfigException;
import java.util.function.Supplier;

/**
 * A rule file that cannot be used. The message names the file, the rule (when the problem is in
 * one) and the field, and says what is wrong, e.g. {@code Invalid rule HighErrorRate in
 * errors.yml, field threshold: must be a number, a percentage such as 5% or a duration such as 2s
 * (got "abc")}.
 */
public final class RuleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String rule;
    private final String field;

    RuleException(String file, String rule, String field, String reason) {
        super(message(file, rule, field, reason));
        this.file = file;
        this.rule = rule;
        this.field = field;
    }

    /**
     * Runs {@code read}, turning a problem that {@link dev.weir.common.config.ConfigNode} finds into one that names the
     * file, the rule and the field, e.g. {@code Invalid rule Slow in l.yml, field window: must be a duration such as
     * 500ms, 30s, 5m, 1h or 7d (got "5 minutes")}.
     *
     * @param file the file, for messages
     * @param rule the rule (or SLO, metric) being read, or {@code null} when the problem is not in one
     * @param path the {@link dev.weir.common.config.ConfigNode#path()} of that rule's node, so that fields are named
     *             relative to it ({@code labels.team}); empty for the file's top level
     * @param read what to read
     * @return what {@code read} returned
     * @throws RuleException for the problem {@code read} met
     */
    static <T> T reading(String file, String rule, String path, Supplier<T> read) {
        try {
            return read.get();
        } catch (ConfigException e) {
            String field = e.key();
            String prefix = path + ".";
            if (field != null && field.startsWith(prefix)) {
                field = field.substring(prefix.length());
            }
            throw new RuleException(file, rule, field, e.reason() + (e.value() == null ? "" : " (got \"" + e.value() + "\")"));
        }
    }

    private static String message(String file, String rule, String field, String reason) {
        StringBuilder b = new StringBuilder();
        b.append(rule == null ? "Invalid rule file " + file : "Invalid rule " + rule + " in " + file);
        if (field != null) {
            b.append(", field ").append(field);
        }
        return b.append(": ").append(reason).toString();
    }

    /** @return the file name, e.g. {@code errors.yml} */
    public String file() {
        return file;
    }

    /** @return the rule name, or {@code null} when the problem is not in one rule */
    public String rule() {
        return rule;
    }

    /** @return the field, e.g. {@code threshold}, or {@code null} */
    public String field() {
        return field;
    }
}
