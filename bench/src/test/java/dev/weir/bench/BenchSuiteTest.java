package dev.weir.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchSuiteTest {

    @Test
    void shouldWriteEnglishOrdinals() {
        assertThat(BenchSuite.ordinal(1)).isEqualTo("1st");
        assertThat(BenchSuite.ordinal(3)).isEqualTo("3rd");
        assertThat(BenchSuite.ordinal(11)).isEqualTo("11th");
        assertThat(BenchSuite.ordinal(51)).isEqualTo("51st");
        assertThat(BenchSuite.ordinal(112)).isEqualTo("112th");
    }
}
