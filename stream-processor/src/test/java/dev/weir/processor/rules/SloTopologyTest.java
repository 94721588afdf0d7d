package dev.weir.processor.rules;

import static dev.weir.processor.rules.RulesDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.slo.SloKeys;
import dev.weir.processor.slo.SloQueries;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe signal and the SLOs of {@link RulesTopology} in a TopologyTestDriver with explicit event
 * times: probe_down fires after N failures or {@code for}, and resolves; an SLO's budget is exact; the
 * burn-rate alerts derived from an SLO fire at the SRE workbook's thresholds and not one event before;
 * the counts stay bounded.
 */
class SloTopologyTest {
    private static final AtomicLong IDS = new AtomicLong();

    @TempDir
    Path stateDir;

    RulesDriver d;

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    static LogEvent probe(String name, boolean up, Instant at) {
        return LogEvent.newBuilder().setId("p" + IDS.incrementAndGet()).setTimestamp(at).setReceivedAt(at).setService("shop")
                .setLevel(up ? LogLevel.INFO : LogLevel.WARN).setMessage("Probe " + name + (up ? " up" : " down"))
                .setEvent(new EventInfo("probe", "http", up ? "success" : "failure", 12_000_000L))
                .setHttp(new HttpInfo("GET", "/health", "/health", up ? 200 : 503, 12.0, null))
                .setLabels(Map.of("probe", name)).build();
    }

    private List<AlertEvent> send(LogEvent e) {
        d.send(e);
        return d.drain();
    }

    private SloQueries queries() {
        return new SloQueries(d.driver.getKeyValueStore(RulesTopology.SLO_STORE));
    }

