package dev.weir.processor.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * One service-level objective, as declared under {@code slos:} in a rule file and validated by
 * {@link RuleSet}. Immutable. The processor keeps its good and total events in bounded buckets
 * ({@code dev.weir.processor.slo}); its multi-window burn-rate alerts are rules derived from it
 * ({@link RuleSet#rules()} holds them, named {@code ErrorBudgetBurnFast:NAME} and {@code ErrorBudgetBurnSlow:NAME}).
 *
 * @param name          unique name, e.g. {@code checkout-availability}; the {@code slo} label of its alerts and metrics
 * @param file          the file it came from
 * @param service       the service whose requests (or probe results) count; null for a probe SLI without one
 * @param probe         probe SLI: the probe's name, else null
 * @param sli           what a good event is
 * @param thresholdMs   latency SLI: a request is good when it took at most this long
 * @param objective     the share of good events promised, e.g. 0.999
 * @param window        rolling window of the error budget (ignored with {@code calendarMonth})
 * @param calendarMonth whether the budget is per calendar month (UTC) instead of rolling
 * @param publicSlo     whether its service shows on the public status page and its alerts are public incidents
 * @param minEvents     events the long window must hold before a burn-rate alert can fire
 * @param alerts        whether burn-rate alerts are derived from it
 * @param version       a hash of what decides which events count and how; counts kept under another version are reset
 */
public record Slo(String name, String file, String service, String probe, Sli sli, double thresholdMs, double objective,
                  Duration window, boolean calendarMonth, boolean publicSlo, long minEvents, boolean alerts, long version) {
    /** The page pairs of the SRE workbook: 2 % of a 30-day budget in an hour, or 5 % in six hours. */
    public static final java.util.List<BurnWindow> PAGE = java.util.List.of(
            new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4), new BurnWindow(Duration.ofHours(6), Duration.ofMinutes(30), 6));
    /** The ticket pairs of the SRE workbook: 10 % of a 30-day budget in a day, or all of it in three days. */
    public static final java.util.List<BurnWindow> TICKET = java.util.List.of(
            new BurnWindow(Duration.ofDays(1), Duration.ofHours(2), 3), new BurnWindow(Duration.ofDays(3), Duration.ofHours(6), 1));

    /** What a good event is. */
    public enum Sli {
        /** A request not answered 5xx. */
        AVAILABILITY,
        /** A request served within the threshold. */
        LATENCY,
        /** A probe run that found its target up. */
        PROBE
    }

    public Slo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sli, "sli");
        Objects.requireNonNull(window, "window");
    }

    /** @return the error budget: the share of events that may be bad, {@code 1 - objective} */
    public double budget() {
        return 1 - objective;
    }

    /** @return whether the event counts toward this SLO */
    public boolean counts(RuleInput in) {
        if (service != null && !service.equals(in.service())) {
            return false;
        }
        return switch (sli) {
            case PROBE -> probe.equals(in.probe());
            case AVAILABILITY -> in.request();
            case LATENCY -> in.request() && in.durationMs() != null;
        };
    }

    /** @return whether a counted event is good */
    public boolean good(RuleInput in) {
        return switch (sli) {
            case PROBE -> in.probeUp();
            case AVAILABILITY -> in.status() < 500;
            case LATENCY -> in.durationMs() <= thresholdMs;
        };
    }
}
