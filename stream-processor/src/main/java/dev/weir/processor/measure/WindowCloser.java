package dev.weir.processor.measure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Event-time bookkeeping of tumbling windows for one task: its event-time clock, which window a
 * timestamp belongs to, whether a window is closed (the clock has passed its end plus grace), and
 * which windows closed since the last call, so that each window's final result is emitted exactly once.
 *
 * <p>The clock is event time, not the task's stream time: the measures run in the raw topics' tasks,
 * whose records carry the producer's time, not the events'. A task reads several inputs (the two raw
 * topics, and the repartition topics of events read outside their service's task), and Kafka Streams
 * does not always wait for an input whose last fetch found nothing new: while it works through a
 * backlog it can read one raw topic well ahead of the other. So the closer keeps a clock per input
 * (the highest event time read from it) and the clock that closes windows is the lowest of them,
 * among the inputs heard from within {@code sourceWait} of wall time; an input that has gone quiet
 * for longer holds nothing back. With one input, or a {@code sourceWait} of zero, the clock is simply
 * the highest event time seen. The clock never moves back.
 *
 * <p>The "emitted up to" mark lives in a key-value store (changelogged), so under exactly-once a
 * restarted or migrated task neither repeats nor skips an emission. The clock restarts from that
 * mark: every emitted window is closed at {@code mark + grace}, and none that was not emitted is.
 * Not thread-safe: one instance per processor instance (task).
 */
public final class WindowCloser {
    private static final String MARK_KEY = "emitted-up-to";
    private static final Duration RECHECK_INTERVAL = Duration.ofSeconds(1);

    private final long size;
    private final long grace;
    private final long sourceWait;
    private final KeyValueStore<String, Long> marks;
    private long emittedUpTo; // window starts below this have been emitted
    private long clock; // the closing clock (see the class comment), or where the mark puts it after a restart
    // per input, in the order first read (a task has at most four): name, highest event time, wall time last read
    private String[] sources = new String[0];
    private long[] sourceClocks = new long[0];
    private long[] sourceSeen = new long[0];

    /**
     * @param size       window size
     * @param grace      grace period
     * @param sourceWait how long (wall time) an input that has gone quiet still holds the clock back; zero for none
     * @param marks      the processor's own store for its emission mark
     */
    public WindowCloser(Duration size, Duration grace, Duration sourceWait, KeyValueStore<String, Long> marks) {
        this.size = size.toMillis();
        this.grace = grace.toMillis();
        this.sourceWait = sourceWait.toMillis();
        this.marks = Objects.requireNonNull(marks, "marks");
        Long stored = marks.get(MARK_KEY);
        this.emittedUpTo = stored == null ? Long.MIN_VALUE : stored;
        this.clock = stored == null ? Long.MIN_VALUE : stored + this.grace;
    }

    /**
     * Records an event read from one input and moves the clock forward as far as every input heard from within
     * {@code sourceWait} has come.
     *
     * @param eventTimeMs the time of an event this processor sees
     * @param source      the input it was read from (its topic)
     * @param wallMs      the wall-clock time now
     * @return the clock after the move
     */
    public long advance(long eventTimeMs, String source, long wallMs) {
        if (sourceWait == 0) {
            return clock = Math.max(clock, eventTimeMs);
        }
        int i = indexOf(source);
        sourceClocks[i] = Math.max(sourceClocks[i], eventTimeMs);
        sourceSeen[i] = wallMs;
        return recheck(wallMs);
    }

    /**
     * Moves the clock forward once the inputs that held it back have gone quiet, without a new event: for a wall-clock
     * punctuation, so that windows close {@code sourceWait} after the last event of a quiet input even when nothing
     * follows. When every input has gone quiet, the clock is the highest event time read.
     *
     * @param wallMs the wall-clock time now
     * @return the clock after the move
     */
    public long recheck(long wallMs) {
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        for (int j = 0; j < sources.length; j++) {
            highest = Math.max(highest, sourceClocks[j]);
            if (wallMs - sourceSeen[j] <= sourceWait) {
                lowest = Math.min(lowest, sourceClocks[j]);
            }
        }
        return clock = Math.max(clock, lowest == Long.MAX_VALUE ? highest : lowest);
    }

    /**
     * When the clock waits for inputs that are behind, has the processor's task {@link #recheck} it every second of
     * wall time and hand the clock on.
     *
     * @param context    the processor's context, in {@code init}
     * @param emitClosed emits the windows closed at the clock it is given
     */
    public void scheduleRechecks(ProcessorContext<?, ?> context, LongConsumer emitClosed) {
        if (sourceWait > 0) {
            context.schedule(RECHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> emitClosed.accept(recheck(now)));
        }
    }

    /**
     * {@link #advance(long, String, long)} for the record a processor is handling: its input is the record's topic,
     * the wall clock Kafka Streams' (which tests drive).
     *
     * @param eventTimeMs the time of the event
     * @param context     the processor's context, while it processes the event's record
     * @return the clock after the move
     */
    public long advance(long eventTimeMs, ProcessorContext<?, ?> context) {
        String source = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        return advance(eventTimeMs, source, context.currentSystemTimeMs());
    }

    private int indexOf(String source) {
        for (int i = 0; i < sources.length; i++) {
            if (sources[i].equals(source)) {
                return i;
            }
        }
        int n = sources.length;
        sources = Arrays.copyOf(sources, n + 1);
        sourceClocks = Arrays.copyOf(sourceClocks, n + 1);
        sourceSeen = Arrays.copyOf(sourceSeen, n + 1);
        sources[n] = source;
        sourceClocks[n] = Long.MIN_VALUE;
        return n;
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
