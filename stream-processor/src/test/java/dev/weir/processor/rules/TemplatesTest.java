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
        assertThat(duration(125)).isEqualTo("2m 5s");
        assertThat(duration(2.5)).isEqualTo("2.5s");
        assertThat(duration(0.25)).isEqualTo("250ms");
        assertThat(duration(90_000)).isEqualTo("1d 1h 0m 0s");
    }

    @Test
    void shouldHumanizeWithSiPrefixes() {
        assertThat(Templates.render("{{ $value | humanize }} of {{ $threshold | humanize }}", 1234.4, 14.4, Map.of()))
                .isEqualTo("1.234k of 14.4");
    }

    private static String duration(double seconds) {
        return Templates.render("{{ $value | humanizeDuration }}", seconds, 0, Map.of());
    }
}
