package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code metrics:} list of rule files and {@code metric} rules: what is read, and every problem named with its field. */
class LogMetricFieldsTest {
    static RuleException invalid(String yaml) {
        return invalid(Map.of("business.yml", yaml));
    }

    static RuleException invalid(Map<String, String> files) {
        try {
            RuleSet.parse(files);
        } catch (RuleException e) {
            return e;
        }
        throw new AssertionError("expected a RuleException");
    }

    @Test
    void shouldReadEveryFieldOfAMetric() {
        RuleSet set = RuleSet.parse(Map.of("business.yml", """
                metrics:
                  - name: order_value
                    kind: distribution
                    help: Order values in EUR
                    field: labels.amount
                    select: {service: [shop, shop-eu], event.action: order-placed, event.category: Sales, level: info,
                             labels: {channel: web}, message: "order \\\\d+"}
                    labels: {plan: labels.plan, outcome: event.outcome}
                    max_series: 50
                """));

        LogMetric m = set.metric("order_value");
        assertThat(m.kind()).isEqualTo(LogMetric.Kind.DISTRIBUTION);
        assertThat(m.field().path()).isEqualTo("labels.amount");
        assertThat(m.labelNames()).containsExactly("service", "plan", "outcome");
        assertThat(m.maxSeries()).isEqualTo(50);
        assertThat(m.help()).isEqualTo("Order values in EUR");
        assertThat(m.select().services()).containsExactlyInAnyOrder("shop", "shop-eu");
        assertThat(m.select().categories()).containsExactly("sales");
        assertThat(m.select().levels()).containsExactly(LogLevel.INFO);
        assertThat(set.metrics()).containsExactly(m);
        assertThat(set.allMetrics()).extracting(LogMetric::name)
                .containsExactly("http_request_size_bytes", "http_response_size_bytes", "web_vitals", "order_value");
    }

    @Test
    void shouldNameDerivedLabelsAfterTheirFields() {
        LogMetric m = RuleSet.parse(Map.of("b.yml", "metrics: [{name: x, labels: [labels.plan, event.outcome, http.route]}]")).metric("x");

        assertThat(m.labelNames()).containsExactly("service", "plan", "event_outcome", "http_route");
    }

    @Test
    void shouldSelectOnlyEventsMatchingEveryCondition() {
        LogMetric m = RuleSet.parse(Map.of("b.yml", """
                metrics: [{name: x, select: {event.action: signup, event.outcome: success, labels: {plan: pro}}}]
                """)).metric("x");
        LogEvent e = LogEvent.newBuilder().setId("1").setTimestamp(Instant.EPOCH).setReceivedAt(Instant.EPOCH).setService("s")
                .setLevel(LogLevel.INFO).setMessage("m").setEvent(EventInfo.newBuilder().setAction("signup").setOutcome("success").build())
                .setLabels(new java.util.HashMap<>(Map.of("plan", "pro"))).build();

        List<Boolean> answers = new ArrayList<>();
        answers.add(m.selects(e));
        e.getLabels().put("plan", "free");
        answers.add(m.selects(e));
        e.getLabels().put("plan", "pro");
        e.getEvent().setOutcome(null);
        answers.add(m.selects(e));
        e.setEvent(null);
        answers.add(m.selects(e));

        assertThat(answers).containsExactly(true, false, false, false);
    }

    @Test
    void shouldRejectAnUnknownKind() {
        RuleException e = invalid("metrics: [{name: signups, kind: rate}]");
        assertThat(e).hasMessage("Invalid rule signups in business.yml, field kind: must be count, sum, distribution or distinct"
                + " (got \"rate\")");
    }

    @Test
    void shouldRequireAFieldForSumDistributionAndDistinctAndNoneForCount() {
        assertThat(invalid("metrics: [{name: revenue, kind: sum}]").field()).isEqualTo("field");
        assertThat(invalid("metrics: [{name: users, kind: distinct}]").getMessage()).contains("e.g. field: user.name");
        assertThat(invalid("metrics: [{name: signups, field: labels.x}]").getMessage()).contains("is not used by kind count");
    }

    @Test
    void shouldRejectAnUnknownFieldPathNamingTheKnownOnes() {
        RuleException e = invalid("metrics: [{name: revenue, kind: sum, field: amount}]");
        assertThat(e.getMessage()).contains("field field: unknown field \"amount\"; use labels.NAME or one of").contains("event.action");
    }

    @Test
    void shouldRejectNamesThatWouldCollideOnMetrics() {
        assertThat(invalid("metrics: [{name: http_logins}]").getMessage()).contains("must not start with http_");
        assertThat(invalid("metrics: [{name: weir_signups}]").getMessage()).contains("must not start with weir_");
        assertThat(invalid("metrics: [{name: signups_total}]").getMessage()).contains("must not end with _total");
        assertThat(invalid("metrics: [{name: tasks_created}]").getMessage()).contains("must not end with _created");
        assertThat(invalid("metrics: [{name: web_vitals}]").getMessage()).contains("built-in");
        assertThat(invalid("metrics: [{name: 9lives}]").field()).isEqualTo("name");
    }

