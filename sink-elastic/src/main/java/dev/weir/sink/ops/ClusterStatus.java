package dev.weir.sink.ops;

import dev.weir.common.ops.HealthCheck;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether the last bulk request reached Elasticsearch, for {@code /health/ready}. Thread-safe.
 */
public final class ClusterStatus implements HealthCheck {
    private final Clock clock;
    private volatile String error; // null while reachable
    private volatile Instant since;

    /** @param clock for the time of the last state change */
    public ClusterStatus(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.since = clock.instant();
    }

    /** A request succeeded. */
    public void up() {
        if (error != null) {
            error = null;
            since = clock.instant();
        }
    }

    /** A whole request failed. */
    public void down(String why) {
        if (error == null) {
            since = clock.instant();
        }
        error = why;
    }

    /** @return whether the last request reached the cluster */
    public boolean isUp() {
        return error == null;
    }

    @Override
    public Status check() {
        String e = error;
        return e == null ? Status.up("reachable") : Status.down("unreachable", e + " (since " + since + ")");
    }
}
