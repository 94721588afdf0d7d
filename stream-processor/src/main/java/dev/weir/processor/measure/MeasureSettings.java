package dev.weir.processor.measure;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the measuring stage. Immutable; validated on construction.
 *
 * @param window              size of the tumbling event-time windows of error rates and latency (default 1 minute)
 * @param grace               how long after a window's end late events are still counted into it (default 30 s);
 *                            a window's final result is emitted once the event-time clock passes end + grace
 * @param retention           how long closed windows stay queryable in the state stores (default 2 h);
 *                            at least 1 h + window + grace, so that the 1-hour view can be merged
 * @param relativeAccuracy    relative accuracy of the latency sketches (default 0.01 = 1%)
 * @param maxServices         distinct services tracked per task before new ones go to the overflow bucket (default 500)
 * @param maxRoutesPerService distinct routes tracked per service before new ones go to the overflow bucket (default 200)
 * @param cardinalityIdle     a service or route not seen for this long (event time) frees its slot (default 1 h)
 * @param loginWindow         size of the tumbling login-burst windows (default 5 minutes)
 * @param sourceMinFailures   failures from one source IP in a login window that emit a BY_SOURCE window (default 5)
 * @param sprayingMinUsers    distinct users failing from one source IP in a login window that emit SPRAYING (default 10)
 * @param userMinDistinctIps  distinct source IPs failing for one user in a login window that emit BY_USER_DISTINCT_IPS (default 3)
 * @param successAfterFailuresMin failures from a source IP within the last login window before a success from it
 *                            that emit SUCCESS_AFTER_FAILURES at once (default 5)
 * @param distinctCap         distinct users / IPs remembered per login window and key (default 100); counts above
 *                            it are lower bounds
 * @param sampleSize          user names and event ids kept per login window as samples and exemplars (default 5)
 * @param sourceWait          how long (wall time) one of a task's inputs that has gone quiet still holds back the
 *                            clock that closes error and latency windows (default 5 s; 0 closes on the highest event
 *                            time seen, whichever input it came from; see {@link WindowCloser})
 */
public record MeasureSettings(
        Duration window,
        Duration grace,
        Duration retention,
        double relativeAccuracy,
        int maxServices,
        int maxRoutesPerService,
        Duration cardinalityIdle,
        Duration loginWindow,
        int sourceMinFailures,
        int sprayingMinUsers,
        int userMinDistinctIps,
        int successAfterFailuresMin,
        int distinctCap,
        int sampleSize,
        Duration sourceWait) {

    /** The longest rolling view served from merged windows. */
    public static final Duration LONGEST_VIEW = Duration.ofHours(1);

    public MeasureSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(cardinalityIdle, "cardinalityIdle");
        Objects.requireNonNull(loginWindow, "loginWindow");
        Objects.requireNonNull(sourceWait, "sourceWait");
        positive(window, "processor.measure.window");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + grace + " for processor.measure.grace: must not be negative");
        }
        if (Duration.ofHours(1).toMillis() % window.toMillis() != 0) {
            throw new IllegalArgumentException("Invalid value " + window + " for processor.measure.window: "
                    + "must divide one hour evenly (e.g. 1m, 30s), so that the 5m/15m/1h views are whole windows");
        }
        Duration minRetention = LONGEST_VIEW.plus(window).plus(grace).plus(loginWindow);
        if (retention.compareTo(minRetention) < 0) {
            throw new IllegalArgumentException("Invalid value " + retention + " for processor.measure.retention: must be at least "
                    + minRetention + " (1h view + window + grace + login window)");
        }
        if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
            throw new IllegalArgumentException("Invalid value " + relativeAccuracy
                    + " for processor.measure.relative-accuracy: must be between 0 and 1 exclusive, e.g. 0.01");
        }
        atLeastOne(maxServices, "processor.measure.max-services");
        atLeastOne(maxRoutesPerService, "processor.measure.max-routes-per-service");
        positive(cardinalityIdle, "processor.measure.cardinality-idle");
        positive(loginWindow, "processor.measure.logins.window");
        atLeastOne(sourceMinFailures, "processor.measure.logins.source-min-failures");
        atLeastOne(sprayingMinUsers, "processor.measure.logins.spraying-min-users");
        atLeastOne(userMinDistinctIps, "processor.measure.logins.user-min-distinct-ips");
        atLeastOne(successAfterFailuresMin, "processor.measure.logins.success-after-failures-min");
        atLeastOne(distinctCap, "processor.measure.logins.distinct-cap");
        if (sampleSize < 0) {
            throw new IllegalArgumentException("Invalid value " + sampleSize + " for processor.measure.logins.sample-size: must not be negative");
        }
        if (sourceWait.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + sourceWait + " for processor.measure.source-wait: must not be negative");
        }
        if (distinctCap < sprayingMinUsers || distinctCap < userMinDistinctIps) {
            throw new IllegalArgumentException("Invalid value " + distinctCap + " for processor.measure.logins.distinct-cap: "
                    + "must be at least spraying-min-users (" + sprayingMinUsers + ") and user-min-distinct-ips ("
                    + userMinDistinctIps + "), or those detectors could never fire");
        }
    }

    /** @return the defaults documented on each component */
    public static MeasureSettings defaults() {
        return new MeasureSettings(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofHours(2), 0.01,
                500, 200, Duration.ofHours(1), Duration.ofMinutes(5), 5, 10, 3, 5, 100, 5, Duration.ofSeconds(5));
    }

    /** @return a copy with another grace period */
    public MeasureSettings withGrace(Duration newGrace) {
        return new MeasureSettings(window, newGrace, retention, relativeAccuracy, maxServices, maxRoutesPerService,
                cardinalityIdle, loginWindow, sourceMinFailures, sprayingMinUsers, userMinDistinctIps,
                successAfterFailuresMin, distinctCap, sampleSize, sourceWait);
    }

    /** @return a copy with other cardinality caps */
    public MeasureSettings withCaps(int newMaxServices, int newMaxRoutesPerService) {
        return new MeasureSettings(window, grace, retention, relativeAccuracy, newMaxServices, newMaxRoutesPerService,
                cardinalityIdle, loginWindow, sourceMinFailures, sprayingMinUsers, userMinDistinctIps,
                successAfterFailuresMin, distinctCap, sampleSize, sourceWait);
    }

    /** @return a copy with another source wait */
    public MeasureSettings withSourceWait(Duration newSourceWait) {
        return new MeasureSettings(window, grace, retention, relativeAccuracy, maxServices, maxRoutesPerService,
                cardinalityIdle, loginWindow, sourceMinFailures, sprayingMinUsers, userMinDistinctIps,
                successAfterFailuresMin, distinctCap, sampleSize, newSourceWait);
    }

    private static void positive(Duration d, String key) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("Invalid value " + d + " for " + key + ": must be positive");
        }
    }

    private static void atLeastOne(int v, String key) {
        if (v < 1) {
            throw new IllegalArgumentException("Invalid value " + v + " for " + key + ": must be at least 1");
        }
    }
}
