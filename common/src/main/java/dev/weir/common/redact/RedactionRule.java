package dev.weir.common.redact;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One redaction rule: a pattern, what a match is replaced with, and optionally a check a match
 * must pass (the Luhn checksum for card numbers) and a pattern of label names whose whole value
 * is secret ({@code password}, {@code api_key}).
 *
 * @param name        the rule name, the {@code rule} tag of {@code weir_redactions_total}
 * @param pattern     what to find
 * @param replacement the text for one match (may use the match's groups)
 * @param accept      whether a match really is a secret; matches it refuses are left as they are
 * @param secretKey   label names whose values are replaced entirely, or {@code null}
 * @param mayMatch    a cheap test that is true for every text the pattern can match in (e.g. it
 *                    contains {@code "://"}); texts it refuses skip the regex. Must never refuse a
 *                    text with a match: it only saves time
 */
public record RedactionRule(String name, Pattern pattern, Function<MatchResult, String> replacement,
                            Predicate<MatchResult> accept, Pattern secretKey, Predicate<String> mayMatch) {

    /** The replacement text for a secret. */
    public static final String REDACTED = "[REDACTED]";

    public RedactionRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(replacement, "replacement");
        Objects.requireNonNull(accept, "accept");
        Objects.requireNonNull(mayMatch, "mayMatch");
    }

    /**
     * A rule whose pattern runs on every text.
     *
     * @param name        the rule name
     * @param pattern     what to find
     * @param replacement the text for one match
     * @param accept      whether a match really is a secret
     * @param secretKey   label names whose values are replaced entirely, or {@code null}
     */
    public RedactionRule(String name, Pattern pattern, Function<MatchResult, String> replacement,
                         Predicate<MatchResult> accept, Pattern secretKey) {
        this(name, pattern, replacement, accept, secretKey, text -> true);
    }

    /**
     * A rule from configuration: a regular expression and a replacement that may refer to groups
     * as {@code $1}.
     *
     * @param name        rule name
     * @param regex       a Java regular expression
     * @param replacement replacement template
     * @return the rule
     * @throws java.util.regex.PatternSyntaxException when the regex does not compile
     */
    public static RedactionRule of(String name, String regex, String replacement) {
        Pattern p = Pattern.compile(regex);
        return new RedactionRule(name, p, m -> expand(m, replacement), m -> true, null);
    }

    private static String expand(MatchResult m, String template) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '$' && i + 1 < template.length() && Character.isDigit(template.charAt(i + 1))) {
                int g = template.charAt(++i) - '0';
                if (g <= m.groupCount() && m.group(g) != null) {
                    out.append(m.group(g));
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Applies the rule to {@code text}.
     *
     * @param text the text, not null
     * @param hits receives one count per replaced match
     * @return the redacted text ({@code text} itself when nothing matched)
     */
    String apply(String text, int[] hits) {
        return mayMatch.test(text) ? replace(text, hits) : text;
    }

    /**
     * {@link #apply} without the {@code mayMatch} test, for a caller that already knows its answer is yes.
     *
     * @param text the text, not null
     * @param hits receives one count per replaced match
     * @return the redacted text ({@code text} itself when nothing matched)
     */
    String replace(String text, int[] hits) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            MatchResult r = m.toMatchResult();
            if (!accept.test(r)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(replacement.apply(r));
            last = m.end();
            hits[0]++;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }
}
