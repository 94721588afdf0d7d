package dev.weir.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClientRateTest {
    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldAllowABurstOfPerMinuteThenTellHowLongToWait() {
        TestClock clock = new TestClock();
        ClientRate rate = new ClientRate(3, clock);

        assertThat(rate.take("10.0.0.1")).isZero();
        assertThat(rate.take("10.0.0.1")).isZero();
        assertThat(rate.take("10.0.0.1")).isZero();
        assertThat(rate.take("10.0.0.1")).isEqualTo(Duration.ofSeconds(20));
        assertThat(rate.take("10.0.0.2")).as("another client has its own bucket").isZero();
    }

    @Test
    void shouldRefillAtThePerMinutePace() {
        TestClock clock = new TestClock();
        ClientRate rate = new ClientRate(60, clock);
        for (int i = 0; i < 60; i++) {
            assertThat(rate.take("c")).isZero();
        }
        assertThat(rate.take("c")).isEqualTo(Duration.ofSeconds(1));

        clock.now = clock.now.plusMillis(2500);

        assertThat(rate.take("c")).isZero();
        assertThat(rate.take("c")).isZero();
        assertThat(rate.take("c")).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldForgetTheClientIdleLongestWhenFull() {
        TestClock clock = new TestClock();
        ClientRate rate = new ClientRate(1, clock);
        assertThat(rate.take("first")).isZero();
        for (int i = 0; i < ClientRate.MAX_CLIENTS; i++) {
            rate.take("client-" + i);
        }

        assertThat(rate.take("first")).as("forgotten, so a full bucket again").isZero();
        assertThat(rate.take("client-" + (ClientRate.MAX_CLIENTS - 1))).isEqualTo(Duration.ofMinutes(1));
    }
}
