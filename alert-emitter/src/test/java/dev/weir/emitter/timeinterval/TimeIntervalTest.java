package dev.weir.emitter.timeinterval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code time_intervals} as Alertmanager reads and evaluates them, through the configuration loader. */
class TimeIntervalTest {
    private static TimeIntervals load(String intervals) {
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse("""
                time_intervals:
                  - name: t
                    time_intervals:
                %s
                route: {receiver: r, routes: [{receiver: r, mute_time_intervals: [t]}]}
                receivers: [{name: r}]
                """.formatted(intervals.indent(6)), Map.of(), "test");
        return c.timeIntervals();
    }

    private static boolean in(TimeIntervals t, String instant) {
        return t.anyContains(List.of("t"), Instant.parse(instant));
    }

    @Test
    void shouldTreatTheEndOfATimeRangeAsExclusive() {
        TimeIntervals t = load("- times: [{start_time: '09:00', end_time: '17:00'}]");
        assertThat(in(t, "2025-03-03T09:00:00Z")).isTrue();
        assertThat(in(t, "2025-03-03T16:59:59Z")).isTrue();
        assertThat(in(t, "2025-03-03T17:00:00Z")).isFalse();
        assertThat(in(t, "2025-03-03T08:59:59Z")).isFalse();
    }

    @Test
    void shouldReadWeekdaysMonthsAndYearsAsInclusiveRanges() {
        TimeIntervals t = load("- {weekdays: ['monday:wednesday', 'saturday'], months: ['january:march', '12'], years: ['2025:2026']}");
        assertThat(in(t, "2025-03-05T12:00:00Z")).as("a Wednesday in March 2025").isTrue();
        assertThat(in(t, "2025-03-06T12:00:00Z")).as("a Thursday").isFalse();
        assertThat(in(t, "2025-12-06T12:00:00Z")).as("a Saturday in December").isTrue();
        assertThat(in(t, "2025-04-07T12:00:00Z")).as("a Monday in April").isFalse();
        assertThat(in(t, "2027-01-04T12:00:00Z")).as("a Monday in January 2027").isFalse();
    }

    @Test
    void shouldCountNegativeDaysOfMonthFromTheEnd() {
        TimeIntervals t = load("- days_of_month: ['-3:-1']");
        assertThat(in(t, "2025-02-26T00:00:00Z")).as("Feb 26 of 28").isTrue();
        assertThat(in(t, "2025-02-25T23:59:00Z")).isFalse();
        assertThat(in(t, "2024-02-27T00:00:00Z")).as("Feb 27 of 29 (leap year)").isTrue();
        assertThat(in(t, "2024-02-26T00:00:00Z")).isFalse();
    }

    @Test
    void shouldReadTheFieldsInTheGivenLocation() {
        TimeIntervals t = load("- {weekdays: ['monday'], times: [{start_time: '00:00', end_time: '01:00'}], location: 'Asia/Tokyo'}");
        assertThat(in(t, "2025-03-02T15:30:00Z")).as("Sunday 15:30 UTC is Monday 00:30 in Tokyo").isTrue();
        assertThat(in(t, "2025-03-03T00:30:00Z")).as("Monday 00:30 UTC is 09:30 in Tokyo").isFalse();
    }

    @Test
    void shouldRejectABadRangeNamingTheKey() {
        assertThatThrownBy(() -> load("- weekdays: ['friday:monday']"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("time_intervals[0].time_intervals[0].weekdays")
                .hasMessageContaining("friday:monday");
        assertThatThrownBy(() -> load("- times: [{start_time: '10:00', end_time: '09:00'}]"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be before end_time");
        assertThatThrownBy(() -> load("- location: Mars/Olympus"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("location").hasMessageContaining("time zone");
    }

    @Test
    void shouldRejectARouteThatNamesAnUnknownInterval() {
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse("""
                route: {receiver: r, routes: [{receiver: r, mute_time_intervals: [nights]}]}
                receivers: [{name: r}]
                """, Map.of(), "test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("route.routes[0].mute_time_intervals")
                .hasMessageContaining("nights");
    }
}
