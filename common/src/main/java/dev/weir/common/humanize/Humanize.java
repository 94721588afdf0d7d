package dev.weir.common.humanize;

/**
 * Prometheus' template functions for numbers, with its outputs: the one implementation behind the
 * processor's rule annotations and the alert emitter's notification templates, so that a value reads the
 * same in an alert and in the message about it. Four significant digits, as Go's {@code %.4g}
 * ({@link GoFloat}).
 */
public final class Humanize {
    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] BINARY = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

    private Humanize() {
    }

    /**
     * @param v a value
     * @return {@code v} with an SI prefix: {@code 1.235M} for 1234567, {@code 120m} for 0.12, {@code 0} for 0
     */
    public static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        return Math.abs(v) >= 1 ? scaledDown(v, 1000, BIG) : scaledUp(v);
    }

    /**
     * @param v a value, typically bytes
     * @return {@code v} with a binary prefix: {@code 1Mi} for 1048576, {@code 0.12} for 0.12 (no prefix at or below 1)
     */
    public static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        return scaledDown(v, 1024, BINARY);
    }

    /**
     * @param seconds a duration in seconds
     * @return {@code 1d 1h 0m 0s} for 90000, {@code 14m 59s} for 899.99, {@code 1.234s} for 1.2345, {@code 100ms} for
     *         0.1, {@code 0s} for 0: whole days, hours, minutes and seconds from a minute on, else seconds with an SI
     *         prefix
     */
    public static String humanizeDuration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return g4(seconds);
        }
        if (seconds == 0) {
            return g4(seconds) + "s";
        }
        if (Math.abs(seconds) < 1) {
            return scaledUp(seconds) + "s";
        }
        String sign = seconds < 0 ? "-" : "";
        double v = Math.abs(seconds);
        long whole = (long) v;
        long secs = whole % 60;
        long minutes = whole / 60 % 60;
        long hours = whole / 3600 % 24;
        long days = whole / 86_400;
        if (days != 0) {
            return sign + days + "d " + hours + "h " + minutes + "m " + secs + "s";
        }
        if (hours != 0) {
            return sign + hours + "h " + minutes + "m " + secs + "s";
        }
        if (minutes != 0) {
            return sign + minutes + "m " + secs + "s";
        }
        return sign + g4(v) + "s";
    }

    /**
     * @param ratio a ratio
     * @return it as a percentage: {@code 12.35%} for 0.1234567, {@code -22.22%} for -0.22222
     */
    public static String humanizePercentage(double ratio) {
        return g4(ratio * 100) + "%";
    }

    private static String scaledDown(double v, double base, String[] prefixes) {
        String prefix = "";
        for (String p : prefixes) {
            if (Math.abs(v) < base) {
                break;
            }
            prefix = p;
            v /= base;
        }
        return g4(v) + prefix;
    }

    private static String scaledUp(double v) {
        String prefix = "";
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return g4(v) + prefix;
    }

    private static String g4(double v) {
        return GoFloat.format(v, 4);
    }
}
