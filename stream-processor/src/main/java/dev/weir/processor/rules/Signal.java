package dev.weir.processor.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a rule measures. The YAML name is the lower-case constant name, e.g. {@code error_ratio}. */
public enum Signal {
    /** Share of requests answered 5xx in the window (0..1). */
    ERROR_RATIO,
    /** Requests per second in the window. */
    REQUEST_RATE,
    /** A quantile of request durations in the window, in seconds. */
    LATENCY_QUANTILE,
    /** Log events at or above a level per second in the window. */
    LOG_RATE,
    /** Failed logins in the window (requests to a login route answered 401/403, authentication failures in logs). */
    FAILED_LOGINS,
    /** Distinct users whose logins failed in the window (password spraying: grouped by source IP). */
    LOGIN_SPRAYING,
    /** Distinct source IPs whose logins failed in the window (one user attacked from many sources: grouped by user). */
    LOGIN_DISTINCT_IPS,
    /** Failed logins in the window before a successful one (grouped by source IP); holds for a window after that success. */
    LOGIN_SUCCESS_AFTER_FAILURES,
    /** Seconds since the group's last event, on the wall clock. */
    ABSENCE,
    /** SLO error-budget burn rate over pairs of windows (multi-window, multi-burn-rate). */
    BURN_RATE,
    /** An error fingerprint not seen in the lookback period. */
    NEW_FINGERPRINT,
    /** An error fingerprint occurring at k times its usual rate. */
    ESCALATING_FINGERPRINT,
    /** Consecutive failed runs of a health probe (0 while it is up). */
    PROBE_DOWN,
    /** A log metric over the window: its count, sum, quantile or distinct values (see {@link LogMetric.Kind}). */
    METRIC;

    /** @return the name used in rule files */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Signal parse(String text) {
        for (Signal s : values()) {
            if (s.yamlName().equals(text)) {
                return s;
            }
        }
        return null;
    }

    static String choices() {
        return Arrays.stream(values()).map(Signal::yamlName).collect(Collectors.joining(", "));
    }

    /** @return whether request events feed this signal */
    boolean readsRequests() {
        return this != LOG_RATE && this != NEW_FINGERPRINT && this != ESCALATING_FINGERPRINT && this != PROBE_DOWN && this != METRIC;
    }

    /** @return whether log events feed this signal */
    boolean readsLogs() {
        return this == LOG_RATE || this == FAILED_LOGINS || this == ABSENCE || this == NEW_FINGERPRINT
                || this == ESCALATING_FINGERPRINT || this == PROBE_DOWN || this == BURN_RATE || isLogin();
    }

    /** @return whether this signal reads login attempts and a second label's distinct values or successes */
    boolean isLogin() {
        return this == LOGIN_SPRAYING || this == LOGIN_DISTINCT_IPS || this == LOGIN_SUCCESS_AFTER_FAILURES;
    }
}