    @Test
    void shouldRejectLabelsTheRowsUseThemselves() {
        assertThat(invalid("metrics: [{name: x, labels: {window: labels.w}}]").field()).isEqualTo("labels.window");
        assertThat(invalid("metrics: [{name: x, labels: {plan: labels.a, plan2: labels.a, PLAN: nothing}}]").field())
                .isEqualTo("labels.PLAN");
    }

    @Test
    void shouldRejectABadSelector() {
        assertThat(invalid("metrics: [{name: x, select: {event.acton: y}}]").field()).isEqualTo("select.event.acton");
        assertThat(invalid("metrics: [{name: x, select: {level: LOUD}}]").field()).isEqualTo("select.level");
        assertThat(invalid("metrics: [{name: x, select: {message: \"(unclosed\"}}]").getMessage())
                .contains("select.message: is not a valid regular expression");
        assertThat(invalid("metrics: [{name: x, select: {service: [{name: shop}]}}]"))
                .hasMessage("Invalid rule x in business.yml, field select.service: must be a list of plain values");
        assertThat(invalid("metrics: [{name: x, select: {labels: {plan: [pro]}}}]").field()).isEqualTo("select.labels.plan");
    }

    @Test
    void shouldRejectAMetricNameUsedInTwoFiles() {
        RuleException e = invalid(Map.of("a.yml", "metrics: [{name: signups}]", "b.yml", "metrics: [{name: signups}]"));
        assertThat(e.getMessage()).contains("b.yml").contains("already used in a.yml");
    }

    @Test
    void shouldResolveAMetricRuleAgainstAMetricOfAnotherFile() {
        RuleSet set = RuleSet.parse(Map.of("a.yml", "metrics: [{name: signups, labels: [labels.plan]}]", "b.yml", """
                rules: [{alert: NoSignups, signal: metric, metric: signups, op: "<", threshold: 1, group_by: [service, plan],
                         severity: critical}]
                """));

        Rule r = set.rule("NoSignups");
        assertThat(r.metricKind()).isEqualTo(LogMetric.Kind.COUNT);
        assertThat(r.minEvents()).isZero();
        assertThat(r.holdsWhenEmpty()).isTrue();
    }

    @Test
    void shouldRejectAMetricRuleWithoutItsMetricOrAskingForLabelsItDoesNotKeep() {
        assertThat(invalid("rules: [{alert: A, signal: metric, metric: nope, threshold: 1, severity: x}]").getMessage())
                .contains("field metric: no metric nope is declared");
        assertThat(invalid("""
                metrics: [{name: signups}]
                rules: [{alert: A, signal: metric, metric: signups, threshold: 1, severity: x, group_by: [service, plan]}]
                """).getMessage()).contains("field group_by: metric signups keeps no label plan");
        assertThat(invalid("rules: [{alert: A, signal: metric, threshold: 1, severity: x}]").field()).isEqualTo("metric");
        assertThat(invalid("rules: [{alert: A, signal: error_ratio, metric: x, threshold: 1, severity: x}]").field()).isEqualTo("metric");
    }

    @Test
    void shouldRequireAQuantileForADistributionMetricOnly() {
        assertThat(invalid("""
                rules: [{alert: A, signal: metric, metric: web_vitals, threshold: 2500, severity: x}]
                """).getMessage()).contains("field quantile: is required for a distribution metric");
        assertThat(invalid("""
                metrics: [{name: signups}]
                rules: [{alert: A, signal: metric, metric: signups, quantile: 0.9, threshold: 1, severity: x}]
                """).getMessage()).contains("field quantile: is only for distribution metrics");
    }

    @Test
    void shouldSkipOnlyTheRuleWithAMissingMetricWhenLenient() {
        List<RuleException> errors = new ArrayList<>();
        RuleSet set = RuleSet.lenient(Map.of("a.yml", """
                metrics: [{name: signups}]
                rules:
                  - {alert: Good, signal: metric, metric: signups, threshold: 1, severity: x}
                  - {alert: Bad, signal: metric, metric: gone, threshold: 1, severity: x}
                """), errors::add);

        assertThat(set.rules()).extracting(Rule::name).containsExactly("Good");
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("Bad"));
    }

    @Test
    void shouldKeepTheVersionOfRulesThatReadNoMetric() throws Exception {
        Rule r = RuleSet.parse(Map.of("a.yml", RuleSetTest.VALID)).rule("HighErrorRate");

        // the hash over the fields a rule had before metrics existed: their state survives the upgrade
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(List.of(r.signal(), r.groupBy(), r.match(), r.window(),
                r.op(), r.threshold(), r.quantile(), r.level(), r.objective(), r.latencySli(), r.sliLatencyMs(), r.burnWindows(),
                r.lookback(), r.baseline(), r.probeSli()).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.version()).isEqualTo(java.nio.ByteBuffer.wrap(d, 0, 8).getLong());
    }
}
