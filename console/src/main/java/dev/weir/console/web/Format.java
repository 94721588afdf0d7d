package dev.weir.console.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How numbers, ratios, latencies and times read on the pages. Pure functions; the templates call them. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME_MS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Format() {
    }

    /** @return {@code 1,234} */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** @return a per-second rate with sensible precision: {@code 12.3/s}, {@code 0.05/s}, {@code 0/s} */
    public static String rate(double perSecond) {
        if (perSecond == 0) {
            return "0/s";
        }
        if (perSecond >= 100) {
            return String.format(Locale.ROOT, "%,.0f/s", perSecond);
        }
        if (perSecond >= 1) {
            return String.format(Locale.ROOT, "%.1f/s", perSecond);
        }
        return String.format(Locale.ROOT, "%.2f/s", perSecond);
    }

    /** @return a ratio as a percentage: {@code 4.17%}, {@code 0%} */
    public static String percent(double ratio) {
        if (ratio == 0) {
            return "0%";
        }
        double p = ratio * 100;
        return String.format(Locale.ROOT, p >= 10 ? "%.1f%%" : "%.2f%%", p);
    }

    /** @return a latency: {@code 850 ms}, {@code 1.24 s}, or {@code –} when unknown */
    public static String millis(Double ms) {
        if (ms == null || ms.isNaN()) {
            return "–";
        }
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    /** @return a value as the alert rules show it: up to 4 significant digits */
    public static String value(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    /** @return {@code 2025-03-14 09:10:30} (UTC), or an empty string for null */
    public static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** @return {@code 09:10:30.123} (UTC) */
    public static String clock(Instant t) {
        return t == null ? "" : TIME_MS.format(t);
    }

    /** @return how long ago {@code t} was, as {@code 3m 20s}, {@code 2h 5m}, {@code 1d 4h} */
    public static String since(Instant t, Instant now) {
        if (t == null) {
            return "";
        }
        Duration d = Duration.between(t, now);
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
    }

    /**
     * @param text  untrusted text, e.g. a dead letter's original bytes
     * @param limit at most this many characters are kept
     * @return the text with control and invisible characters written as Unicode escapes (newlines and
     *         tabs kept), cut to {@code limit} with a note of how much was left out
     */
    public static String printable(String text, int limit) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int n = Math.min(text.length(), limit);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean visible = c == '\n' || c == '\t' || (!Character.isISOControl(c) && Character.getType(c) != Character.FORMAT
                    && Character.getType(c) != Character.SURROGATE && Character.getType(c) != Character.UNASSIGNED);
            if (visible) {
                b.append(c);
            } else {
                b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        if (text.length() > limit) {
            b.append(" … (").append(count(text.length() - limit)).append(" more characters)");
        }
        return b.toString();
    }

    /**
     * @param text     a dead letter's {@code message}: the original bytes as text, or base64 when they were not UTF-8
     * @param encoding its {@code weir.dlq.encoding} ({@code base64} or other)
     * @param limit    at most this many bytes or characters are shown
     * @return the original input readable and harmless: base64 decoded, bytes outside printable ASCII as {@code \xNN}
     */
    public static String original(String text, String encoding, int limit) {
        if (!"base64".equals(encoding) || text == null) {
            return printable(text, limit);
        }
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            return printable(text, limit);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, limit); i++) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f || c == '\n' || c == '\t') {
                b.append((char) c);
            } else {
                b.append(String.format(Locale.ROOT, "\\x%02X", c));
            }
        }
        if (bytes.length > limit) {
            b.append(" … (").append(count(bytes.length - limit)).append(" more bytes)");
        }
        return b.toString();
    }
}
