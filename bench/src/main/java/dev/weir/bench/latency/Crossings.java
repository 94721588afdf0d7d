package dev.weir.bench.latency;

import java.util.function.IntPredicate;

/**
 * Where an incident's event sequence crosses a rule's threshold: the index (0-based) of the
 * <b>crossing event</b>, the first event after which the rule's condition holds over the events
 * so far. Incidents are short enough that all their events lie within the rule's window, so
 * "the events so far" is the window; these functions assume so.
 *
 * <p>Pure functions of the sequence, with the same arithmetic as Weir's rule engine
 * ({@code RuleEngine}): exact counts, nearest-rank quantiles.
 */
public final class Crossings {
    private Crossings() {
    }

    /**
     * A share rule ({@code error_ratio > percent%}, {@code min_events}).
     *
     * @param bad       whether event {@code i} counts as bad (e.g. answered 5xx)
     * @param percent   the share, in percent, that must be exceeded (strictly)
     * @param minEvents events the window must hold
     * @param limit     events to look at
     * @return the first index {@code i} such that more than {@code percent}% of events {@code 0..i} are bad and
     *         {@code i + 1 >= minEvents}; -1 when none of the first {@code limit} events crosses
     */
    public static int shareAbove(IntPredicate bad, int percent, int minEvents, int limit) {
        long bads = 0;
        for (int i = 0; i < limit; i++) {
            if (bad.test(i)) {
                bads++;
            }
            long n = i + 1L;
            if (n >= minEvents && bads * 100 > (long) percent * n) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A latency-quantile rule ({@code latency_quantile > threshold}, {@code quantile: q}, {@code min_events}) with
     * Weir's nearest-rank decision: the q-quantile of n samples is the k-th smallest, {@code k = ceil(q·n)}, and it is
     * above the threshold iff fewer than k samples are at or below it.
     *
     * @param above     whether event {@code i}'s duration is above the threshold
     * @param q         the quantile, in (0, 1)
     * @param minEvents events the window must hold
     * @param limit     events to look at
     * @return the first index at which the quantile of events {@code 0..i} is above the threshold with at least
     *         {@code minEvents} events; -1 when none of the first {@code limit} events crosses
     */
    public static int quantileAbove(IntPredicate above, double q, int minEvents, int limit) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("Invalid quantile " + q + ": must be in (0, 1)");
        }
        long atOrBelow = 0;
        for (int i = 0; i < limit; i++) {
            if (!above.test(i)) {
                atOrBelow++;
            }
            long n = i + 1L;
            long k = (long) Math.ceil(q * n);
            if (n >= minEvents && atOrBelow < k) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A count rule ({@code failed_logins > threshold}).
     *
     * @param counted   whether event {@code i} counts (e.g. is a failed login of the group)
     * @param threshold the count that must be exceeded (strictly)
     * @param limit     events to look at
     * @return the first index at which more than {@code threshold} of events {@code 0..i} count; -1 when none of the
     *         first {@code limit} events crosses
     */
    public static int countAbove(IntPredicate counted, long threshold, int limit) {
        long c = 0;
        for (int i = 0; i < limit; i++) {
            if (counted.test(i)) {
                c++;
            }
            if (c > threshold) {
                return i;
            }
        }
        return -1;
    }
}
