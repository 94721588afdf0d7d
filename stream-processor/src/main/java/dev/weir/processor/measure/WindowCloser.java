package dev.weir.processor.measure;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Event-time bookkeeping of tumbling windows for one task: its event-time clock, which window a
 * timestamp belongs to, whether a window is closed (the clock has passed its end plus grace), and
 * which windows closed since the last call, so that each window's final result is emitted exactly once.
 *
 * <p>The clock is the highest event time this processor has seen ({@link #advance}), not the task's
 * stream time: the measures run in the raw topics' tasks, whose records carry the producer's time,
 * not the events' (see {@code NormalizeTopology#addTo(StreamsBuilder, int)}).
 *
 * <p>The "emitted up to" mark lives in a key-value store (changelogged), so under exactly-once a
 * restarted or migrated task neither repeats nor skips an emission. The clock restarts from that
 * mark: every emitted window is closed at {@code mark + grace}, and none that was not emitted is.
 * Not thread-safe: one instance per processor instance (task).
 */
public final class WindowCloser {
    private static final String MARK_KEY = "emitted-up-to";

    private final long size;
    private final long grace;
    private final KeyValueStore<String, Long> marks;
    private long emittedUpTo; // window starts below this have been emitted
    private long clock; // the highest event time seen, or where the mark puts it after a restart

    /**
     * @param size  window size
     * @param grace grace period
     * @param marks the processor's own store for its emission mark
     */
    public WindowCloser(Duration size, Duration grace, KeyValueStore<String, Long> marks) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
        this.marks = Objects.requireNonNull(marks, "marks");
        Long stored = marks.get(MARK_KEY);
        this.emittedUpTo = stored == null ? Long.MIN_VALUE : stored;
        this.clock = stored == null ? Long.MIN_VALUE : stored + this.grace;
    }

    /**
     * Moves the clock to {@code eventTimeMs} if that is later.
     *
     * @param eventTimeMs the time of an event this processor sees
     * @return the clock after the move: the highest event time seen
     */
    public long advance(long eventTimeMs) {
        if (eventTimeMs > clock) {
            clock = eventTimeMs;
        }
        return clock;
    }

    /** @return start of the window holding {@code timestampMs} */
    public long windowStart(long timestampMs) {
        return Math.floorDiv(timestampMs, size) * size;
    }

    /** @return the window size in milliseconds */
    public long size() {
        return size;
    }

    /** @return whether the window starting at {@code windowStart} no longer accepts events at clock {@code clockMs} */
    public boolean isClosed(long windowStart, long clockMs) {
        return windowStart + size + grace <= clockMs;
    }

    /**
     * Window starts that closed since the last call, as an inclusive range, and marks them emitted.
     *
     * @param clockMs the clock ({@link #advance})
     * @return {@code [from, to]} of window starts to emit now, or {@code null} when none closed
     */
    public long[] takeNewlyClosed(long clockMs) {
        long lastClosedStart = windowStart(clockMs - grace - size);
        if (clockMs < 0 || lastClosedStart < emittedUpTo) {
            return null;
        }
        long from = emittedUpTo == Long.MIN_VALUE ? 0 : emittedUpTo;
        emittedUpTo = lastClosedStart + size;
        marks.put(MARK_KEY, emittedUpTo);
        return from > lastClosedStart ? null : new long[] {from, lastClosedStart};
    }
}
