package dev.weir.processor.rules;

import dev.weir.schemas.LogLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The evaluation of one rule for one group, free of Kafka: which events count, how they update
 * the group's windows, what the value is at a time, and the Prometheus alert state machine
 * (inactive → pending → firing → resolved, with {@code for} and {@code keep_firing_for}).
 */
final class RuleEngine {
    private static final int TOTAL = 0;
    private static final int BAD = 1;
    private static final int LE = 1;
    private static final int LT = 2;
    /** Sums of sum metrics are kept in millionths, so that a ring of whole numbers holds them exactly enough. */
    static final double SUM_SCALE = 1e6;

    /** A change of alert state to publish. */
    enum Transition { NONE, FIRING, RESOLVED }

    /**
     * @param holds whether the condition holds
     * @param value the value ({@code NaN} for latency_quantile, which the caller computes from sketches)
     */
    record Evaluation(boolean holds, double value) {
    }

    private RuleEngine() {
    }

    /** @return whether the event counts for the rule (signal, filters and group labels) */
    static boolean accepts(Rule rule, RuleInput in) {
        Signal s = rule.signal();
        if ((in.probe() != null) != (s == Signal.PROBE_DOWN || s == Signal.BURN_RATE && rule.probeSli())) {
            return false; // a probe result is not the service's own log line, and only probe rules read probe results
        }
        boolean kind = switch (s) {
            case ERROR_RATIO, REQUEST_RATE -> in.request();
            case BURN_RATE -> rule.probeSli() || in.request() && (!rule.latencySli() || in.durationMs() != null);
            case PROBE_DOWN -> true;
            case LATENCY_QUANTILE -> in.request() && in.durationMs() != null;
            case LOG_RATE -> !in.request() && in.level() != null && in.level() != LogLevel.UNKNOWN
                    && in.level().ordinal() >= rule.level().ordinal();
            case FAILED_LOGINS -> in.failedLogin();
            case LOGIN_SPRAYING -> in.failedLogin() && in.userName() != null;
            case LOGIN_DISTINCT_IPS -> in.failedLogin() && in.sourceIp() != null;
            case LOGIN_SUCCESS_AFTER_FAILURES -> in.failedLogin() || in.successLogin();
            case ABSENCE -> true;
            case NEW_FINGERPRINT, ESCALATING_FINGERPRINT -> !in.request() && in.fingerprint() != null;
            case METRIC -> rule.metric().equals(in.metric());
        };
        if (!kind) {
            return false;
        }
        for (var m : rule.match().entrySet()) {
            if (!m.getValue().equals(in.label(m.getKey()))) {
                return false;
            }
        }
        for (String l : rule.groupBy()) {
            if (in.label(l) == null) {
                return false;
            }
        }
        return true;
    }

    /** @return a fresh state for a group of the rule */
    static GroupState newState(Rule rule, RuleInput in) {
        GroupState s = new GroupState();
        s.ruleVersion = rule.version();
        for (String l : rule.groupBy()) {
            s.labels.put(l, in.label(l));
        }
        s.rings.addAll(newRings(rule));
        return s;
    }

    static List<Ring> newRings(Rule rule) {
        long w = rule.window().toMillis();
        List<Ring> rings = new ArrayList<>();
        switch (rule.signal()) {
            case ERROR_RATIO -> rings.add(Ring.forWindow(w, 2));
            case REQUEST_RATE, LOG_RATE, FAILED_LOGINS, LOGIN_SPRAYING, LOGIN_DISTINCT_IPS, LOGIN_SUCCESS_AFTER_FAILURES ->
                    rings.add(Ring.forWindow(w, 1));
            case LATENCY_QUANTILE -> rings.add(Ring.forWindow(w, 3));
            case METRIC -> rings.add(Ring.forWindow(w, switch (rule.metricKind()) {
                case COUNT, DISTINCT -> 1;
                case SUM -> 2;
                case DISTRIBUTION -> 3;
            }));
            case BURN_RATE -> {
                for (long window : burnWindowsMs(rule)) {
                    rings.add(Ring.forWindow(window, 2));
                }
            }
            case ESCALATING_FINGERPRINT -> {
                rings.add(Ring.forWindow(w, 1));
                rings.add(Ring.forWindow(rule.baseline().toMillis(), 1));
            }
            default -> { }
        }
        return rings;
    }

