package dev.weir.agent.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The fast path of {@link JsonLineParser}: one pass over the bytes of a line that finds the same
 * fields Jackson's streaming scan would, about twice as fast, because it runs for every line
 * the agent reads.
 *
 * <p>It accepts only a strict subset of JSON (one object; keys without escapes; strings of
 * well-formed UTF-8 without raw control characters; numbers in RFC 8259 form; nesting below
 * {@value #MAX_DEPTH}) and answers false for anything else, well-formed or not: the caller
 * then lets Jackson decide, so what is rejected and the error messages stay Jackson's.
 *
 * <p>Not thread-safe; one instance per line.
 */
final class FastObjectScan {
    private static final int MAX_DEPTH = 64;
    /** Far below Jackson's stream read constraints (names 50,000, numbers 1,000 characters). */
    private static final int MAX_KEY = 1000;
    private static final int MAX_NUMBER = 100;

    private final byte[] b;
    private final int end;
    private int pos;

    private FastObjectScan(byte[] bytes, int from, int to) {
        this.b = bytes;
        this.pos = from;
        this.end = to;
    }

    /**
     * @param bytes holds the line
     * @param offset index of its first byte
     * @param length its length
     * @param scan receives the fields found; only meaningful when true is returned
     * @return true when the line is one JSON object this scan could read; false to let Jackson decide
     */
    static boolean scan(byte[] bytes, int offset, int length, JsonLineParser.Scan scan) {
        FastObjectScan s = new FastObjectScan(bytes, offset, offset + length);
        s.skipWhitespace();
        if (s.pos >= s.end || bytes[s.pos] != '{') {
            return false;
        }
        s.pos++;
        if (!s.object(null, 1, scan)) {
            return false;
        }
        s.skipWhitespace();
        return s.pos == s.end;
    }

    /** Reads members after the opening brace, through the closing one. */
    private boolean object(String prefix, int depth, JsonLineParser.Scan scan) {
        skipWhitespace();
        if (pos < end && b[pos] == '}') {
            pos++;
            return true;
        }
        while (true) {
            if (pos >= end || b[pos] != '"') {
                return false;
            }
            int keyStart = ++pos;
            if (string(false) != 0) {
                return false; // escaped or invalid key: Jackson decides
            }
            int keyEnd = pos - 1;
            if (keyEnd - keyStart > MAX_KEY) {
                return false; // Jackson's name length limit decides
            }
            if (depth == 1) {
                scan.anyField = true;
            }
            skipWhitespace();
            if (pos >= end || b[pos] != ':') {
                return false;
            }
            pos++;
            skipWhitespace();
            if (pos >= end) {
                return false;
            }
            String name = name(prefix, keyStart, keyEnd);
            byte c = b[pos];
            if (c == '{') {
                pos++;
                boolean nested = depth < 3 && name != null && isPrefix(name);
                boolean ok = nested ? object(name, depth + 1, scan) : skipObject(depth + 1);
                if (!ok) {
                    return false;
                }
                if (!nested && name != null) {
                    scan.present(name);
                }
            } else if (c == '[') {
                pos++;
                if (!skipArray(depth + 1)) {
                    return false;
                }
                if (name != null) {
                    scan.present(name);
                }
            } else if (c == '"') {
                int valueStart = ++pos;
                int escapes = string(true);
                if (escapes < 0) {
                    return false;
                }
                if (name != null && !mark(name, scan, valueStart, pos - 1, escapes == 0)) {
                    return false;
                }
            } else if (c == 'n') {
                if (!literal("null")) {
                    return false; // null marks nothing, as in the Jackson scan
                }
            } else {
                if (!(c == 't' ? literal("true") : c == 'f' ? literal("false") : number())) {
                    return false;
                }
                if (name != null && !mark(name, scan, -1, -1, false)) {
                    return false;
                }
            }
            skipWhitespace();
            if (pos >= end) {
                return false;
            }
            c = b[pos++];
            if (c == '}') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            skipWhitespace();
        }
    }

    /**
     * @return the dotted name of the key when it may matter (a field the agent adds or a prefix
     *     of one), else null
     */
    private String name(String prefix, int start, int stop) {
        if (prefix == null) {
            return known(b, start, stop);
        }
        String full = prefix + "." + new String(b, start, stop - start, StandardCharsets.UTF_8);
        return switch (full) {
            case "event.id", "service.name", "service.environment", "host.name", "log.file.path", "log.offset", "log.file" -> full;
            default -> null;
        };
    }

    private static final String[] KNOWN = {
        "event.id", "service.name", "service.environment", "host.name", "log.file.path", "log.offset",
        "event", "service", "host", "log", "log.file",
    };
    private static final byte[][] KNOWN_BYTES = new byte[KNOWN.length][];
    /** Whether a key beginning with this byte may be one of {@link #KNOWN}. */
    private static final boolean[] KNOWN_FIRST = new boolean[256];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            KNOWN_BYTES[i] = KNOWN[i].getBytes(StandardCharsets.US_ASCII);
            KNOWN_FIRST[KNOWN_BYTES[i][0] & 0xff] = true;
        }
    }

    private static String known(byte[] b, int start, int stop) {
        int len = stop - start;
        if (len == 0 || !KNOWN_FIRST[b[start] & 0xff]) {
            return null; // most keys of most lines: no comparison needed
        }
        for (int i = 0; i < KNOWN_BYTES.length; i++) {
            byte[] k = KNOWN_BYTES[i];
            if (k.length == len && k[0] == b[start] && java.util.Arrays.equals(k, 0, len, b, start, stop)) {
                return KNOWN[i];
            }
        }
        return null;
    }

    /** Bytes that stand for themselves inside a string: printable ASCII but the quote and the backslash. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x80; c++) {
            PLAIN[c] = c != '"' && c != '\\';
        }
    }

    private static boolean isPrefix(String name) {
        return switch (name) {
            case "event", "service", "host", "log", "log.file" -> true;
            default -> false;
        };
    }

    /** @return false when the value of service.name is not a plain string (Jackson decides) */
    private boolean mark(String name, JsonLineParser.Scan scan, int valueStart, int valueEnd, boolean plainString) {
        switch (name) {
            case "event.id" -> scan.found |= JsonLineParser.EVENT_ID;
            case "service.name" -> {
                if (!plainString) {
                    return false;
                }
                scan.found |= JsonLineParser.SERVICE_NAME;
                String s = new String(b, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
                if (!s.isBlank()) {
                    scan.service = s;
                }
            }
            case "service.environment" -> scan.found |= JsonLineParser.SERVICE_ENV;
            case "host.name" -> scan.found |= JsonLineParser.HOST_NAME;
            case "log.file.path" -> scan.found |= JsonLineParser.LOG_FILE_PATH;
            case "log.offset" -> scan.found |= JsonLineParser.LOG_OFFSET;
            default -> { }
        }
        return true;
    }

    /**
     * Reads a string's content after its opening quote, through the closing quote.
     *
     * @param escapesAllowed whether backslash escapes are accepted
     * @return the number of escapes, or -1 when the string is not one this scan accepts
     */
    private int string(boolean escapesAllowed) {
        int escapes = 0;
        while (pos < end) {
            // Eight bytes at a time up to the first one that does not stand for itself: most of a
            // line is string content, and this runs for every line.
            while (pos + 8 <= end) {
                long special = special((long) LONGS.get(b, pos));
                if (special != 0) {
                    pos += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                pos += 8;
            }
            if (pos >= end) {
                break;
            }
            int c = b[pos] & 0xff;
            if (PLAIN[c]) {
                pos++;
                continue;
            }
            if (c == '"') {
                pos++;
                return escapes;
            }
            if (c < 0x20) {
                return -1;
            }
            if (c == '\\') {
                if (!escapesAllowed || !escape()) {
                    return -1;
                }
                escapes++;
            } else if (c < 0x80) {
                pos++;
            } else if (!utf8(c)) {
                return -1;
            }
        }
        return -1;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * @param w eight bytes, the first in the lowest bits
     * @return zero when all eight stand for themselves inside a string ({@link #PLAIN}); else a
     *     word whose lowest set bit is the high bit of the first byte that does not
     */
    static long special(long w) {
        // Borrows of the subtractions only run upwards from a byte that matched, so bits above the
        // first match may be wrong, never the lowest one (Hacker's Delight, "find first 0-byte").
        long quote = w ^ ('"' * ONES);
        long backslash = w ^ ('\\' * ONES);
        long nonAscii = w;
        long control = (w - 0x20 * ONES) & ~w;
        return (nonAscii | control | zeroByte(quote) | zeroByte(backslash)) & HIGHS;
    }

    private static long zeroByte(long w) {
        return (w - ONES) & ~w;
    }

    private boolean escape() {
        if (pos + 1 >= end) {
            return false;
        }
        byte e = b[pos + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                pos += 2;
                return true;
            }
            case 'u' -> {
                if (pos + 6 > end) {
                    return false;
                }
                for (int i = pos + 2; i < pos + 6; i++) {
                    if (Character.digit(b[i], 16) < 0) {
                        return false;
                    }
                }
                pos += 6;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** Checks one multi-byte UTF-8 sequence strictly (no overlong forms, no surrogates, ≤ U+10FFFF). */
    private boolean utf8(int lead) {
        int n;
        int min = 0x80;
        int max = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            n = 1;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            n = 2;
            if (lead == 0xe0) {
                min = 0xa0;
            } else if (lead == 0xed) {
                max = 0x9f;
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            n = 3;
            if (lead == 0xf0) {
                min = 0x90;
            } else if (lead == 0xf4) {
                max = 0x8f;
            }
        } else {
            return false;
        }
        if (pos + n >= end) {
            return false;
        }
        int second = b[pos + 1] & 0xff;
        if (second < min || second > max) {
            return false;
        }
        for (int i = 2; i <= n; i++) {
            int c = b[pos + i] & 0xff;
            if (c < 0x80 || c > 0xbf) {
                return false;
            }
        }
        pos += n + 1;
        return true;
    }

    private boolean literal(String word) {
        int len = word.length();
        if (pos + len > end) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        pos += len;
        return delimited();
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private boolean number() {
        int start0 = pos;
        if (b[pos] == '-') {
            pos++;
        }
        if (pos >= end) {
            return false;
        }
        if (b[pos] == '0') {
            pos++;
        } else if (b[pos] >= '1' && b[pos] <= '9') {
            pos = digits(pos);
        } else {
            return false;
        }
        if (pos < end && b[pos] == '.') {
            int start = ++pos;
            pos = digits(pos);
            if (pos == start) {
                return false;
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                pos++;
            }
            int start = pos;
            pos = digits(pos);
            if (pos == start) {
                return false;
            }
        }
        return pos - start0 <= MAX_NUMBER && delimited();
    }

    private int digits(int from) {
        int i = from;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** A scalar must be followed by whitespace, a separator or a closing bracket. */
    private boolean delimited() {
        if (pos >= end) {
            return true; // the enclosing object then fails for want of its closing brace
        }
        byte c = b[pos];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean skipObject(int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        skipWhitespace();
        if (pos < end && b[pos] == '}') {
            pos++;
            return true;
        }
        while (true) {
            if (pos >= end || b[pos] != '"') {
                return false;
            }
            pos++;
            if (string(true) < 0) {
                return false;
            }
            skipWhitespace();
            if (pos >= end || b[pos] != ':') {
                return false;
            }
            pos++;
            if (!skipValue(depth)) {
                return false;
            }
            skipWhitespace();
            if (pos >= end) {
                return false;
            }
            byte c = b[pos++];
            if (c == '}') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            skipWhitespace();
        }
    }

    private boolean skipArray(int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        skipWhitespace();
        if (pos < end && b[pos] == ']') {
            pos++;
            return true;
        }
        while (true) {
            if (!skipValue(depth)) {
                return false;
            }
            skipWhitespace();
            if (pos >= end) {
                return false;
            }
            byte c = b[pos++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
        }
    }

    private boolean skipValue(int depth) {
        skipWhitespace();
        if (pos >= end) {
            return false;
        }
        byte c = b[pos];
        switch (c) {
            case '{' -> {
                pos++;
                return skipObject(depth + 1);
            }
            case '[' -> {
                pos++;
                return skipArray(depth + 1);
            }
            case '"' -> {
                pos++;
                return string(true) >= 0;
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            default -> {
                return number();
            }
        }
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
