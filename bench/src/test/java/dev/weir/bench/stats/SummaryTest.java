package dev.weir.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void shouldTakeTheMiddleValueAsMedianOfAnOddCount() {
        assertThat(Summary.of(List.of(5.0, 1.0, 3.0)).median()).isEqualTo(3.0);
    }

    @Test
    void shouldAverageTheTwoMiddleValuesAsMedianOfAnEvenCount() {
        assertThat(Summary.of(List.of(4.0, 1.0, 2.0, 3.0)).median()).isEqualTo(2.5);
    }

    @Test
    void shouldTakeThe99thSmallestOfAHundredValuesAsP99() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            values.add((double) i);
        }
        Collections.shuffle(values, new Random(1));
        Summary s = Summary.of(values);
        assertThat(s.p99()).isEqualTo(99.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(100.0);
        assertThat(s.count()).isEqualTo(100);
    }

    @Test
    void shouldTakeTheLargestOfTwentyValuesAsP99() {
        List<Double> values = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            values.add(i * 10.0);
        }
        assertThat(Summary.of(values).p99()).isEqualTo(200.0);
    }

    @Test
    void shouldSummariseASingleValue() {
        Summary s = Summary.of(List.of(7.0));
        assertThat(s).isEqualTo(new Summary(1, 7.0, 7.0, 7.0, 7.0));
    }

    @Test
    void shouldRejectAnEmptySet() {
        assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no values");
    }
}
