package dev.weir.processor.rules;

import dev.weir.schemas.LogLevel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One validated alert rule, as read from a rule file by {@link RuleSet}. Immutable.
 *
 * @param name           the rule name ({@code alert:} in the file), unique in a rule set; the {@code alertname} label
 * @param file           the file the rule came from
 * @param signal         what is measured
 * @param groupBy        labels an alert is kept per; always contains {@code service}
 * @param match          label → value every counted event must have (e.g. {@code route: /checkout})
 * @param window         sliding window the value is computed over (60 buckets, see README)
 * @param op             comparison of value with threshold
 * @param threshold      threshold in the unit of the value (ratio 0..1, per second, seconds, count)
 * @param forDuration    how long the condition must hold before the alert fires (0 = on the crossing event)
 * @param keepFiringFor  how long a firing alert stays firing after the condition stopped holding
 * @param minEvents      events the window must hold before the condition can hold
 * @param severity       e.g. critical, warning, page, ticket
 * @param labels         extra labels of the alert
 * @param annotations    summary, description, runbook_url, … as templates
 * @param quantile       latency_quantile: the quantile, 0 &lt; q &lt; 1
 * @param level          log_rate: the lowest level counted
 * @param objective      burn_rate: the SLO objective, e.g. 0.999
 * @param latencySli     burn_rate: {@code true} for a latency SLI (bad = slower than {@code sliLatencyMs}), false for availability (bad = 5xx)
 * @param sliLatencyMs   burn_rate with a latency SLI: the latency bound in milliseconds
 * @param burnWindows    burn_rate: the window pairs; the rule holds when any pair holds
 * @param lookback       new_fingerprint: how long a fingerprint must have been unseen to count as new
 * @param baseline       escalating_fingerprint: the period the usual rate is taken over
 * @param maxGroups      at most this many groups are tracked per rule and partition; events of further groups are not evaluated
 * @param version        a hash of the definition; state built under another version is reset
 * @param probeSli       burn_rate: the SLI is probe success (bad = a failed probe run)
 * @param publicAlert    whether its alerts are shown as incidents on the public status page
 * @param metric         metric: the log metric's name, else null
 * @param metricKind     metric: what the log metric measures (decides the value: count, sum, quantile or distinct
 *                       values in the window), else null
 */
public record Rule(String name, String file, Signal signal, List<String> groupBy, Map<String, String> match,
                   Duration window, Comparison op, double threshold, Duration forDuration, Duration keepFiringFor,
                   long minEvents, String severity, Map<String, String> labels, Map<String, String> annotations,
                   double quantile, LogLevel level, double objective, boolean latencySli, double sliLatencyMs,
                   List<BurnWindow> burnWindows, Duration lookback, Duration baseline, int maxGroups, long version,
                   boolean probeSli, boolean publicAlert, String metric, LogMetric.Kind metricKind) {

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(signal, "signal");
        groupBy = List.copyOf(groupBy);
        match = Map.copyOf(match);
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(forDuration, "forDuration");
        Objects.requireNonNull(keepFiringFor, "keepFiringFor");
        Objects.requireNonNull(severity, "severity");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        burnWindows = List.copyOf(burnWindows);
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(baseline, "baseline");
    }

    /** @return how long state of an idle group is kept: long enough for every window the rule looks at */
    public Duration retention() {
        Duration longest = window;
        for (BurnWindow w : burnWindows) {
            longest = max(longest, w.longWindow());
        }
        if (signal == Signal.NEW_FINGERPRINT || signal == Signal.PROBE_DOWN || holdsWhenEmpty()) {
            longest = max(longest, lookback);
        }
        if (signal == Signal.ESCALATING_FINGERPRINT) {
            longest = max(longest, baseline);
        }
        return longest.plus(forDuration).plus(keepFiringFor);
    }

    /** @return a copy with another version */
    Rule withVersion(long v) {
        return new Rule(name, file, signal, groupBy, match, window, op, threshold, forDuration, keepFiringFor, minEvents, severity,
                labels, annotations, quantile, level, objective, latencySli, sliLatencyMs, burnWindows, lookback, baseline, maxGroups,
                v, probeSli, publicAlert, metric, metricKind);
    }

    /** @return a copy reading a log metric of this kind (resolved once every file is read) */
    Rule withMetricKind(LogMetric.Kind kind) {
        return new Rule(name, file, signal, groupBy, match, window, op, threshold, forDuration, keepFiringFor, minEvents, severity,
                labels, annotations, quantile, level, objective, latencySli, sliLatencyMs, burnWindows, lookback, baseline, maxGroups,
                version, probeSli, publicAlert, metric, kind);
    }

    /**
     * @return whether the condition holds on an empty window (a metric rule such as {@code < 1}: "signups stopped"); the
     *         group is then kept for {@code lookback} of silence, as an absence rule's, rather than dropped (and its alert
     *         resolved) once its window has emptied
     */
    public boolean holdsWhenEmpty() {
        return signal == Signal.METRIC && metricKind != LogMetric.Kind.DISTRIBUTION && minEvents == 0 && op.test(0, threshold);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
