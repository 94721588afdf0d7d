package dev.weir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhaseTest {
    @Test
    void shouldCycleThroughEveryIncidentInQuarters() {
        assertThat(Phase.at(0, 120)).isEqualTo(Phase.STEADY);
        assertThat(Phase.at(30, 120)).isEqualTo(Phase.ERROR_SPIKE);
        assertThat(Phase.at(60, 120)).isEqualTo(Phase.LATENCY_REGRESSION);
        assertThat(Phase.at(119, 120)).isEqualTo(Phase.BRUTE_FORCE);
        assertThat(Phase.at(120, 120)).isEqualTo(Phase.STEADY);
    }

    @Test
    void shouldRejectCyclesTooShortToHoldEveryPhase() {
        assertThatThrownBy(() -> Phase.at(0, 3)).hasMessageContaining("cycleSeconds must be at least 4");
    }
}
