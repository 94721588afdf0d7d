package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void shouldReturnAsSoonAsTheConditionHolds() {
        AtomicInteger calls = new AtomicInteger();

        Poll.until(Duration.ofSeconds(5), Duration.ofMillis(1), () -> calls.incrementAndGet() == 3, () -> "three calls");

        assertThat(calls).hasValue(3);
    }

    @Test
    void shouldThrowWithTheDescriptionWhenTheDeadlinePasses() {
        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(50), () -> false, () -> "the moon to turn blue"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Timed out after 50 ms waiting for the moon to turn blue");
    }

    @Test
    void shouldKeepTheLastFailureOfTheConditionAsCause() {
        IOException failure = new IOException("connection refused");

        assertThatThrownBy(() -> Poll.until(Duration.ofMillis(50), () -> {
            throw failure;
        }, () -> "a connection"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("connection refused")
                .hasCause(failure);
    }

    @Test
    void shouldStopAtOnceWhenTheConditionGivesUp() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        assertThatThrownBy(() -> Waits.pollUntil(Duration.ofSeconds(30), Duration.ofMillis(10), () -> {
            calls.incrementAndGet();
            throw new Waits.GiveUp("the process exited with code 1");
        }, "a process"))
                .isInstanceOf(Waits.GiveUp.class)
                .hasMessage("the process exited with code 1");
        assertThat(calls).as("asked once, not polled until the deadline").hasValue(1);
    }
}
