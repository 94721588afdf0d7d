package dev.weir.processor.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processors' event-time clock and the emission mark it restarts from. */
class WindowCloserTest {
    static final long MINUTE = 60_000;
    static final Duration GRACE = Duration.ofSeconds(30);
    static final long T0 = 1_741_942_800_000L; // a minute boundary

    KeyValueStore<String, Long> marks;

    @BeforeEach
    void setUp() {
        marks = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("marks"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        marks.init(new MockProcessorContext<>().getStateStoreContext(), marks);
    }

    @Test
    void shouldKeepTheHighestEventTimeSeen() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, marks);
        assertThat(closer.advance(T0 + 5_000)).isEqualTo(T0 + 5_000);
        assertThat(closer.advance(T0 + 1_000)).as("an older event does not move it back").isEqualTo(T0 + 5_000);
        assertThat(closer.advance(T0 + MINUTE + 30_000)).isEqualTo(T0 + MINUTE + 30_000);
    }

    @Test
    void shouldEmitEachWindowOnceWhenTheClockPassesItsEndPlusGrace() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, marks);
        // the first call takes every window before the clock's, none of which has been emitted yet
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 29_999))).containsExactly(0, T0 - MINUTE);
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 29_999))).isNull();
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 30_000))).containsExactly(T0, T0);
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + MINUTE + 40_000))).isNull();
        assertThat(closer.takeNewlyClosed(closer.advance(T0 + 3 * MINUTE + 30_000))).containsExactly(T0 + MINUTE, T0 + 2 * MINUTE);
    }

    /**
     * A restarted task (new processor, same store) resumes the clock from the mark: the windows it
     * emitted are closed, so an event for one of them is late, and the next window is still open.
     */
    @Test
    void shouldResumeTheClockFromTheEmissionMarkAfterARestart() {
        WindowCloser before = new WindowCloser(Duration.ofMinutes(1), GRACE, marks);
        before.advance(T0 + 1_000);
        assertThat(before.takeNewlyClosed(before.advance(T0 + MINUTE + 45_000))).containsExactly(0, T0);

        WindowCloser after = new WindowCloser(Duration.ofMinutes(1), GRACE, marks);
        long clock = after.advance(T0 + 2_000); // a late event is the first one after the restart
        assertThat(clock).isEqualTo(T0 + MINUTE + 30_000);
        assertThat(after.isClosed(T0, clock)).as("the emitted window").isTrue();
        assertThat(after.isClosed(T0 + MINUTE, clock)).as("the next one").isFalse();
        assertThat(after.takeNewlyClosed(clock)).as("nothing emitted twice").isNull();
        assertThat(after.takeNewlyClosed(after.advance(T0 + 2 * MINUTE + 30_000))).containsExactly(T0 + MINUTE, T0 + MINUTE);
    }

    @Test
    void shouldStartWithoutAClockWhenNothingWasEmitted() {
        WindowCloser closer = new WindowCloser(Duration.ofMinutes(1), GRACE, marks);
        assertThat(closer.advance(T0)).isEqualTo(T0);
        assertThat(closer.isClosed(T0 - 10 * MINUTE, T0)).isTrue();
    }
}
