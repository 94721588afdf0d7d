package dev.weir.e2e.secrets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds planted secrets in any text in one pass: every run of letters and digits (and every digit run with single
 * spaces or dashes inside, as card numbers are written) is looked at through a window of {@link #PREFIX} characters,
 * so a secret is found also inside a longer run. Thread-safe after construction.
 */
public final class NeedleScan {
    /** Every needle is at least this long; its first this many characters are the lookup key. */
    public static final int PREFIX = 16;
    private static final Pattern DIGIT_SEPARATORS = Pattern.compile("(?<=\\d)[ -](?=\\d)");

    private final Map<String, List<String>> byPrefix = new HashMap<>();

    /** @param needles the secrets, each at least {@link #PREFIX} letters and digits */
    public NeedleScan(Set<String> needles) {
        for (String n : needles) {
            if (n.length() < PREFIX || !n.chars().allMatch(Character::isLetterOrDigit)) {
                throw new IllegalArgumentException("a needle must be " + PREFIX + " or more letters and digits: " + n);
            }
            byPrefix.computeIfAbsent(n.substring(0, PREFIX), k -> new java.util.ArrayList<>()).add(n);
        }
    }

    /** @return the needles found in {@code text} */
    public Set<String> find(String text) {
        Set<String> found = new TreeSet<>();
        scan(text, found);
        if (text.indexOf(' ') >= 0 || text.indexOf('-') >= 0) {
            scan(DIGIT_SEPARATORS.matcher(text).replaceAll(""), found);
        }
        return found;
    }

    private void scan(String text, Set<String> found) {
        int n = text.length();
        int start = -1;
        for (int i = 0; i <= n; i++) {
            boolean alnum = i < n && isAsciiAlnum(text.charAt(i));
            if (alnum && start < 0) {
                start = i;
            } else if (!alnum && start >= 0) {
                for (int from = start; from + PREFIX <= i; from++) {
                    List<String> candidates = byPrefix.get(text.substring(from, from + PREFIX));
                    if (candidates != null) {
                        for (String c : candidates) {
                            if (text.startsWith(c, from)) {
                                found.add(c);
                            }
                        }
                    }
                }
                start = -1;
            }
        }
    }

    private static boolean isAsciiAlnum(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }
}
