package dev.weir.bench.latency;

/**
 * The incidents the alert-latency benchmark injects. Each is a fresh service ({@code inc-NNNN}) sending one event every
 * {@link AlertLatencyBench#INCIDENT_INTERVAL}; {@link #bad(int)} says whether event {@code i} is one of the incident's
 * bad events (5xx, slow, failed login), {@link #crossingIndex()} which event crosses the rule on both sides.
 */
public enum IncidentKind {
    /** {@value #HEALTHY} requests answered 200, then only 500s; rule: 5xx share over 30 s above 50 %, at least 20 events. */
    ERROR_SPIKE("error spike", "HighErrorRate"),
    /**
     * {@value #HEALTHY} fast requests (20–50 ms), then only slow ones ({@value #SLOW_MS} ms), all answered 200; rule: p95
     * over 30 s above {@value #LATENCY_THRESHOLD_SECONDS} s, at least 20 events.
     */
    LATENCY_REGRESSION("latency regression", "HighLatencyP95"),
    /** Only failed logins (ECS authentication log events) from one fresh source IP; rule: more than 10 in 1 minute. */
    LOGIN_BURST("login burst", "FailedLoginBurst");

    /** Healthy events before an error spike or a latency regression starts. */
    public static final int HEALTHY = 50;
    /** Duration of a slow request of a latency regression. */
    public static final int SLOW_MS = 3000;
    /** The latency rule's threshold. */
    public static final int LATENCY_THRESHOLD_SECONDS = 2;
    /** The latency rule's quantile. */
    public static final double QUANTILE = 0.95;
    /** The error-ratio rule's threshold, percent of requests. */
    public static final int ERROR_PERCENT = 50;
    /** The failed-login rule's threshold (fires above it). */
    public static final int LOGIN_THRESHOLD = 10;
    /** min_events of the error-ratio and latency rules. */
    public static final int MIN_EVENTS = 20;

    private final String label;
    private final String alertName;
    private final int crossing;

    IncidentKind(String label, String alertName) {
        this.label = label;
        this.alertName = alertName;
        this.crossing = switch (ordinal()) {
            case 0 -> Crossings.shareAbove(this::badOf, ERROR_PERCENT, MIN_EVENTS, 10_000);
            case 1 -> Crossings.quantileAbove(this::badOf, QUANTILE, MIN_EVENTS, 10_000);
            default -> Crossings.countAbove(this::badOf, LOGIN_THRESHOLD, 10_000);
        };
    }

    private boolean badOf(int i) {
        return ordinal() == 2 || i >= HEALTHY;
    }

    /** @return the kind of the {@code k}-th incident (0-based): the kinds take turns */
    public static IncidentKind of(int k) {
        return values()[Math.floorMod(k, values().length)];
    }

    /**
     * @param i index of an event of the incident, 0-based
     * @return whether it is a bad one (a 500, a slow request, a failed login)
     */
    public boolean bad(int i) {
        return badOf(i);
    }

    /** @return index (0-based) of the crossing event */
    public int crossingIndex() {
        return crossing;
    }

    /** @return e.g. "latency regression" */
    public String label() {
        return label;
    }

    /** @return the alert's name on both sides */
    public String alertName() {
        return alertName;
    }
}
