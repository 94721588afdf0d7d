package dev.weir.processor.measure;

/**
 * Receives every measured event as the topology processes it, e.g. to feed Prometheus counters.
 * Called on stream threads: implementations must be thread-safe and fast. Calls are not
 * transactional: after a crash, records processed again under exactly-once are reported again.
 */
public interface MeasureListener {
    /** A listener that ignores everything. */
    MeasureListener NONE = new MeasureListener() {
    };

    /**
     * A request event, after the cardinality cap.
     *
     * @param service    capped service
     * @param method     HTTP method, upper case
     * @param route      capped templated route
     * @param status     HTTP status
     * @param durationMs duration, or {@code null} when unknown
     */
    default void request(String service, String method, String route, int status, Double durationMs) {
    }

    /**
     * A log event, after the cardinality cap.
     *
     * @param service  capped service
     * @param errorLog whether its level is ERROR or FATAL
     * @param count    occurrences it stands for (its {@code count}, 1 but for repeated syslog lines)
     */
    default void log(String service, boolean errorLog, long count) {
    }

    /**
     * An event that arrived after its window had closed (beyond the grace period).
     *
     * @param measure {@code errors}, {@code latency}, {@code logins_by_source} or {@code logins_by_user}
     */
    default void lateEvent(String measure) {
    }

    /**
     * A login attempt.
     *
     * @param service service (uncapped, but login services are few)
     * @param success whether it succeeded
     * @param count   attempts it stands for (a repeated syslog line's count)
     */
    default void loginAttempt(String service, boolean success, long count) {
    }

    /**
     * An event whose service or route went to the overflow bucket.
     *
     * @param label {@code service} or {@code route}
     */
    default void overflow(String label) {
    }
}
