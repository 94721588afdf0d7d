package dev.weir.common.humanize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cases and outputs of Prometheus' own template tests ({@code template/template_test.go}), each as
 * {@code input:input:...} joined like the template {@code {{ range . }}{{ f . }}:{{ end }}} prints them.
 */
class HumanizeTest {

    private static String each(DoubleFunction<String> f, double... values) {
        return DoubleStream.of(values).mapToObj(f).map(s -> s + ":").collect(Collectors.joining());
    }

    @Test
    void shouldHumanizeWithSiPrefixesLikePrometheus() {
        assertThat(each(Humanize::humanize, 0.0, 1.0, 1234567.0, .12)).isEqualTo("0:1:1.235M:120m:");
    }

    @Test
    void shouldHumanize1024WithBinaryPrefixesLikePrometheus() {
        assertThat(each(Humanize::humanize1024, 0.0, 1.0, 1048576.0, .12)).isEqualTo("0:1:1Mi:0.12:");
    }

    @Test
    void shouldHumanizeDurationsInWholeUnitsFromAMinuteOnLikePrometheus() {
        assertThat(each(Humanize::humanizeDuration, 0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99))
                .isEqualTo("0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:");
    }

    @Test
    void shouldHumanizeSubsecondAndFractionalDurationsLikePrometheus() {
        assertThat(each(Humanize::humanizeDuration, .1, .0001, .12345, 60.1, 60.5, 1.2345, 12.345))
                .isEqualTo("100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:");
    }

    @Test
    void shouldPrintInfinitiesAndNaNLikePrometheus() {
        for (DoubleFunction<String> f : java.util.List.<DoubleFunction<String>>of(Humanize::humanize, Humanize::humanize1024,
                Humanize::humanizeDuration)) {
            assertThat(each(f, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN)).isEqualTo("+Inf:-Inf:NaN:");
        }
    }

    @Test
    void shouldHumanizePercentagesLikePrometheus() {
        assertThat(each(Humanize::humanizePercentage, -0.22222, 0.0, 0.1234567, 1.23456)).isEqualTo("-22.22%:0%:12.35%:123.5%:");
    }

    @Test
    void shouldUseEveryPrefixUpToYottaAndDownToYocto() {
        assertThat(Humanize.humanize(1e15)).isEqualTo("1P");
        assertThat(Humanize.humanize(2.5e18)).isEqualTo("2.5E");
        assertThat(Humanize.humanize(1e27)).isEqualTo("1000Y");
        assertThat(Humanize.humanize(-1234.5)).isEqualTo("-1.234k");
        assertThat(Humanize.humanize(1.5e-15)).isEqualTo("1.5f");
        assertThat(Humanize.humanize(1e-24)).isEqualTo("1y");
        assertThat(Humanize.humanize1024(1536)).isEqualTo("1.5ki");
        assertThat(Humanize.humanize1024(Math.pow(1024, 8))).isEqualTo("1Yi");
    }

    @Test
    void shouldFormatLikeGosPercentG() {
        assertThat(GoFloat.format(1234567.0, 4)).isEqualTo("1.235e+06");
        assertThat(GoFloat.format(0.00001234, 4)).isEqualTo("1.234e-05");
        assertThat(GoFloat.format(0.0001234, 4)).isEqualTo("0.0001234");
        assertThat(GoFloat.format(100.0, 4)).isEqualTo("100");
        assertThat(GoFloat.format(0.1, -1)).isEqualTo("0.1");
        assertThat(GoFloat.format(1e21, -1)).isEqualTo("1e+21");
    }
}