    @Test
    void shouldFireProbeDownOnTheThirdConsecutiveFailureAndResolveOnTheNextSuccess() {
        d = RulesDriver.withRules("""
                rules:
                  - {alert: ProbeDown, signal: probe_down, threshold: 3, severity: critical, public: true,
                     annotations: {summary: "{{ $labels.probe }} is down"}}
                """, stateDir);

        assertThat(send(probe("api", false, T0))).isEmpty();
        assertThat(send(probe("api", true, T0.plusSeconds(10)))).isEmpty();
        assertThat(send(probe("api", false, T0.plusSeconds(20)))).isEmpty();
        assertThat(send(probe("api", false, T0.plusSeconds(30)))).isEmpty();
        List<AlertEvent> firing = send(probe("api", false, T0.plusSeconds(40)));
        List<AlertEvent> resolved = send(probe("api", true, T0.plusSeconds(50)));

        assertThat(firing).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getLabels()).containsEntry("probe", "api").containsEntry("service", "shop");
            assertThat(a.getValue()).isEqualTo(3.0);
            assertThat(a.getAnnotations()).containsEntry("summary", "api is down");
        });
        assertThat(resolved).singleElement().satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
    }

    @Test
    void shouldFireProbeDownOnlyAfterItFailedForTheWholeForDuration() {
        d = RulesDriver.withRules(ruleFile("rules/default.yml"), stateDir); // the default pack's ProbeDown: for 2m

        assertThat(send(probe("api", false, T0))).isEmpty();
        assertThat(send(probe("api", false, T0.plusSeconds(60)))).isEmpty();
        assertThat(send(probe("api", false, T0.plusSeconds(119)))).isEmpty();
        List<AlertEvent> firing = send(probe("api", false, T0.plusSeconds(120)));

        assertThat(firing).singleElement().satisfies(a -> {
            assertThat(a.getRule()).isEqualTo("ProbeDown");
            assertThat(a.getStartsAt()).isEqualTo(T0.plusSeconds(120));
        });
        assertThat(send(probe("api", true, T0.plusSeconds(150)))).singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
    }

    @Test
    void shouldKeepProbeResultsOutOfTheServicesOwnRules() {
        d = RulesDriver.withRules("""
                rules:
                  - {alert: Warnings, signal: log_rate, level: WARN, threshold: 0, severity: warning}
                """, stateDir);

        assertThat(send(probe("api", false, T0))).isEmpty();
        assertThat(send(RuleEvents.log("shop", LogLevel.WARN, T0.plusSeconds(1)))).hasSize(1);
    }

    private static String ruleFile(String resource) {
        try (var in = SloTopologyTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void requests(String service, int good, int bad, Instant at) {
        for (int i = 0; i < good; i++) {
            d.send(RuleEvents.request(service, 200, 20, at));
        }
        for (int i = 0; i < bad; i++) {
            d.send(RuleEvents.request(service, 503, 20, at));
        }
    }

    private static final String SLOS = """
            slos:
              - {name: pay-availability, service: pay, objective: 99%, min_events: 2000, public: true}
              - {name: tix-availability, service: tix, objective: 99%, min_events: 3000}
              - {name: shop-latency, service: shop, sli: latency, threshold: 100ms, objective: 99%, window: calendar_month}
            """;

    @Test
    void shouldKeepTheErrorBudgetExactly() {
        d = RulesDriver.withRules(SLOS, stateDir);
        requests("pay", 1_995, 5, T0);
        for (int i = 0; i < 30; i++) {
            d.send(RuleEvents.request("shop", 200, i < 3 ? 150 : 50, T0.plusSeconds(i)));
        }
        RuleSet set = RuleSet.parse(Map.of("t.yml", SLOS));

        SloQueries.SloView pay = queries().slo(set.slo("pay-availability"), T0.plusSeconds(60).toEpochMilli());
        SloQueries.SloView shop = queries().slo(set.slo("shop-latency"), T0.plusSeconds(60).toEpochMilli());

        assertThat(pay.good()).isEqualTo(1_995);
        assertThat(pay.total()).isEqualTo(2_000);
        assertThat(pay.errorBudgetRemaining()).isEqualTo(75.0); // 5 bad of a budget of 1 % × 2 000 = 20
        assertThat(pay.burnRates()).containsEntry("5m", 0.25).containsEntry("3d", 0.25);
        assertThat(shop.good()).isEqualTo(27);
        assertThat(shop.total()).isEqualTo(30);
        assertThat(shop.errorBudgetRemaining()).isEqualTo(-900.0); // 10 % slow against a 1 % budget: spent ten times
        assertThat(d.drain()).noneMatch(a -> a.getRule().endsWith("pay-availability")); // below min_events... and below 1x
    }

    /**
     * The page pair 14.4x over 1h and 5m on its own (a 99 % objective: 14.4x is 14.4 % bad): bad traffic 50 minutes
     * ago (in the hour, not in the half hour), good traffic 15 minutes ago (in the half hour, not in the five minutes),
     * and now 856 good requests followed by bad ones. The 5-minute burn reaches exactly 14.4x with the 144th bad request
     * and passes it with the 145th; the 6x pair never holds (its 30-minute window stays under 6x).
     */
    @Test
    void shouldPageOnTheRequestThatTakesTheFiveMinuteBurnPast14Point4() {
        d = RulesDriver.withRules(SLOS, stateDir);
        Instant now = T0.plus(Duration.ofHours(2));
        requests("pay", 0, 500, now.minus(Duration.ofMinutes(50)));
        requests("pay", 2_000, 0, now.minus(Duration.ofMinutes(15)));
        requests("pay", 856, 144, now.minus(Duration.ofMinutes(1)));
        assertThat(d.drain()).noneMatch(a -> a.getRule().equals("ErrorBudgetBurnFast:pay-availability"));

        requests("pay", 0, 1, now.minus(Duration.ofMinutes(1)));

        List<AlertEvent> page = d.drain().stream().filter(a -> a.getRule().equals("ErrorBudgetBurnFast:pay-availability")).toList();
        assertThat(page).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getSeverity()).isEqualTo("page");
            assertThat(a.getLabels()).containsEntry("slo", "pay-availability").containsEntry("service", "pay");
            assertThat(a.getValue()).isEqualTo((500 + 145) / (500 + 2_000 + 1_001.0) / 0.01, org.assertj.core.data.Offset.offset(1e-6));
        });
    }

    /** The ticket pair 3x over 1d and 2h on its own, built the same way one level up (11h, 4h and 30 minutes ago). */
    @Test
    void shouldOpenATicketOnTheRequestThatTakesTheTwoHourBurnPast3() {
        d = RulesDriver.withRules(SLOS, stateDir);
        Instant now = T0.plus(Duration.ofDays(1));
        requests("tix", 0, 300, now.minus(Duration.ofHours(11)));
        requests("tix", 4_000, 0, now.minus(Duration.ofHours(4)));
        requests("tix", 970, 30, now.minus(Duration.ofMinutes(30)));
        assertThat(d.drain()).isEmpty();

        requests("tix", 0, 1, now.minus(Duration.ofMinutes(30)));

        assertThat(d.drain()).singleElement().satisfies(a -> {
            assertThat(a.getRule()).isEqualTo("ErrorBudgetBurnSlow:tix-availability");
            assertThat(a.getSeverity()).isEqualTo("ticket");
        });
    }

    /** With the same burn in every window, the page fires past 6x (its 6h/30m pair), and the ticket past 1x, not before. */
    @Test
    void shouldFireEachUniformBurnAlertJustPastItsLowestFactor() {
        d = RulesDriver.withRules("""
                slos:
                  - {name: even, service: even, objective: 99%}
                """, stateDir);
        requests("even", 990, 10, T0); // exactly 1x
        assertThat(d.drain()).isEmpty();
        requests("even", 0, 1, T0);
        assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getRule()).isEqualTo("ErrorBudgetBurnSlow:even"));

        requests("even", 0, 52, T0.plusSeconds(1)); // 63 bad of 1 053 (5.98x)
        assertThat(d.drain()).isEmpty();
        requests("even", 0, 1, T0.plusSeconds(1)); // 64 of 1 054 (6.07x)
        assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getRule()).isEqualTo("ErrorBudgetBurnFast:even"));
    }

    @Test
    void shouldKeepThreeDaysOfMinutesWhateverTheTrafficAndDeleteOlderOnes() {
        d = RulesDriver.withRules(SLOS, stateDir);
        Instant start = T0;
        for (int minute = 0; minute < 5 * 24 * 60; minute += 7) {
            d.send(RuleEvents.request("pay", 200, 20, start.plus(Duration.ofMinutes(minute))));
        }
        d.advanceWallClock(Duration.ofMinutes(2)); // the cleanup runs once a minute of wall time

        KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(RulesTopology.SLO_STORE);
        List<String> minutes = new ArrayList<>();
        List<String> hours = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.key.startsWith("s:pay-availability\u0000m")) {
                    minutes.add(kv.key);
                } else if (kv.key.startsWith("s:pay-availability\u0000h")) {
                    hours.add(kv.key);
                }
            });
        }
        Instant last = start.plus(Duration.ofMinutes(5 * 24 * 60 - 1 - (5 * 24 * 60 - 1) % 7));
        long lastMinute = SloKeys.Grain.MINUTE.bucket(last.toEpochMilli());
        assertThat(minutes).hasSizeLessThanOrEqualTo(4320 / 7 + 1)
                .allSatisfy(k -> assertThat(Long.parseLong(k.substring(k.length() - 16), 16)).isGreaterThan(lastMinute - 4320));
        assertThat(hours).hasSize(5 * 24); // every hour of the five days is still within the 31 kept
    }
}