    /**
     * Distinct windows of a burn-rate rule, in the order of its rings: long, short of each pair, in
     * order. An array, not a list of boxed longs: every evaluation of the rule looks its rings up here.
     */
    private static long[] burnWindowsMs(Rule rule) {
        long[] windows = new long[2 * rule.burnWindows().size()];
        int n = 0;
        for (BurnWindow b : rule.burnWindows()) {
            n = addDistinct(windows, n, b.longWindow().toMillis());
            n = addDistinct(windows, n, b.shortWindow().toMillis());
        }
        return n == windows.length ? windows : Arrays.copyOf(windows, n);
    }

    private static int addDistinct(long[] windows, int n, long window) {
        if (indexOf(windows, n, window) >= 0) {
            return n;
        }
        windows[n] = window;
        return n + 1;
    }

    private static int indexOf(long[] windows, int n, long window) {
        for (int i = 0; i < n; i++) {
            if (windows[i] == window) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param signal a signal
     * @return the label whose distinct values the signal counts per group ({@code user_name} for login_spraying,
     *         {@code source_ip} for login_distinct_ips), or null
     */
    static String distinctLabel(Signal signal) {
        return switch (signal) {
            case LOGIN_SPRAYING -> "user_name";
            case LOGIN_DISTINCT_IPS -> "source_ip";
            default -> null;
        };
    }

    /** @return whether the event is an offending one, worth an exemplar */
    static boolean offending(Rule rule, RuleInput in) {
        return switch (rule.signal()) {
            case ERROR_RATIO -> in.status() >= 500;
            case BURN_RATE -> bad(rule, in);
            case LATENCY_QUANTILE -> in.durationMs() / 1000 > rule.threshold();
            case METRIC -> rule.metricKind() != LogMetric.Kind.DISTRIBUTION || rule.op().test(in.value(), rule.threshold());
            case ABSENCE -> false;
            case PROBE_DOWN -> !in.probeUp();
            default -> true;
        };
    }

    private static boolean bad(Rule rule, RuleInput in) {
        if (rule.probeSli()) {
            return !in.probeUp();
        }
        return rule.latencySli() ? in.durationMs() > rule.sliLatencyMs() : in.status() >= 500;
    }

    /**
     * Adds the event to the group's windows.
     *
     * @param evicted told the latency sketch buckets that left the window (latency_quantile only)
     */
    static void record(Rule rule, GroupState s, RuleInput in, LongConsumer evicted) {
        long t = in.timestamp();
        switch (rule.signal()) {
            case ERROR_RATIO -> s.rings.get(0).add(t, new long[] {1, in.status() >= 500 ? 1 : 0}, null);
            case REQUEST_RATE -> s.rings.get(0).add(t, new long[] {1}, null);
            case LOG_RATE, FAILED_LOGINS -> s.rings.get(0).add(t, new long[] {in.count()}, null);
            case LOGIN_SPRAYING, LOGIN_DISTINCT_IPS -> {
                s.rings.get(0).add(t, new long[] {in.count()}, null);
                s.seeDistinct(in.label(distinctLabel(rule.signal())), t, rule.window().toMillis());
            }
            case LOGIN_SUCCESS_AFTER_FAILURES -> {
                if (in.failedLogin()) {
                    s.rings.get(0).add(t, new long[] {in.count()}, null);
                } else {
                    long before = s.rings.get(0).sum(Math.max(t, s.lastEventTime), TOTAL);
                    if (rule.op().test(before, rule.threshold())) {
                        // the success that followed enough failures: the condition holds for a window from here
                        s.firstSeen = Math.max(t, s.lastEventTime);
                        s.occurrences = before;
                    }
                }
            }
            case LATENCY_QUANTILE -> {
                double seconds = in.durationMs() / 1000;
                s.rings.get(0).add(t, new long[] {1, seconds <= rule.threshold() ? 1 : 0, seconds < rule.threshold() ? 1 : 0},
                        evicted);
            }
            case BURN_RATE -> {
                long[] d = {1, bad(rule, in) ? 1 : 0};
                for (Ring r : s.rings) {
                    r.add(t, d, null);
                }
            }
            case ESCALATING_FINGERPRINT -> {
                s.rings.get(0).add(t, new long[] {in.count()}, null);
                s.rings.get(1).add(t, new long[] {in.count()}, null);
            }
            case NEW_FINGERPRINT -> {
                long now = Math.max(t, s.lastEventTime);
                if (s.firstSeen == Long.MIN_VALUE || now - s.lastEventTime > rule.lookback().toMillis()) {
                    s.firstSeen = now;
                    s.occurrences = 0;
                }
                s.occurrences += in.count();
            }
            case PROBE_DOWN -> s.occurrences = in.probeUp() ? 0 : s.occurrences + 1;
            case ABSENCE -> { }
            case METRIC -> {
                Ring r = s.rings.get(0);
                switch (rule.metricKind()) {
                    case COUNT -> r.add(t, new long[] {in.count()}, null);
                    case SUM -> r.add(t, new long[] {in.count(), Math.round(in.value() * in.count() * SUM_SCALE)}, null);
                    case DISTINCT -> r.add(t, new long[] {in.count()}, evicted);
                    case DISTRIBUTION -> r.add(t, new long[] {in.count(), in.value() <= rule.threshold() ? in.count() : 0,
                            in.value() < rule.threshold() ? in.count() : 0}, evicted);
                }
            }
        }
        if (offending(rule, in)) {
            s.exemplar(in.id(), in.traceId());
        }
    }

    /**
     * @param now  evaluation time: event time (wall time for absence)
     * @param wall wall-clock time, for absence
     * @return the condition and value at {@code now}
     */
    static Evaluation evaluate(Rule rule, GroupState s, long now, long wall) {
        double windowSeconds = rule.window().toMillis() / 1000.0;
        double thr = rule.threshold();
        switch (rule.signal()) {
            case ERROR_RATIO -> {
                long total = s.rings.get(0).sum(now, TOTAL);
                long errors = s.rings.get(0).sum(now, BAD);
                double v = total == 0 ? 0 : (double) errors / total;
                return new Evaluation(total > 0 && total >= rule.minEvents() && rule.op().test(v, thr), v);
            }
            case REQUEST_RATE, LOG_RATE -> {
                long count = s.rings.get(0).sum(now, TOTAL);
                double v = count / windowSeconds;
                return new Evaluation(count >= rule.minEvents() && rule.op().test(v, thr), v);
            }
            case FAILED_LOGINS -> {
                long count = s.rings.get(0).sum(now, TOTAL);
                return new Evaluation(count >= rule.minEvents() && rule.op().test(count, thr), count);
            }
            case LOGIN_SPRAYING, LOGIN_DISTINCT_IPS -> {
                long failures = s.rings.get(0).sum(now, TOTAL);
                int distinct = s.distinctSince(now - rule.window().toMillis());
                return new Evaluation(failures > 0 && failures >= rule.minEvents() && rule.op().test(distinct, thr), distinct);
            }
            case LOGIN_SUCCESS_AFTER_FAILURES -> {
                boolean holds = s.firstSeen != Long.MIN_VALUE && now - s.firstSeen < rule.window().toMillis();
                return new Evaluation(holds, s.occurrences);
            }
            case LATENCY_QUANTILE -> {
                return quantileCrossing(rule, s.rings.get(0), now);
            }
            case METRIC -> {
                Ring r = s.rings.get(0);
                long count = r.sum(now, TOTAL);
                double v = switch (rule.metricKind()) {
                    case COUNT -> count;
                    case SUM -> r.sum(now, 1) / SUM_SCALE;
                    case DISTINCT -> count == 0 ? 0 : s.unionEstimate;
                    case DISTRIBUTION -> Double.NaN;
                };
                if (rule.metricKind() == LogMetric.Kind.DISTRIBUTION) {
                    return quantileCrossing(rule, r, now);
                }
                return new Evaluation(count >= rule.minEvents() && rule.op().test(v, thr), v);
            }
            case ABSENCE -> {
                double silent = Math.max(0, wall - s.lastEventWall) / 1000.0;
                return new Evaluation(rule.op().test(silent, thr), silent);
            }
            case BURN_RATE -> {
                long[] windows = burnWindowsMs(rule);
                double budget = 1 - rule.objective();
                boolean holds = false;
                double holding = 0;
                double any = 0;
                for (BurnWindow b : rule.burnWindows()) {
                    Ring lr = s.rings.get(indexOf(windows, windows.length, b.longWindow().toMillis()));
                    Ring sr = s.rings.get(indexOf(windows, windows.length, b.shortWindow().toMillis()));
                    long lt = lr.sum(now, TOTAL);
                    long st = sr.sum(now, TOTAL);
                    long lbad = lr.sum(now, BAD);
                    long sbad = sr.sum(now, BAD);
                    double lb = lt == 0 ? 0 : (double) lbad / lt / budget;
                    boolean pair = lt > 0 && st > 0 && lt >= rule.minEvents()
                            && burnsFaster(lbad, lt, rule.objective(), b.factor()) && burnsFaster(sbad, st, rule.objective(), b.factor());
                    if (pair) {
                        holding = Math.max(holding, lb);
                    }
                    any = Math.max(any, lb);
                    holds |= pair;
                }
                double value = holds ? holding : any;
                return new Evaluation(holds, value);
            }
            case NEW_FINGERPRINT -> {
                boolean holds = s.firstSeen != Long.MIN_VALUE && now - s.firstSeen < rule.window().toMillis();
                return new Evaluation(holds, s.occurrences);
            }
            case PROBE_DOWN -> {
                return new Evaluation(rule.op().test(s.occurrences, thr), s.occurrences);
            }
            case ESCALATING_FINGERPRINT -> {
                long current = s.rings.get(0).sum(now, TOTAL);
                long base = s.rings.get(1).sum(now, TOTAL);
                double w = rule.window().toMillis();
                double expected = Math.max(1.0, Math.max(0, base - current) * w / (rule.baseline().toMillis() - w));
                double v = current / expected;
                return new Evaluation(current >= rule.minEvents() && rule.op().test(v, thr), v);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * Whether the quantile of the samples in a ring of [total, at most threshold, below threshold] crosses the threshold.
     * Nearest rank: the quantile is the k-th smallest sample. Exact against the threshold, so the alert fires on the
     * very sample that moves the quantile across it. The value is left to the caller, which computes it from sketches.
     */
    private static Evaluation quantileCrossing(Rule rule, Ring r, long now) {
        long total = r.sum(now, TOTAL);
        if (total == 0 || total < rule.minEvents()) {
            return new Evaluation(false, Double.NaN);
        }
        long k = (long) Math.ceil(rule.quantile() * total);
        long le = r.sum(now, LE);
        long lt = r.sum(now, LT);
        boolean holds = switch (rule.op()) {
            case GT -> le < k;
            case GE -> lt < k;
            case LT -> lt >= k;
            case LE -> le >= k;
        };
        return new Evaluation(holds, Double.NaN);
    }

    /**
     * Whether {@code bad} of {@code total} events burn an error budget of {@code 1 - objective} faster than
     * {@code factor} times, decided exactly: a burn of exactly the factor (144 bad of 10 000 at 14.4x a 99.9 %
     * objective) does not count, whatever binary doubles make of 0.0144 / 0.001.
     *
     * @param bad       bad events in the window
     * @param total     all events in the window
     * @param objective the SLO objective, e.g. 0.999
     * @param factor    the burn-rate threshold, e.g. 14.4
     * @return whether bad / total &gt; factor × (1 − objective)
     */
    static boolean burnsFaster(long bad, long total, double objective, double factor) {
        if (total <= 0) {
            return false;
        }
        double burn = (double) bad / total / (1 - objective);
        if (Math.abs(burn - factor) > 1e-9 * factor) {
            return burn > factor;
        }
        java.math.BigDecimal allowed = java.math.BigDecimal.valueOf(factor)
                .multiply(java.math.BigDecimal.ONE.subtract(java.math.BigDecimal.valueOf(objective)))
                .multiply(java.math.BigDecimal.valueOf(total));
        return java.math.BigDecimal.valueOf(bad).compareTo(allowed) > 0;
    }

    /**
     * Moves the alert state machine to {@code now}.
     *
     * @return the state change to publish, if any
     */
    static Transition step(Rule rule, GroupState s, long now, Evaluation e) {
        if (!Double.isNaN(e.value())) {
            s.lastValue = e.value();
        }
        switch (s.status) {
            case INACTIVE -> {
                if (e.holds()) {
                    s.activeAt = now;
                    s.lastTrueAt = now;
                    if (rule.forDuration().isZero()) {
                        return fire(s, now);
                    }
                    s.status = GroupState.Status.PENDING;
                }
                return Transition.NONE;
            }
            case PENDING -> {
                if (!e.holds()) {
                    s.status = GroupState.Status.INACTIVE;
                    return Transition.NONE;
                }
                s.lastTrueAt = now;
                return now - s.activeAt >= rule.forDuration().toMillis() ? fire(s, now) : Transition.NONE;
            }
            default -> {
                if (e.holds()) {
                    s.lastTrueAt = now;
                    return Transition.NONE;
                }
                if (now - s.lastTrueAt >= rule.keepFiringFor().toMillis()) {
                    s.status = GroupState.Status.INACTIVE;
                    return Transition.RESOLVED;
                }
                return Transition.NONE;
            }
        }
    }

    private static Transition fire(GroupState s, long now) {
        s.status = GroupState.Status.FIRING;
        s.startsAt = now;
        return Transition.FIRING;
    }
}
