package dev.weir.processor.rules;

import dev.weir.common.humanize.Humanize;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The annotation templates of rules: the subset of Prometheus' alert templating that rule
 * authors use, {@code {{ $value }}}, {@code {{ $threshold }}}, {@code {{ $labels.service }}},
 * each optionally piped through {@code humanize}, {@code humanizePercentage} or
 * {@code humanizeDuration}, e.g. {@code Error rate is {{ $value | humanizePercentage }}}. The functions
 * are common's {@link Humanize}, which the alert emitter's templates call too.
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
                    case "humanizePercentage" -> Humanize.humanizePercentage(v);
                    case "humanizeDuration" -> Humanize.humanizeDuration(v);
                    default -> Humanize.humanize(v);
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
}
