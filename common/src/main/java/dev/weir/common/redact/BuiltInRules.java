package dev.weir.common.redact;

import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * The redaction rules Weir ships, in the order they run. Earlier rules see the text first, so a
 * JWT inside a bearer header counts as {@code jwt}.
 *
 * <table>
 *   <caption>rules</caption>
 *   <tr><th>name</th><th>finds</th><th>becomes</th></tr>
 *   <tr><td>{@code url_credentials}</td><td>{@code https://user:secret@host}</td><td>{@code https://user:[REDACTED]@host}</td></tr>
 *   <tr><td>{@code password}</td><td>{@code password=…}, {@code "password": "…"}, {@code passwd}, {@code pwd}, {@code passphrase}</td><td>{@code password=[REDACTED]}</td></tr>
 *   <tr><td>{@code jwt}</td><td>{@code eyJ….eyJ….…}</td><td>{@code [REDACTED_JWT]}</td></tr>
 *   <tr><td>{@code bearer_token}</td><td>{@code Bearer …}, {@code Authorization: Basic …}</td><td>{@code Bearer [REDACTED]}</td></tr>
 *   <tr><td>{@code aws_access_key}</td><td>{@code AKIA…}/{@code ASIA…} (20 characters)</td><td>{@code [REDACTED_AWS_KEY]}</td></tr>
 *   <tr><td>{@code github_token}</td><td>{@code ghp_…}, {@code gho_…}, {@code ghs_…}, {@code ghu_…}, {@code ghr_…}, {@code github_pat_…}</td><td>{@code [REDACTED_GITHUB_TOKEN]}</td></tr>
 *   <tr><td>{@code slack_token}</td><td>{@code xoxb-…}, {@code xoxp-…}, {@code xoxa-…}, {@code xoxr-…}, {@code xoxs-…}</td><td>{@code [REDACTED_SLACK_TOKEN]}</td></tr>
 *   <tr><td>{@code stripe_key}</td><td>{@code sk_live_…}, {@code sk_test_…}, {@code rk_live_…}</td><td>{@code [REDACTED_STRIPE_KEY]}</td></tr>
 *   <tr><td>{@code api_key}</td><td>{@code api_key=…}, {@code apikey: …}, {@code access_token=…}, {@code client_secret=…}, {@code secret_key=…}</td><td>{@code api_key=[REDACTED]}</td></tr>
 *   <tr><td>{@code card_number}</td><td>13–19 digits, spaces or dashes between, passing the Luhn check</td><td>{@code [REDACTED_CARD]}</td></tr>
 *   <tr><td>{@code email}</td><td>{@code user@example.com}</td><td>{@code u***@example.com}</td></tr>
 * </table>
 */
public final class BuiltInRules {
    private BuiltInRules() {}

    private static final String VALUE_END = "[^\\s\"'&,;}\\]]+";
    // Patterns here must not repeat a group with alternatives ((?:a|b){0,n}): Java's matcher recurses once per
    // repetition, and a long text (a quoted password that never ends) overflows the stack. Possessive runs of a
    // character class (x*+) are matched in a loop.

    /** @return every built-in rule, in application order (the same instances on every call) */
    public static List<RedactionRule> all() {
        return ALL;
    }

    private static final List<RedactionRule> ALL = List.of(
                new RedactionRule("url_credentials",
                        Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]{1,15}://[^\\s:/@]{1,256}:)[^\\s@/]{1,256}(@)"),
                        m -> m.group(1) + RedactionRule.REDACTED + m.group(2), m -> true, null,
                        t -> t.contains("://") && t.indexOf('@') >= 0),
                new RedactionRule("password",
                        Pattern.compile("(?i)(\"(?:password|passwd|pwd|passphrase)\"\\s*:\\s*\")[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+(\")"
                                + "|(\\b(?:password|passwd|pwd|passphrase)\\b['\"]?\\s*[=:]\\s*['\"]?)" + VALUE_END),
                        m -> m.group(1) != null ? m.group(1) + RedactionRule.REDACTED + m.group(2) : m.group(3) + RedactionRule.REDACTED,
                        m -> true,
                        Pattern.compile("(?i)(^|[._-])(password|passwd|pwd|passphrase)$"),
                        t -> containsIgnoreCase(t, "pass") || containsIgnoreCase(t, "pwd")),
                new RedactionRule("jwt",
                        Pattern.compile("\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"),
                        m -> "[REDACTED_JWT]", m -> true, null,
                        t -> t.contains("eyJ")),
                new RedactionRule("bearer_token",
                        Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9._~+/-]{8,}=*|(\\bauthorization\\b['\"]?\\s*[:=]\\s*['\"]?basic\\s+)[A-Za-z0-9+/]{4,}=*"),
                        m -> (m.group(1) != null ? m.group(1) : m.group(2)) + RedactionRule.REDACTED, m -> true, null,
                        t -> containsIgnoreCase(t, "bearer") || containsIgnoreCase(t, "authorization")),
                new RedactionRule("aws_access_key",
                        Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
                        m -> "[REDACTED_AWS_KEY]", m -> true, null,
                        t -> t.contains("AKIA") || t.contains("ASIA")),
                new RedactionRule("github_token",
                        Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b"),
                        m -> "[REDACTED_GITHUB_TOKEN]", m -> true, null,
                        t -> t.indexOf('_') >= 0 && (t.contains("gh") || t.contains("github_pat_"))),
                new RedactionRule("slack_token",
                        Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,250}"),
                        m -> "[REDACTED_SLACK_TOKEN]", m -> true, null,
                        t -> t.contains("xox")),
                new RedactionRule("stripe_key",
                        Pattern.compile("\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,247}\\b"),
                        m -> "[REDACTED_STRIPE_KEY]", m -> true, null,
                        t -> t.contains("_live_") || t.contains("_test_")),
                new RedactionRule("api_key",
                        Pattern.compile("(?i)(\\b(?:x-)?(?:api[_-]?key|apikey|api[_-]?token|access[_-]?token|auth[_-]?token|secret[_-]?key"
                                + "|client[_-]?secret|private[_-]?key|aws[_-]?secret[_-]?access[_-]?key)\\b['\"]?\\s*[=:]\\s*['\"]?)" + VALUE_END),
                        m -> m.group(1) + RedactionRule.REDACTED, m -> true,
                        Pattern.compile("(?i)(^|[._-])(x-)?(api[_-]?key|apikey|api[_-]?token|access[_-]?token|auth[_-]?token|secret[_-]?key"
                                + "|client[_-]?secret|private[_-]?key|secret|token)$"),
                        t -> containsIgnoreCase(t, "key") || containsIgnoreCase(t, "token") || containsIgnoreCase(t, "secret")),
                new RedactionRule("card_number",
                        Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"),
                        m -> "[REDACTED_CARD]", BuiltInRules::luhn, null,
                        BuiltInRules::hasDigitRun),
                new RedactionRule("email",
                        Pattern.compile("\\b([A-Za-z0-9])[A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9-]{1,63}\\.){1,8}[A-Za-z]{2,24})\\b"),
                        m -> m.group(1) + "***@" + m.group(2), m -> true, null,
                        t -> t.indexOf('@') >= 0));

    /** Bits of {@link #screen}, one per rule in the order of {@link #all()}. */
    static final int URL_CREDENTIALS = 1, PASSWORD = 1 << 1, JWT = 1 << 2, BEARER_TOKEN = 1 << 3, AWS_ACCESS_KEY = 1 << 4,
            GITHUB_TOKEN = 1 << 5, SLACK_TOKEN = 1 << 6, STRIPE_KEY = 1 << 7, API_KEY = 1 << 8, CARD_NUMBER = 1 << 9, EMAIL = 1 << 10;

    /**
     * Every built-in rule's {@code mayMatch} test at once, in one pass over the text: bit {@code i} is
     * set exactly when {@code all().get(i).mayMatch()} accepts the text. Most texts hold no secret,
     * and the eleven tests one by one read such a text about fifteen times, seven of them without
     * String's vectorised search because they ignore case.
     *
     * @param t any text
     * @return the rules whose pattern may match in {@code t}, as bits of {@link #URL_CREDENTIALS} and the rest
     */
    static int screen(String t) {
        int bits = 0;
        boolean at = false;
        boolean scheme = false;
        boolean underscore = false;
        boolean gh = false;
        int run = 0; // the digit run of hasDigitRun
        boolean afterSeparator = false;
        for (int i = 0, n = t.length(); i < n; i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++run >= 13) {
                    bits |= CARD_NUMBER;
                }
                afterSeparator = false;
                continue;
            }
            if ((c == ' ' || c == '-') && run > 0 && !afterSeparator) {
                afterSeparator = true;
            } else {
                run = 0;
                afterSeparator = false;
            }
            switch (lower(c)) {
                case '@' -> at = true;
                case ':' -> scheme |= t.startsWith("://", i);
                case '_' -> {
                    underscore = true;
                    if (t.startsWith("_live_", i) || t.startsWith("_test_", i)) {
                        bits |= STRIPE_KEY;
                    }
                }
                case 'p' -> {
                    if (startsWithIgnoreCase(t, i, "pass") || startsWithIgnoreCase(t, i, "pwd")) {
                        bits |= PASSWORD;
                    }
                }
                case 'b' -> {
                    if (startsWithIgnoreCase(t, i, "bearer")) {
                        bits |= BEARER_TOKEN;
                    }
                }
                case 'a' -> {
                    if (startsWithIgnoreCase(t, i, "authorization")) {
                        bits |= BEARER_TOKEN;
                    }
                    if (c == 'A' && (t.startsWith("AKIA", i) || t.startsWith("ASIA", i))) {
                        bits |= AWS_ACCESS_KEY;
                    }
                }
                case 'k' -> {
                    if (startsWithIgnoreCase(t, i, "key")) {
                        bits |= API_KEY;
                    }
                }
                case 't' -> {
                    if (startsWithIgnoreCase(t, i, "token")) {
                        bits |= API_KEY;
                    }
                }
                case 's' -> {
                    if (startsWithIgnoreCase(t, i, "secret")) {
                        bits |= API_KEY;
                    }
                }
                case 'e' -> {
                    if (t.startsWith("eyJ", i)) {
                        bits |= JWT;
                    }
                }
                case 'g' -> gh |= t.startsWith("gh", i) || t.startsWith("github_pat_", i);
                case 'x' -> {
                    if (t.startsWith("xox", i)) {
                        bits |= SLACK_TOKEN;
                    }
                }
                default -> {
                }
            }
        }
        if (at) {
            bits |= EMAIL | (scheme ? URL_CREDENTIALS : 0);
        }
        return underscore && gh ? bits | GITHUB_TOKEN : bits;
    }

    /** @return whether {@code lowerNeedle} (lower-case ASCII) starts at {@code from}, ignoring ASCII case */
    private static boolean startsWithIgnoreCase(String text, int from, String lowerNeedle) {
        int n = lowerNeedle.length();
        if (from + n > text.length()) {
            return false;
        }
        for (int j = 0; j < n; j++) {
            if (lower(text.charAt(from + j)) != lowerNeedle.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether {@code text} holds 13 ASCII digits in a row with at most one space or dash
     *         between two of them: what {@code card_number} needs before its lookarounds and checksum
     */
    static boolean hasDigitRun(String text) {
        int run = 0;
        boolean afterSeparator = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++run >= 13) {
                    return true;
                }
                afterSeparator = false;
            } else if ((c == ' ' || c == '-') && run > 0 && !afterSeparator) {
                afterSeparator = true;
            } else {
                run = 0;
                afterSeparator = false;
            }
        }
        return false;
    }

    /**
     * @param text        any text
     * @param lowerNeedle lower-case ASCII letters
     * @return whether {@code text} contains {@code lowerNeedle} ignoring ASCII case, as {@code (?i)} matches
     */
    static boolean containsIgnoreCase(String text, String lowerNeedle) {
        int n = lowerNeedle.length();
        char first = lowerNeedle.charAt(0);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            if (lower(text.charAt(i)) != first) {
                continue;
            }
            int j = 1;
            while (j < n && lower(text.charAt(i + j)) == lowerNeedle.charAt(j)) {
                j++;
            }
            if (j == n) {
                return true;
            }
        }
        return false;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** @return whether the digits of the match pass the Luhn checksum */
    static boolean luhn(MatchResult m) {
        String s = m.group();
        int sum = 0;
        int digits = 0;
        boolean doubleIt = false;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            digits++;
            doubleIt = !doubleIt;
        }
        return digits >= 13 && digits <= 19 && sum % 10 == 0;
    }
}
