package dev.weir.processor.validate;

/**
 * Whether a text is an IP address as Elasticsearch's {@code ip} field type reads it: IPv4 in dotted decimal (four
 * parts of 0–255, no leading zeros, which Elasticsearch refuses), or IPv6 in hex groups with at most one {@code ::},
 * optionally ending in dotted IPv4 ({@code ::ffff:192.0.2.1}) and a zone ({@code fe80::1%eth0}). No name lookups,
 * no spaces. Thread-safe (stateless).
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /**
     * @param text any text
     * @return whether it is an IPv4 or IPv6 address literal
     */
    public static boolean isLiteral(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return false;
        }
        return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text, 0, text.length());
    }

    private static boolean isIpv4(String s, int from, int to) {
        int parts = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return false;
                }
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || digits > 1 && s.charAt(start) == '0') {
                return false;
            }
            parts++;
            if (i == to) {
                return parts == 4;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return false;
            }
            i++;
        }
    }

    private static boolean isIpv6(String s) {
        int end = s.length();
        int zone = s.indexOf('%');
        if (zone >= 0) {
            if (zone == end - 1) {
                return false;
            }
            for (int i = zone + 1; i < end; i++) {
                char c = s.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                    return false;
                }
            }
            end = zone;
        }
        int groups = 0; // 16-bit groups written out
        boolean compressed = false;
        int i = 0;
        if (s.startsWith("::")) {
            compressed = true;
            i = 2;
        } else if (s.charAt(0) == ':') {
            return false;
        }
        while (i < end) {
            int start = i;
            while (i < end && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            if (i < end && s.charAt(i) == '.') { // the last 32 bits in dotted IPv4
                if (!isIpv4(s, start, end)) {
                    return false;
                }
                groups += 2;
                i = end;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return false;
            }
            groups++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (compressed) {
                    return false;
                }
                compressed = true;
                i++;
            } else if (i == end) {
                return false; // a single trailing colon
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }
}
