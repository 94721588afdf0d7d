package dev.weir.processor.rules;

import static dev.weir.processor.rules.RulesDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weir.processor.ProcessorDriver;
import dev.weir.processor.logmetric.LogMetricQueries;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log metrics in the production {@link RulesTopology} (TopologyTestDriver, explicit event times): what each kind
 * measures of the events its selector picks, the overflow series, the built-in size and Web Vitals distributions,
 * bounded state, hot reload through the rules topic, and the rule signal {@code metric} ("signups stopped").
 */
class LogMetricTopologyTest {
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

    static LogEvent event(String service, String action, String outcome, Map<String, String> labels, Instant at) {
        return LogEvent.newBuilder().setId("m" + IDS.incrementAndGet()).setTimestamp(at).setReceivedAt(at).setService(service)
                .setLevel(LogLevel.INFO).setMessage("user " + action + " " + outcome)
                .setEvent(EventInfo.newBuilder().setCategory("iam").setAction(action).setOutcome(outcome).build())
                .setLabels(new HashMap<>(labels)).build();
    }

    static LogEvent signup(String plan, Instant at) {
        return event("accounts", "user-signup", "success", Map.of("plan", plan), at);
    }

    private LogMetricQueries queries() {
        return new LogMetricQueries(d.driver.getKeyValueStore(RulesTopology.METRICS_STORE));
    }

    private LogMetricQueries.MetricView view(String metric, Instant now) {
        RuleSet rules = RuleSet.parse(Map.of("test.yml", yaml));
        return queries().view(rules.metric(metric), now.toEpochMilli(), true);
    }

