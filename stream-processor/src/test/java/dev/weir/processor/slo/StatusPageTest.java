package dev.weir.processor.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusPageTest {
    private static List<SloQueries.DayCount> days(long good, long total) {
        List<SloQueries.DayCount> d = new ArrayList<>();
        for (int i = 0; i < 89; i++) {
            d.add(new SloQueries.DayCount("2026-09-" + i, 0, 0));
        }
        d.add(new SloQueries.DayCount("2026-12-07", good, total));
        return d;
    }

    private static StatusPage.ProbePart probe(String name, boolean up, long failures) {
        return new StatusPage.ProbePart(new SloQueries.ProbeView(name, "shop", up, up ? 200 : 503, 12, failures, "t", "t",
                Map.of(), Map.of(), failures), days(up ? 10 : 7, 10));
    }

    @Test
    void shouldMaskAddressesAndUrlsButNotTimes() {
        assertThat(StatusPage.mask("db 10.0.0.5 and fe80::1 and 2001:db8:0:0:0:0:2:1 at https://x.internal/health since 05:47:18"))
                .isEqualTo("db … and … and … at … since 05:47:18");
    }

    @Test
    void shouldCallAProbeDegradedAfterOneFailureAndDownAfterThree() {
        StatusPage.Status s = StatusPage.build(new StatusPage.Parts(List.of(),
                List.of(probe("a", true, 0), probe("b", false, 1), probe("c", false, 3)), List.of()), "now");

        assertThat(s.targets()).extracting(StatusPage.Target::state).containsExactly("operational", "degraded", "down");
        assertThat(s.overall()).isEqualTo("down");
        assertThat(s.targets().get(1).days()).hasSize(90).last().satisfies(d -> assertThat(d.ratio()).isEqualTo(0.7));
        assertThat(s.targets().get(1).days().get(0).ratio()).isNull();
    }

    @Test
    void shouldShowOnlyServicesOfPublicSlosAndTheirBurnAsState() {
        Map<String, long[]> paging = Map.of("5m", new long[] {80, 100}, "1h", new long[] {800, 1000}, "30m", new long[] {400, 500},
                "6h", new long[] {900, 1000});
        SloQueries.SloView burning = new SloQueries.SloView("pay", "pay", null, "availability", 0.99, "30d", 900, 1000, -900,
                Map.of(), paging, List.of(), true);
        SloQueries.SloView hidden = new SloQueries.SloView("internal", "billing", null, "availability", 0.99, "30d", 10, 10, 100,
                Map.of(), Map.of(), List.of(), false);

        StatusPage.Status s = StatusPage.build(new StatusPage.Parts(List.of(new StatusPage.SloPart(burning, days(9, 10)),
                new StatusPage.SloPart(hidden, days(10, 10))), List.of(), List.of()), "now");

        assertThat(s.targets()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("pay");
            assertThat(t.kind()).isEqualTo("service");
            assertThat(t.state()).isEqualTo("down");
        });
    }
}
