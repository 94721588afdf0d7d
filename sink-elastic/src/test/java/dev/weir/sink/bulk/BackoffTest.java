package dev.weir.sink.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), new SplittableRandom(42));

    @Test
    void shouldDoubleTheUpperBoundWithEachAttempt() {
        for (int attempt = 0; attempt < 6; attempt++) {
            long bound = 100L << attempt;
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(attempt).toMillis()).isBetween(bound / 2, bound);
            }
        }
    }

    @Test
    void shouldNeverExceedTheMaximum() {
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.delay(1000)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldSpreadRetriesOfTheSameAttempt() {
        assertThat(java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(4)).distinct().count()).isGreaterThan(10);
    }

    @Test
    void shouldRejectAMaximumBelowTheInitialDelay() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), RandomGenerator.getDefault()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
