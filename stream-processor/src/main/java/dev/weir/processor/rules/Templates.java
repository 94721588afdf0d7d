package dev.weir.processor.rules;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The annotation templates of rules: the subset of Prometheus' alert templating that rule
 * authors use, {@code {{ $value }}}, {@code {{ $threshold }}}, {@code {{ $labels.service }}},
 * each optionally piped through {@code humanize}, {@code humanizePercentage} or
 * {@code humanizeDuration}, e.g. {@code Error rate is {{ $value | humanizePercentage }}}.
 */
public final class Templates {
    private static final Pattern EXPR = Pattern.compile(
            "\\{\\{\\s*\\$(value|threshold|labels\\.([A-Za-z_][A-Za-z0-9_]*))\\s*(?:\\|\\s*([A-Za-z]+)\\s*)?}}");
    private static final Pattern ANY = Pattern.compile("\\{\\{(.*?)}}");

    private Templates() {
    }

    /**
     * @param template the annotation text
     * @return {@code null} when it is valid, otherwise what is wrong
     */
    static String check(String template) {
        Matcher any = ANY.matcher(template);
        while (any.find()) {
            Matcher m = EXPR.matcher(any.group());
            if (!m.matches()) {
                return "cannot read template " + any.group()
                        + "; use {{ $value }}, {{ $threshold }} or {{ $labels.NAME }}, optionally | humanize, | humanizePercentage or | humanizeDuration";
            }
            String fn = m.group(3);
            if (fn != null && !fn.equals("humanize") && !fn.equals("humanizePercentage") && !fn.equals("humanizeDuration")) {
                return "unknown template function " + fn + " in " + any.group()
                        + "; use humanize, humanizePercentage or humanizeDuration";
            }
        }
        return null;
    }

    /**
     * @param template  a template that passed validation
     * @param value     the alert's value
     * @param threshold the rule's threshold
     * @param labels    the alert's labels; a missing label renders as an empty string
     * @return the text
     */
    public static String render(String template, double value, double threshold, Map<String, String> labels) {
        Matcher m = EXPR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String text;
            if (m.group(2) != null) {
                text = labels.getOrDefault(m.group(2), "");
            } else {
                double v = m.group(1).equals("value") ? value : threshold;
                String fn = m.group(3);
                text = fn == null ? plain(v) : switch (fn) {
                    case "humanizePercentage" -> humanizePercentage(v);
                    case "humanizeDuration" -> humanizeDuration(v);
                    default -> humanize(v);
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String g4(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains("e") || s.contains("E")) {
            return s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    /** @return e.g. {@code 7.333%} for 0.07333, as Prometheus' humanizePercentage */
    public static String humanizePercentage(double v) {
        return g4(v * 100) + "%";
    }

    /** @return e.g. {@code 1.235k} for 1234.5, as Prometheus' humanize */
    public static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String[] big = {"", "k", "M", "G", "T", "P", "E"};
        String[] small = {"", "m", "u", "n", "p"};
        double a = Math.abs(v);
        int i = 0;
        if (a >= 1) {
            while (a >= 1000 && i < big.length - 1) {
                a /= 1000;
                v /= 1000;
                i++;
            }
            return g4(v) + big[i];
        }
        while (a < 1 && i < small.length - 1) {
            a *= 1000;
            v *= 1000;
            i++;
        }
        return g4(v) + small[i];
    }

    /** @return e.g. {@code 2m 5s} for 125 or {@code 250ms} for 0.25 (seconds in), as Prometheus' humanizeDuration */
    public static String humanizeDuration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return g4(seconds);
        }
        if (Math.abs(seconds) < 1) {
            return seconds == 0 ? "0s" : g4(seconds * 1000) + "ms";
        }
        String sign = seconds < 0 ? "-" : "";
        double s = Math.abs(seconds);
        long days = (long) (s / 86_400);
        long hours = (long) (s / 3600) % 24;
        long minutes = (long) (s / 60) % 60;
        double secs = s % 60;
        StringBuilder b = new StringBuilder(sign);
        if (days > 0) {
            b.append(days).append("d ");
        }
        if (hours > 0) {
            b.append(hours).append("h ");
        }
        if (minutes > 0) {
            b.append(minutes).append("m ");
        }
        if (secs != 0 || b.length() == sign.length()) {
            b.append(g4(secs)).append("s");
        }
        return b.toString().trim();
    }
}
