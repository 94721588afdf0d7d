package dev.weir.console.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromTextTest {
    private static final String SCRAPE = """
            # HELP weir_deadletters_total Dead letters
            # TYPE weir_deadletters_total counter
            weir_deadletters_total{component="processor",reason="invalid_json",stage="normalize",} 3.0
            weir_deadletters_total{component="processor",reason="invalid_json",stage="deserialize",} 1.0
            weir_deadletters_total{component="processor",reason="odd \\"quoted\\", value",stage="normalize",} 2.0
            kafka_consumer_fetch_manager_records_lag{partition="0",topic="weir.raw.logs"} 5.0
            kafka_consumer_fetch_manager_records_lag{topic="weir.raw.logs"} NaN
            up 1
            broken{a="b" x
            """;

    @Test
    void shouldSumSamplesByLabelAndSkipNonFiniteAndBrokenLines() {
        PromText p = PromText.parse(SCRAPE);
        assertThat(p.sumBy("weir_deadletters_total", "reason")).containsEntry("invalid_json", 4.0).containsEntry("odd \"quoted\", value", 2.0);
        assertThat(p.sum("kafka_consumer_fetch_manager_records_lag")).isEqualTo(5.0);
        assertThat(p.sum("up")).isEqualTo(1.0);
        assertThat(p.sum("missing")).isNull();
        assertThat(p.named("broken")).isEmpty();
    }

    @Test
    void shouldGiveARateOnlyFromTheSecondScrapeAndStartOverAfterAReset() {
        Rates rates = new Rates();
        java.time.Instant t = java.time.Instant.parse("2025-01-01T00:00:00Z");
        assertThat(rates.rate("a", 100.0, t)).isNull();
        assertThat(rates.rate("a", 150.0, t.plusSeconds(5))).isEqualTo(10.0);
        assertThat(rates.rate("a", 10.0, t.plusSeconds(10))).isNull();
    }
}
