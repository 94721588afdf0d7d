package dev.weir.processor.route;

import java.util.regex.Pattern;

/**
 * Turns a request path into a low-cardinality route: the query string and fragment go, and every
 * path segment that looks like an identifier becomes {@code {id}}: numbers ({@code 1042}), UUIDs,
 * hex ids of 8 or more characters with at least one digit ({@code 5f2b9c1a}), and long
 * mixed tokens of 16 or more letters and digits with at least one digit (base64/ULID-like ids).
 * {@code /api/v1/patients/123} becomes {@code /api/v1/patients/{id}}; {@code v1} stays.
 *
 * <p>Thread-safe.
 */
public final class RouteTemplater {
    /** The placeholder for an identifier segment. */
    public static final String ID = "{id}";

    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+([.,]\\d+)?");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Pattern HEX = Pattern.compile("(?=.*\\d)[0-9a-fA-F]{8,}");
    private static final Pattern TOKEN = Pattern.compile("(?=.*\\d)[A-Za-z0-9_~=-]{16,}");
    private static final int MAX_SEGMENTS = 32;

    /**
     * @param path a request path, possibly with query string; may be {@code null}
     * @return the path without query string, or {@code /} when empty
     */
    public static String stripQuery(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int cut = path.length();
        int q = path.indexOf('?');
        if (q >= 0) {
            cut = q;
        }
        int h = path.indexOf('#');
        if (h >= 0 && h < cut) {
            cut = h;
        }
        String p = path.substring(0, cut);
        // a full URL (url.original): keep only the path
        int scheme = p.indexOf("://");
        if (scheme > 0 && scheme < 16) {
            int slash = p.indexOf('/', scheme + 3);
            p = slash < 0 ? "/" : p.substring(slash);
        }
        return p.isEmpty() ? "/" : p;
    }

    /**
     * @param path a path without query string
     * @return the templated route; at most 32 segments are kept, the rest becomes {@code /…}
     */
    public String template(String path) {
        String p = stripQuery(path);
        StringBuilder out = new StringBuilder(p.length());
        int segments = 0;
        int start = 0;
        while (start <= p.length()) {
            int end = p.indexOf('/', start);
            if (end < 0) {
                end = p.length();
            }
            String segment = p.substring(start, end);
            if (start > 0) {
                out.append('/');
                if (++segments > MAX_SEGMENTS) {
                    out.append('…');
                    break;
                }
            }
            out.append(isId(segment) ? ID : segment);
            start = end + 1;
        }
        return out.toString();
    }

    private static boolean isId(String segment) {
        if (segment.isEmpty()) {
            return false;
        }
        // Only a UUID (32-36 characters) can be an id without a digit: skip the regexes for plain words (most segments)
        int n = segment.length();
        if ((n < 32 || n > 36) && !hasDigit(segment)) {
            return false;
        }
        return NUMBER.matcher(segment).matches() || UUID.matcher(segment).matches()
                || HEX.matcher(segment).matches() || TOKEN.matcher(segment).matches();
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }
}
