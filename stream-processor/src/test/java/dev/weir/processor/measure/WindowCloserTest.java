package dev.weir.processor.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processors' event-time clock, over the inputs of a task, and the emission mark it restarts from. */
class WindowCloserTest {
    static final long MINUTE = 60_000;
    static final Duration GRACE = Duration.ofSeconds(30);
    static final long T0 = 1_741_942_800_000L; // a minute boundary
    static final Duration WAIT = Duration.ofSeconds(5);

    KeyValueStore<String, Long> marks;

    @BeforeEach
    void setUp() {
        marks = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("marks"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        marks.init(new MockProcessorContext<>().getStateStoreContext(), marks);
    }

    @Test
    void shouldKeepTheHighestEventTimeSeen() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        assertThat(closer.advance(T0 + 5_000, "raw", 0)).isEqualTo(T0 + 5_000);
        assertThat(closer.advance(T0 + 1_000, "raw", 0)).as("an older event does not move it back").isEqualTo(T0 + 5_000);
        assertThat(closer.advance(T0 + MINUTE + 30_000, "raw", 0)).isEqualTo(T0 + MINUTE + 30_000);
    }

    @Test
    void shouldEmitEachWindowOnceWhenTheClockPassesItsEndPlusGrace() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        // the first call takes every window before the clock's, none of which has been emitted yet
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 29_999, "raw", 0))).containsExactly(0, T0 - MINUTE);
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 29_999, "raw", 0))).isNull();
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 30_000, "raw", 0))).containsExactly(T0, T0);
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 40_000, "raw", 0))).isNull();
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + 3 * MINUTE + 30_000, "raw", 0))).containsExactly(T0 + MINUTE, T0 + 2 * MINUTE);
    }

    /**
     * A restarted task (new processor, same store) resumes the clock from the mark: the windows it
     * emitted are closed, so an event for one of them is late, and the next window is still open.
     */
    @Test
    void shouldResumeTheClockFromTheEmissionMarkAfterARestart() {
        WindowCloser before = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        before.advance(T0 + 1_000, "raw", 0);
        assertThat(before.takeNewlyClosed(before.advance(T0 + MINUTE + 45_000, "raw", 0))).containsExactly(0, T0);

        WindowCloser after = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        long clock = after.advance(T0 + 2_000, "raw", 0); // a late event is the first one after the restart
        assertThat(clock).isEqualTo(T0 + MINUTE + 30_000);
        assertThat(after.isClosed(T0, clock)).as("the emitted window").isTrue();
        assertThat(after.isClosed(T0 + MINUTE, clock)).as("the next one").isFalse();
        assertThat(after.takeNewlyClosed(clock)).as("nothing emitted twice").isNull();
        assertThat(after.takeNewlyClosed(after.advance(T0 + 2 * MINUTE + 30_000, "raw", 0))).containsExactly(T0 + MINUTE, T0 + MINUTE);
    }

    @Test
    void shouldStartWithoutAClockWhenNothingWasEmitted() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        assertThat(closer.advance(T0, "raw", 0)).isEqualTo(T0);
        assertThat(closer.isClosed(T0 - 10 * MINUTE, T0)).isTrue();
    }

    /**
     * A task reads a backlog of one raw topic ahead of the other: the clock stays with the input behind, so its
     * events still count into their windows, and a window closes once both inputs are past its end plus grace.
     */
    @Test
    void shouldCloseOnTheInputThatIsBehindWhileItIsStillHeardFrom() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        closer.advance(T0 + 5_000, "logs", 1_000);
        long clock = closer.advance(T0 + MINUTE + 55_000, "requests", 1_100);
        assertThat(clock).as("held by logs").isEqualTo(T0 + 5_000);
        clock = closer.advance(T0 + 50_000, "logs", 1_200);
        assertThat(closer.isClosed(closer.windowStart(T0 + 50_000), clock)).as("a log of the first minute is on time").isFalse();
        assertThat(closer.takeNewlyClosed(clock)).as("the first minute is not emitted").endsWith(T0 - MINUTE);
        clock = closer.advance(T0 + MINUTE + 30_000, "logs", 1_300);
        assertThat(clock).isEqualTo(T0 + MINUTE + 30_000);
        assertThat(closer.takeNewlyClosed(clock)).containsExactly(T0, T0);
    }

    /** An input that has gone quiet for longer than the wait holds nothing back, and the clock does not go back when it returns. */
    @Test
    void shouldStopWaitingForAnInputThatHasGoneQuiet() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        closer.advance(T0 + 5_000, "logs", 1_000);
        assertThat(closer.advance(T0 + MINUTE + 40_000, "requests", 6_000)).as("logs heard 5 s ago").isEqualTo(T0 + 5_000);
        long clock = closer.advance(T0 + MINUTE + 45_000, "requests", 6_001);
        assertThat(clock).as("logs quiet for longer than the wait").isEqualTo(T0 + MINUTE + 45_000);
        assertThat(closer.takeNewlyClosed(clock)).containsExactly(0, T0);
        clock = closer.advance(T0 + 10_000, "logs", 7_000);
        assertThat(clock).as("never back").isEqualTo(T0 + MINUTE + 45_000);
        assertThat(closer.isClosed(closer.windowStart(T0 + 10_000), clock)).as("its old event is late").isTrue();
    }

    /** With no new event, a recheck lets go of the inputs that have gone quiet; when all have, the clock is the highest. */
    @Test
    void shouldLetGoOfQuietInputsOnARecheck() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, WAIT, marks);
        closer.advance(T0 + 5_000, "logs", 1_000);
        closer.advance(T0 + 40_000, "repartition", 2_000);
        closer.advance(T0 + MINUTE + 40_000, "requests", 3_000);
        assertThat(closer.recheck(6_000)).isEqualTo(T0 + 5_000);
        assertThat(closer.recheck(6_001)).as("logs quiet").isEqualTo(T0 + 40_000);
        assertThat(closer.recheck(8_001)).as("all quiet").isEqualTo(T0 + MINUTE + 40_000);
    }

    @Test
    void shouldFollowTheHighestEventTimeOfAnyInputWithoutAWait() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, Duration.ZERO, marks);
        closer.advance(T0 + 5_000, "logs", 1_000);
        assertThat(closer.advance(T0 + MINUTE + 40_000, "requests", 1_000)).isEqualTo(T0 + MINUTE + 40_000);
    }
}
