package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
    @Test
    void shouldRenderValuesLabelsAndHumanizersLikePrometheus() {
        assertThat(Templates.render("{{ $labels.service }}: {{ $value | humanizePercentage }} > {{ $threshold | humanizePercentage }}",
                0.0733, 0.05, Map.of("service", "shop"))).isEqualTo("shop: 7.33% > 5%");
    }

    @Test
    void shouldHumanizeDurationsInSeconds() {
        assertThat(Templates.humanizeDuration(125)).isEqualTo("2m 5s");
        assertThat(Templates.humanizeDuration(2.5)).isEqualTo("2.5s");
        assertThat(Templates.humanizeDuration(0.25)).isEqualTo("250ms");
        assertThat(Templates.humanizeDuration(90_000)).isEqualTo("1d 1h");
    }

    @Test
    void shouldHumanizeWithSiPrefixes() {
        assertThat(Templates.humanize(1234.4)).isEqualTo("1.234k");
        assertThat(Templates.humanize(14.4)).isEqualTo("14.4");
    }
}
