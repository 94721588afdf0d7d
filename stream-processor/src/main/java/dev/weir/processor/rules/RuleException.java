package dev.weir.processor.rules;

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
