package dev.weir.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CrossingsTest {

    @Test
    void shouldCrossAnErrorSpikeOnThe51st500() {
        int i = IncidentKind.ERROR_SPIKE.crossingIndex();

        assertThat(i).isEqualTo(100);
        assertThat(bads(IncidentKind.ERROR_SPIKE, i)).isEqualTo(51); // 51 of 101 > 50%
        assertThat(bads(IncidentKind.ERROR_SPIKE, i - 1) * 2).isEqualTo(i); // 50 of 100: not above
    }

    @Test
    void shouldCrossALatencyRegressionOnThe3rdSlowRequest() {
        int i = IncidentKind.LATENCY_REGRESSION.crossingIndex();

        assertThat(i).isEqualTo(52);
        assertThat(bads(IncidentKind.LATENCY_REGRESSION, i)).isEqualTo(3); // 3 of 53 = 5.7% > 5%
        assertThat(bads(IncidentKind.LATENCY_REGRESSION, i - 1)).isEqualTo(2); // 2 of 52 = 3.8%
    }

    @Test
    void shouldCrossALoginBurstOnThe11thFailure() {
        assertThat(IncidentKind.LOGIN_BURST.crossingIndex()).isEqualTo(10);
        assertThat(bads(IncidentKind.LOGIN_BURST, 10)).isEqualTo(11);
    }

    @Test
    void shouldPutTheNearestRankP95AboveTheThresholdExactlyWhenMoreThan5PercentAreAbove() {
        for (int healthy = 0; healthy <= 400; healthy++) {
            int h = healthy;
            for (int min = 1; min <= 40; min += 13) {
                assertThat(Crossings.quantileAbove(j -> j >= h, 0.95, min, 10_000))
                        .as("healthy %d, min_events %d", h, min)
                        .isEqualTo(Crossings.shareAbove(j -> j >= h, 5, min, 10_000));
            }
        }
    }

    @Test
    void shouldWaitForMinEvents() {
        // a bad event first: 100% bad from the start, but the window needs 20 events
        assertThat(Crossings.shareAbove(j -> true, 50, 20, 100)).isEqualTo(19);
        assertThat(Crossings.quantileAbove(j -> j >= 5, 0.95, 20, 100)).isEqualTo(19);
    }

    @Test
    void shouldNotCrossOnAShareEqualToTheThreshold() {
        // every other event bad: exactly 50% at every even count, never above
        assertThat(Crossings.shareAbove(j -> j % 2 == 1, 50, 2, 1000)).isEqualTo(-1);
        assertThat(Crossings.countAbove(j -> j < 10, 10, 1000)).isEqualTo(-1);
    }

    @Test
    void shouldNotCrossWithinTheLimit() {
        assertThat(Crossings.quantileAbove(j -> false, 0.95, 1, 1000)).isEqualTo(-1);
        assertThat(Crossings.shareAbove(j -> j >= 50, 50, 20, 100)).isEqualTo(-1);
    }

    @Test
    void shouldRefuseAQuantileOutsideTheOpenUnitInterval() {
        assertThatThrownBy(() -> Crossings.quantileAbove(j -> true, 1.0, 1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid quantile 1.0");
    }

    @Test
    void shouldLetTheKindsTakeTurns() {
        assertThat(IncidentKind.of(0)).isEqualTo(IncidentKind.ERROR_SPIKE);
        assertThat(IncidentKind.of(1)).isEqualTo(IncidentKind.LATENCY_REGRESSION);
        assertThat(IncidentKind.of(2)).isEqualTo(IncidentKind.LOGIN_BURST);
        assertThat(IncidentKind.of(3)).isEqualTo(IncidentKind.ERROR_SPIKE);
    }

    private static int bads(IncidentKind kind, int upTo) {
        int n = 0;
        for (int j = 0; j <= upTo; j++) {
            if (kind.bad(j)) {
                n++;
            }
        }
        return n;
    }
}
