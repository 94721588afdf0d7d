package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GrowthTest {

    @Test
    void shouldSayAStoreGrowingLikeTheKeysGrowsWithThem() {
        assertThat(Growth.of(10_000, 1_000_000, 10_000, 1_000_000)).isEqualTo(Growth.WITH_KEYS);
        assertThat(Growth.of(1_000, 100_000, 2_000, 120_000)).isEqualTo(Growth.WITH_KEYS);
    }

    @Test
    void shouldSayAStoreThatAtMostDoubledWhileTheKeysGrewTenfoldIsBounded() {
        assertThat(Growth.of(1_000, 10_000, 1_001, 1_501)).isEqualTo(Growth.BOUNDED);
        assertThat(Growth.of(1_000, 100_000, 0, 1)).isEqualTo(Growth.BOUNDED);
    }

    @Test
    void shouldCallEverythingInBetweenSublinear() {
        assertThat(Growth.of(1_000, 100_000, 1_000, 30_000)).isEqualTo(Growth.SUBLINEAR);
        assertThat(Growth.of(1_000, 3_000, 1_000, 1_100)).isEqualTo(Growth.SUBLINEAR);
    }

    @Test
    void shouldRefuseKeyCountsThatDoNotGrow() {
        assertThatThrownBy(() -> Growth.of(10, 10, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Growth.of(0, 10, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
