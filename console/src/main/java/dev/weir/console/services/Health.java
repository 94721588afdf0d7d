package dev.weir.console.services;

/**
 * A service's health colour, from its last 5 minutes and its firing alerts, with the default rule
 * pack's thresholds: error ratio above 5 % or p95 above 2 s, or a firing critical alert, is
 * critical; above 2 % or 1 s, or any firing alert, is a warning; no requests is idle.
 */
public enum Health {
    CRITICAL, WARNING, OK, IDLE;

    /** @return the CSS class and label: {@code critical}, {@code warning}, {@code ok}, {@code idle} */
    public String css() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param fiveMinutes the service's 5m view
     * @param firing      firing alerts of the service
     * @param critical    whether one of them has severity critical
     * @return the colour
     */
    public static Health of(View fiveMinutes, int firing, boolean critical) {
        double p95 = fiveMinutes.p95() == null ? 0 : fiveMinutes.p95();
        if (critical || fiveMinutes.errorRatio() > 0.05 || p95 > 2000) {
            return CRITICAL;
        }
        if (firing > 0 || fiveMinutes.errorRatio() > 0.02 || p95 > 1000) {
            return WARNING;
        }
        return fiveMinutes.requests() == 0 && fiveMinutes.logs() == 0 ? IDLE : OK;
    }
}
