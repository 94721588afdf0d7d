package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.bench.report.Markdown;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.route.RouteCardinality;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

    @Test
    void shouldSumStoresWithoutAColumnUnderOther() {
        StateSize.Point p = point(DistinctKeys.LOGINS, 10, Map.of(MeasureTopology.LOGINS_BY_USER_STORE, 10L,
                "logins-by-user-emitted-store", 1L, "errors-emitted-store", 1L));

        Map<String, long[]> columns = ScaleReport.byColumn(p);

        assertThat(columns.get(MeasureTopology.LOGINS_BY_USER_STORE)).containsExactly(1_000, 10);
        assertThat(columns.get(ScaleReport.OTHER)).containsExactly(200, 2);
        assertThat(columns.get(MeasureTopology.LOGINS_BY_SOURCE_STORE)).containsExactly(0, 0);
    }

    @Test
    void shouldTellGrowingStoresFromCappedOnesPerKind() {
        List<StateSize.Point> points = List.of(
                point(DistinctKeys.ROUTES, 1_000, Map.of(RouteCardinality.STORE, 501L, MeasureTopology.CARDINALITY_STORE, 202L)),
                point(DistinctKeys.ROUTES, 100_000, Map.of(RouteCardinality.STORE, 501L, MeasureTopology.CARDINALITY_STORE, 202L)),
                point(DistinctKeys.LOGINS, 10_000, Map.of(MeasureTopology.LOGINS_BY_USER_STORE, 10_000L)),
                point(DistinctKeys.LOGINS, 1_000_000, Map.of(MeasureTopology.LOGINS_BY_USER_STORE, 1_000_000L)));

        List<String> lines = ScaleReport.growthLines(points);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("**" + DistinctKeys.ROUTES.label() + "**")
                .contains("bounded: `" + RouteCardinality.STORE + "` 501 → 501");
        assertThat(lines.get(1)).contains("grows with the keys: `" + MeasureTopology.LOGINS_BY_USER_STORE + "` 10,000 → 1,000,000");
    }

    @Test
    void shouldReportTheLargestLoginPointInTheHeadline() {
        List<StateSize.Point> points = List.of(
                point(DistinctKeys.LOGINS, 10_000, Map.of(MeasureTopology.LOGINS_BY_USER_STORE, 10_000L)),
                point(DistinctKeys.LOGINS, 1_000_000, Map.of(MeasureTopology.LOGINS_BY_USER_STORE, 1_000_000L,
                        MeasureTopology.LOGINS_BY_SOURCE_STORE, 1_000_000L)));

        List<String> row = ScaleReport.state(new Markdown(), points, "test");

        assertThat(row.get(0)).contains("1,000,000 distinct users");
        assertThat(row.get(1)).contains("1,000,000 + 1,000,000 entries");
    }

    /** A point whose stores hold 100 bytes per entry. */
    private static StateSize.Point point(DistinctKeys kind, int keys, Map<String, Long> entries) {
        Map<String, Long> bytes = new java.util.TreeMap<>();
        entries.forEach((store, n) -> bytes.put(store, 100 * n));
        return new StateSize.Point(kind, keys, 1.0, 0, bytes, bytes, entries, Map.of(), 1_000_000, 2_000_000, 1.0, 0.5);
    }
}