    private static LogMetricQueries.SeriesView series(LogMetricQueries.MetricView v, Map<String, String> labels) {
        return v.series().stream().filter(s -> s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + labels + " in " + v.series()));
    }

    private String yaml;

    private void start(String rules) {
        yaml = rules;
        d = RulesDriver.withRules(rules, stateDir);
    }

    private static final String SIGNUPS = """
            metrics:
              - name: signups
                help: Accounts created
                select: {event.action: user-signup, event.outcome: success}
                labels: [labels.plan]
            """;

    @Test
    void shouldCountTheSelectedEventsPerSeriesOverEachWindowAndInTotal() {
        start(SIGNUPS);
        for (int i = 0; i < 7; i++) {
            d.send(signup("pro", T0.plusSeconds(i * 60L)));
        }
        d.send(signup("free", T0.plusSeconds(400)));
        d.send(event("accounts", "user-signup", "failure", Map.of("plan", "pro"), T0.plusSeconds(410))); // not selected
        d.send(event("accounts", "user-login", "success", Map.of("plan", "pro"), T0.plusSeconds(420))); // not selected

        LogMetricQueries.MetricView v = view("signups", T0.plusSeconds(420));

        assertThat(v.labels()).containsExactly("service", "plan");
        LogMetricQueries.SeriesView pro = series(v, Map.of("service", "accounts", "plan", "pro"));
        assertThat(pro.total()).isEqualTo(7);
        assertThat(pro.windows().get("1m").count()).isZero(); // minute 7 (T0 + 420 s) holds none of them
        assertThat(pro.windows().get("5m").count()).isEqualTo(4); // minutes 3, 4, 5, 6
        assertThat(pro.windows().get("1h").value()).isEqualTo(7.0);
        assertThat(pro.windows().get("1d").count()).isEqualTo(7);
        assertThat(pro.points()).hasSize(60);
        assertThat(pro.points().stream().mapToLong(p -> p.value().count()).sum()).isEqualTo(7);
        assertThat(series(v, Map.of("service", "accounts", "plan", "free")).total()).isEqualTo(1);
    }

    @Test
    void shouldCountALineRepeatedNTimesNTimes() {
        start(SIGNUPS);
        LogEvent repeated = signup("pro", T0);
        repeated.setCount(5L);
        d.send(repeated);
        d.send(signup("pro", T0.plusSeconds(1)));

        LogMetricQueries.SeriesView pro = series(view("signups", T0.plusSeconds(1)), Map.of("service", "accounts", "plan", "pro"));

        assertThat(pro.total()).isEqualTo(6);
        assertThat(pro.windows().get("1m").count()).isEqualTo(6);
    }

    @Test
    void shouldSumAFieldAndLeaveOutEventsWithoutANumberThere() {
        start("""
                metrics:
                  - {name: payments_amount, kind: sum, field: labels.amount, select: {event.action: payment}}
                """);
        d.send(event("billing", "payment", "success", Map.of("amount", "19.99"), T0));
        d.send(event("billing", "payment", "success", Map.of("amount", "5.01"), T0.plusSeconds(1)));
        d.send(event("billing", "payment", "success", Map.of("amount", "lots"), T0.plusSeconds(2)));
        d.send(event("billing", "payment", "success", Map.of(), T0.plusSeconds(3)));

        LogMetricQueries.SeriesView s = series(view("payments_amount", T0.plusSeconds(3)), Map.of("service", "billing"));

        assertThat(s.total()).isEqualTo(2);
        assertThat(s.sum()).isCloseTo(25.0, within(1e-9));
        assertThat(s.windows().get("5m").value()).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void shouldKeepADistributionsQuantilesWithinOnePercent() {
        start("""
                metrics:
                  - {name: cart_value, kind: distribution, field: labels.value, select: {event.action: checkout}}
                """);
        for (int i = 1; i <= 1000; i++) {
            d.send(event("shop", "checkout", "success", Map.of("value", Integer.toString(i)), T0.plusMillis(i)));
        }

        LogMetricQueries.Value w = series(view("cart_value", T0.plusSeconds(2)), Map.of("service", "shop")).windows().get("5m");

        assertThat(w.count()).isEqualTo(1000);
        assertThat(w.quantiles().get("p50")).isCloseTo(500, within(5.0));
        assertThat(w.quantiles().get("p95")).isCloseTo(950, within(9.5));
        assertThat(w.quantiles().get("p99")).isCloseTo(990, within(9.9));
    }

    @Test
    void shouldEstimateDistinctUsersWithinTheSketchsError() {
        start("""
                metrics:
                  - {name: active_users, kind: distinct, field: user.name, select: {event.action: user-login}}
                """);
        for (int i = 0; i < 3000; i++) {
            LogEvent e = event("accounts", "user-login", "success", Map.of(), T0.plusMillis(i * 10L));
            e.setUserName("user-" + (i % 1000)); // each user three times
            d.send(e);
        }

        LogMetricQueries.Value w = series(view("active_users", T0.plusSeconds(30)), Map.of("service", "accounts")).windows().get("1h");

        assertThat(w.count()).isEqualTo(3000);
        assertThat(w.value()).isCloseTo(1000, within(50.0)); // 3 standard errors of lgK 12
    }

    @Test
    void shouldSendSeriesBeyondMaxSeriesToTheOverflowSeries() {
        start("""
                metrics:
                  - {name: signups, select: {event.action: user-signup}, labels: [labels.plan], max_series: 2}
                """);
        for (String plan : List.of("free", "pro", "team", "enterprise", "team")) {
            d.send(signup(plan, T0));
        }

        LogMetricQueries.MetricView v = view("signups", T0);

        assertThat(v.series()).hasSize(3);
        assertThat(series(v, Map.of("service", "__overflow__", "plan", "__overflow__")).total()).isEqualTo(3);
    }

    @Test
    void shouldSelectOnLevelAndMessagePattern() {
        start("""
                metrics:
                  - {name: card_declines, select: {level: [WARN, ERROR], message: "card .* declined"}}
                """);
        LogEvent declined = event("billing", "x", "failure", Map.of(), T0);
        declined.setLevel(LogLevel.WARN);
        declined.setMessage("card 4*** declined by issuer");
        LogEvent info = event("billing", "x", "failure", Map.of(), T0);
        info.setMessage("card 4*** declined by issuer");
        LogEvent other = event("billing", "x", "failure", Map.of(), T0);
        other.setLevel(LogLevel.ERROR);
        other.setMessage("card accepted");
        d.send(declined);
        d.send(info);
        d.send(other);

        assertThat(series(view("card_declines", T0), Map.of("service", "billing")).total()).isEqualTo(1);
    }

    @Test
    void shouldMeasureRequestAndResponseSizesPerServiceAndRouteBuiltIn() {
        start("rules: []");
        for (int i = 1; i <= 100; i++) {
            RequestEvent r = RuleEvents.request("shop", 200, 10, T0.plusMillis(i));
            r.setBytes((long) i * 100);
            r.setEcs(new HashMap<>(Map.of("http.request.body.bytes", (long) i))); // where the normaliser keeps it (an ECS field)
            d.send(r);
        }
        d.send(RuleEvents.request("shop", 200, 10, T0.plusMillis(200))); // no sizes: not measured
        RuleSet rules = RuleSet.parse(Map.of("test.yml", "rules: []"));

        LogMetricQueries.Value response = series(queries().view(rules.metric("http_response_size_bytes"), T0.toEpochMilli(), false),
                Map.of("service", "shop", "route", "/orders")).windows().get("1m");
        LogMetricQueries.Value request = series(queries().view(rules.metric("http_request_size_bytes"), T0.toEpochMilli(), false),
                Map.of("service", "shop", "route", "/orders")).windows().get("1m");

        assertThat(response.count()).isEqualTo(100);
        assertThat(response.quantiles().get("p99")).isCloseTo(9900, within(99.0));
        assertThat(request.count()).isEqualTo(100);
        assertThat(request.quantiles().get("p50")).isCloseTo(50, within(0.5));
    }

    @Test
    void shouldMeasureWebVitalsPerPageAndVitalBuiltIn() {
        start("rules: []");
        for (int i = 1; i <= 20; i++) {
            LogEvent e = event("web", "web-vital", "success", Map.of("vital", "LCP", "value", Integer.toString(1000 + i)), T0);
            e.getEvent().setCategory("web");
            e.setHttp(new HttpInfo(null, "/products/{id}", "/products/7", null, null, null));
            d.send(e);
        }
        RuleSet rules = RuleSet.parse(Map.of("test.yml", "rules: []"));

        LogMetricQueries.Value lcp = series(queries().view(rules.metric("web_vitals"), T0.toEpochMilli(), false),
                Map.of("service", "web", "page", "/products/{id}", "vital", "LCP")).windows().get("5m");

        assertThat(lcp.count()).isEqualTo(20);
        assertThat(lcp.quantiles().get("p75")).isCloseTo(1015, within(10.2));
    }

    @Test
    void shouldDeleteBucketsOlderThanAnHourAndForgetASeriesIdleForADay() {
        start(SIGNUPS);
        for (int i = 0; i < 120; i++) {
            d.send(signup("pro", T0.plusSeconds(i * 60L)));
        }
        d.advanceWallClock(Duration.ofMinutes(1));

        assertThat(minuteBuckets()).isLessThanOrEqualTo(61);
        d.advanceWallClock(Duration.ofHours(26));
        assertThat(allKeys()).isEmpty();
    }

    private long minuteBuckets() {
        return allKeys().stream().filter(k -> k.contains("\u0000m")).count();
    }

    private List<String> allKeys() {
        KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(RulesTopology.METRICS_STORE);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void shouldPickUpAMetricPublishedToTheRulesTopic() {
        start("rules: []");
        d.send(signup("pro", T0)); // no metric yet
        d.rules.pipeInput("business.yml", SIGNUPS);
        d.advanceWallClock(Duration.ofSeconds(2));
        d.send(signup("pro", T0.plusSeconds(1)));
        yaml = SIGNUPS;

        assertThat(series(view("signups", T0.plusSeconds(1)), Map.of("service", "accounts", "plan", "pro")).total()).isEqualTo(1);
    }

    @Test
    void shouldFireWhenSignupsStopAndResolveWhenTheyResume() {
        start(SIGNUPS + """
                rules:
                  - alert: SignupsStopped
                    signal: metric
                    metric: signups
                    window: 10m
                    op: "<"
                    threshold: 1
                    severity: critical
                    annotations: {summary: "no signups on {{ $labels.service }} for 10 minutes"}
                """);
        for (int i = 0; i < 5; i++) {
            d.send(signup("pro", T0.plusSeconds(i * 30L)));
        }
        assertThat(d.drain()).isEmpty();

        d.advanceWallClock(Duration.ofMinutes(9));
        assertThat(d.drain()).isEmpty();
        d.advanceWallClock(Duration.ofMinutes(2));
        List<AlertEvent> firing = d.drain();
        d.send(signup("pro", T0.plusSeconds(11 * 60 + 120)));
        List<AlertEvent> resolved = d.drain();

        assertThat(firing).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getRule()).isEqualTo("SignupsStopped");
            assertThat(a.getLabels()).containsEntry("service", "accounts").doesNotContainKey("plan");
            assertThat(a.getValue()).isZero();
            assertThat(a.getAnnotations()).containsEntry("summary", "no signups on accounts for 10 minutes");
        });
        assertThat(resolved).singleElement().satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
    }

    @Test
    void shouldKeepAStoppedMetricsAlertFiringLongAfterItsWindowEmptied() {
        start(SIGNUPS + """
                rules:
                  - {alert: SignupsStopped, signal: metric, metric: signups, window: 5m, op: "<", threshold: 1, severity: critical}
                """);
        d.send(signup("pro", T0));
        d.advanceWallClock(Duration.ofMinutes(6));
        assertThat(d.drain()).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING);

        d.advanceWallClock(Duration.ofHours(3));

        assertThat(d.drain()).isEmpty();
    }

    @Test
    void shouldFireOnAQuantileOfADistributionMetricPerPlan() {
        start("""
                metrics:
                  - {name: cart_value, kind: distribution, field: labels.value, select: {event.action: checkout}, labels: [labels.plan]}
                rules:
                  - {alert: BigCarts, signal: metric, metric: cart_value, quantile: 0.5, threshold: 100, group_by: [service, plan],
                     severity: warning}
                """);
        List<AlertEvent> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            d.send(event("shop", "checkout", "success", Map.of("plan", "pro", "value", "50"), T0.plusSeconds(i)));
            out.addAll(d.drain());
        }
        for (int i = 0; i < 4; i++) {
            d.send(event("shop", "checkout", "success", Map.of("plan", "pro", "value", "500"), T0.plusSeconds(10 + i)));
            out.addAll(d.drain());
        }
        d.send(event("shop", "checkout", "success", Map.of("plan", "free", "value", "500"), T0.plusSeconds(20)));
        out.addAll(d.drain());

        // pro: the median passes 100 with the fifth sample above it; free fires on its first
        assertThat(out).extracting(a -> a.getLabels().get("plan")).containsExactly("free");
        d.send(event("shop", "checkout", "success", Map.of("plan", "pro", "value", "500"), T0.plusSeconds(21)));
        assertThat(d.drain()).singleElement().satisfies(a -> {
            assertThat(a.getLabels()).containsEntry("plan", "pro");
            assertThat(a.getValue()).isCloseTo(500, within(5.0));
        });
    }

    @Test
    void shouldFireWhenDistinctUsersInTheWindowReachTheThreshold() {
        start("""
                metrics:
                  - {name: active_users, kind: distinct, field: user.name, select: {event.action: user-login}}
                rules:
                  - {alert: ManyUsers, signal: metric, metric: active_users, window: 1h, op: ">=", threshold: 50, severity: info}
                """);
        List<AlertEvent> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            LogEvent e = event("accounts", "user-login", "success", Map.of(), T0.plusSeconds(i));
            e.setUserName("u" + (i % 49)); // 49 distinct, then the 50th
            if (i == 59) {
                e.setUserName("the-fiftieth");
            }
            d.send(e);
            out.addAll(d.drain());
            if (i == 58) {
                assertThat(out).isEmpty();
            }
        }

        assertThat(out).singleElement().satisfies(a -> assertThat(a.getValue()).isCloseTo(50, within(0.5)));
    }

    @Test
    void shouldFireOnASumOverTheWindow() {
        start("""
                metrics:
                  - {name: refunds, kind: sum, field: labels.amount, select: {event.action: refund}}
                rules:
                  - {alert: ManyRefunds, signal: metric, metric: refunds, window: 1h, threshold: 100, severity: warning}
                """);
        d.send(event("billing", "refund", "success", Map.of("amount", "60.5"), T0));
        assertThat(d.drain()).isEmpty();
        d.send(event("billing", "refund", "success", Map.of("amount", "39.5"), T0.plusSeconds(1)));
        assertThat(d.drain()).isEmpty(); // exactly 100 is not above it
        d.send(event("billing", "refund", "success", Map.of("amount", "0.01"), T0.plusSeconds(2)));

        assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getValue()).isCloseTo(100.01, within(1e-6)));
    }

    @Test
    void shouldDeadLetterACorruptRecordAndMeasureTheNextEvent() {
        start(SIGNUPS);
        d.processor.rawLogs.pipeInput(ProcessorDriver.utf8("accounts"), "not json".getBytes(StandardCharsets.UTF_8), T0);
        d.send(signup("pro", T0));

        assertThat(series(view("signups", T0), Map.of("service", "accounts", "plan", "pro")).total()).isEqualTo(1);
        assertThat(d.processor.deadLetters.readRecordsToList()).singleElement()
                .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not json"));
    }
}
