package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldStandStillUntilMoved() {
        MutableClock clock = new MutableClock(T0);

        assertThat(clock.instant()).isEqualTo(T0);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void shouldMoveByAdvanceAndSet() {
        MutableClock clock = new MutableClock(T0);

        clock.advance(Duration.ofSeconds(90));
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(90));
        clock.set(T0.minusSeconds(5));
        assertThat(clock.instant()).isEqualTo(T0.minusSeconds(5));
    }

    @Test
    void shouldShareItsInstantWithAClockInAnotherZone() {
        MutableClock clock = new MutableClock(T0);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

        clock.advance(Duration.ofMinutes(1));

        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris.instant()).isEqualTo(T0.plusSeconds(60));
    }
}
