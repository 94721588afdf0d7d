package dev.weir.stack;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand: it stands still until {@link #advance(Duration)} or {@link #set(Instant)} moves it.
 * Thread-safe: the code under test may read it from its own threads while the test moves it. A clock from
 * {@link #withZone(ZoneId)} shares this one's instant.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /**
     * @param start the instant the clock shows until it is moved; its zone is UTC
     */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward (or back, for a negative duration).
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        requireNonNull(duration, "duration");
        now.updateAndGet(t -> t.plus(duration));
    }

    /**
     * Sets the clock to an instant.
     *
     * @param instant the instant it shows from now on
     */
    public void set(Instant instant) {
        now.set(requireNonNull(instant, "instant"));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new MutableClock(now, requireNonNull(zone, "zone"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + ", " + zone + "]";
    }
}
