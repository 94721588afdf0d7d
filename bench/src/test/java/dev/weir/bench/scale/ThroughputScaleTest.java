package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThroughputScaleTest {

    @Test
    void shouldAlternateThePartitionOrderBetweenRepetitions() {
        assertThat(ThroughputScale.order(List.of(3, 12), 0)).containsExactly(3, 12);
        assertThat(ThroughputScale.order(List.of(3, 12), 1)).containsExactly(12, 3);
        assertThat(ThroughputScale.order(List.of(3, 12), 2)).containsExactly(3, 12);
    }

    @Test
    void shouldDivideEachRunByTheBareLoopOfItsOwnRepetitionAndTakeTheMedian() {
        ThroughputScale.Shape shape = new ThroughputScale.Shape(3, 2);
        ThroughputScale.Result r = new ThroughputScale.Result(new ThroughputScale.Settings(10, 3, List.of(3), List.of(2)),
                Map.of(3, 10L), Map.of(3, List.of(100.0, 200.0, 400.0)), Map.of(shape, List.of(run(50), run(40), run(120))));

        assertThat(r.ratioToBare(shape)).isEqualTo(0.3); // 0.5, 0.2, 0.3
        assertThat(r.median(shape)).isEqualTo(50);
        assertThat(r.reference()).isEqualTo(shape);
    }

    private static ThroughputScale.Run run(double eventsPerSecond) {
        return new ThroughputScale.Run(eventsPerSecond, List.of(0.5, 0.5), 1, 1);
    }
}
