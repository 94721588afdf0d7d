package dev.weir.processor.measure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log metrics through the whole processor on a real broker, scraped by a real Prometheus: raw JSON events (signups,
 * tasks, payments, logins, requests with body sizes, Web Vitals, probe results) go onto the raw topics; the example
 * business metrics of {@code deploy/weir/rules/business.yml} and the built-in ones come out on {@code /metrics} and
 * the query API; every query of the business and SLO dashboards returns data; a "signups" rule fires once signups
 * stop and resolves when they resume.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BusinessMetricsIT {
    /** The dashboards this test answers every query of; with the measures' ones, every dashboard Weir ships. */
    static final List<String> DASHBOARDS = List.of("weir-business.json", "weir-slos.json");
    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULES = """
            slos:
              - {name: shop-availability, service: shop, objective: 99%, window: 1h}
              - {name: shop-latency, service: shop, sli: latency, threshold: 300ms, objective: 95%, window: 1h}
              - {name: shop-probe, sli: probe, probe: shop-health, objective: 99%, window: 1h}
            rules:
              - alert: SignupsStoppedNow
                signal: metric
                metric: signups
                window: 10s
                op: "<"
                threshold: 1
                severity: critical
                annotations: {summary: "{{ $labels.service }}: no signups for 10 seconds"}
            """;
    static final int PRO_SIGNUPS = 12;
    static final int FREE_SIGNUPS = 5;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    KafkaBroker kafka;
    ProcessorApp app;
    PrometheusProcess prometheus;
    KafkaProducer<byte[], byte[]> producer;
    Instant lastSignup;

    @BeforeAll
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void start(KafkaBroker kafka, @TempDir Path dir) throws Exception {
        this.kafka = kafka;
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.copy(PrometheusProcess.dashboards().resolve("../../weir/rules/business.yml").normalize(), rules.resolve("business.yml"));
        Files.writeString(rules.resolve("it.yml"), RULES);
        ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("state")).withApplicationId("weir-business-it")
                .withRules(new ProcessorConfig.Rules(rules, null, Duration.ofMillis(200)));
        app = new ProcessorApp(config, Clock.systemUTC());
        app.start();
        producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "business-it"), new ByteArraySerializer(),
                new ByteArraySerializer());
        prometheus = new PrometheusProcess(Files.createDirectories(dir.resolve("prometheus")), app.httpPort());

        Instant now = Instant.now();
        for (int i = 0; i < PRO_SIGNUPS + FREE_SIGNUPS; i++) {
            log("accounts", now, "user signed up", Map.of("event.action", "user-signup", "event.outcome", "success",
                    "labels.plan", i < PRO_SIGNUPS ? "pro" : "free"));
        }
        log("accounts", now, "signup failed", Map.of("event.action", "user-signup", "event.outcome", "failure", "labels.plan", "pro"));
        lastSignup = now;
        for (int i = 0; i < 6; i++) {
            log("tasks", now, "task created", Map.of("event.action", "task-created"));
            log("tasks", now, "task completed", Map.of("event.action", "task-completed"));
            log("billing", now, "payment", Map.of("event.action", "payment", "event.outcome", "success", "labels.amount", 10 + i));
            log("accounts", now, "login", Map.of("event.category", "authentication", "event.outcome", "success", "user.name", "user-" + i));
            log("web", now, "web vital", Map.of("event.category", "web", "event.action", "web-vital", "labels.vital", "LCP",
                    "labels.value", 1200 + i * 100, "url.path", "/products/" + (100 + i)));
            log("shop", now, "Probe shop-health up", Map.of("event.category", "probe", "event.action", "http", "event.outcome", "success",
                    "event.duration", 20_000_000L, "labels.probe", "shop-health"));
        }
        log("billing", now, "payment declined", Map.of("event.action", "payment", "event.outcome", "failure", "labels.amount", 99));
        for (int i = 0; i < 40; i++) {
            ObjectNode r = JSON.createObjectNode().put("@timestamp", now.toString()).put("service.name", "shop")
                    .put("http.request.method", "POST").put("url.path", "/orders/" + i).put("http.response.status_code", i < 2 ? 503 : 200)
                    .put("duration_ms", 100 + i).put("http.request.body.bytes", 500 + i).put("http.response.body.bytes", 2000 + i * 10);
            send(Topics.RAW_REQUESTS, "shop", r);
        }
        producer.flush();
        // every counter scraped at least twice since it appeared, so that rate() has two samples (one query per counter:
        // count_over_time drops the name, and counters of one service would have the same labels)
        List<String> counters = List.of("signups_total", "created_tasks_total", "completed_tasks_total", "payments_total",
                "revenue_total");
        Poll.until(DEADLINE, () -> prometheus.single("sum(signups_total)") == PRO_SIGNUPS + FREE_SIGNUPS
                        && samples(counters) >= 2 && !prometheus.query("weir_probe_duration_seconds").isEmpty(),
                () -> "Prometheus to have scraped every signup from the processor (" + app.state() + "); it has "
                        + describe("sum(signups_total)") + " signups, " + describe("count by (__name__) ({__name__=~\""
                        + String.join("|", counters) + "\"})") + " counters, probe series " + describe("count(weir_probe_duration_seconds)"));
    }

    /** @return the fewest samples Prometheus holds of any series of {@code counters} over the last minute (0 when one has none) */
    private double samples(List<String> counters) throws Exception {
        double fewest = Double.MAX_VALUE;
        for (String c : counters) {
            double n = prometheus.single("min(count_over_time(" + c + "[1m]))");
            fewest = Double.isNaN(n) ? 0 : Math.min(fewest, n);
        }
        return fewest;
    }

    /** @return what Prometheus answers to {@code promql}, for messages */
    private String describe(String promql) {
        try {
            return prometheus.query(promql).toString();
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    private void log(String service, Instant at, String message, Map<String, Object> fields) {
        ObjectNode e = JSON.createObjectNode().put("@timestamp", at.toString()).put("service.name", service).put("log.level", "INFO")
                .put("message", message);
        fields.forEach((k, v) -> e.set(k, JSON.valueToTree(v)));
        send(Topics.RAW_LOGS, service, e);
    }

    private void send(String topic, String key, ObjectNode value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @AfterAll
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void signupsCounterOnMetricsHoldsEverySuccessfulSignupPerPlan() throws Exception {
        assertThat(prometheus.single("signups_total{service=\"accounts\",plan=\"pro\"}")).isEqualTo(PRO_SIGNUPS);
        assertThat(prometheus.single("signups_total{service=\"accounts\",plan=\"free\"}")).isEqualTo(FREE_SIGNUPS);
        assertThat(prometheus.query("{__name__=\"signups_total\"}").get(0).get("metric").get("component").asText()).isEqualTo("processor");
    }

    @Test
    @Order(2)
    void queryApiSeriesAgreeWithTheCounters() throws Exception {
        JsonNode body = JSON.readTree(get("/api/v1/metrics/signups").body());
        JsonNode metric = body.get("metrics").get(0);
        Map<String, Long> totals = new java.util.TreeMap<>();
        for (JsonNode s : metric.get("series")) {
            totals.put(s.get("labels").get("plan").asText(), s.get("total").asLong());
            assertThat(s.get("points")).hasSize(60);
        }

        assertThat(metric.get("kind").asText()).isEqualTo("count");
        assertThat(totals).containsExactly(Map.entry("free", (long) FREE_SIGNUPS), Map.entry("pro", (long) PRO_SIGNUPS));
        assertThat(JSON.readTree(get("/api/v1/metrics").body()).get("metrics")).extracting(m -> m.get("name").asText())
                .contains("signups", "revenue", "active_users", "web_vitals", "http_response_size_bytes");
        assertThat(get("/api/v1/metrics/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void sumsDistributionsAndDistinctCountsReachPrometheus() throws Exception {
        assertThat(prometheus.single("revenue_total{service=\"billing\"}")).isCloseTo(10 + 11 + 12 + 13 + 14 + 15, within(1e-9));
        assertThat(prometheus.single("payments_total{service=\"billing\",outcome=\"failure\"}")).isEqualTo(1);
        assertThat(prometheus.single("active_users{service=\"accounts\",window=\"1h\"}")).isCloseTo(6, within(0.01));
        assertThat(prometheus.single("payment_value{service=\"billing\",window=\"5m\",percentile=\"50\"}")).isCloseTo(12, within(0.12)); // the third of six
        assertThat(prometheus.single("http_response_size_bytes{service=\"shop\",route=\"/orders/{id}\",window=\"5m\",percentile=\"99\"}"))
                .isCloseTo(2380, within(23.8));
        assertThat(prometheus.single("http_request_size_bytes{service=\"shop\",route=\"/orders/{id}\",window=\"5m\",percentile=\"50\"}"))
                .isCloseTo(519, within(5.2));
        assertThat(prometheus.single("web_vitals{service=\"web\",page=\"/products/{id}\",vital=\"LCP\",window=\"5m\",percentile=\"75\"}"))
                .isCloseTo(1500, within(15.0)); // the fourth of six: DDSketch's rank is q × (n − 1)
    }

    @Test
    @Order(4)
    void promtoolFindsNothingWrongWithTheLogMetrics() throws Exception {
        Set<String> names = Set.of("signups_total", "created_tasks_total", "completed_tasks_total", "payments_total", "revenue_total",
                "payment_value", "active_users", "http_request_size_bytes", "http_response_size_bytes", "web_vitals",
                "weir_log_metric_skipped_total");
        String scrape = get("/metrics").body();
        String ours = scrape.lines().filter(l -> {
            String name = l.startsWith("# ") ? l.split(" ")[2] : l.split("[{ ]")[0];
            return names.contains(name);
        }).collect(Collectors.joining("\n", "", "\n"));

        assertThat(ours).contains("# TYPE signups_total counter").contains("# TYPE web_vitals gauge");
        assertThat(prometheus.promtoolCheck(ours)).isEmpty();
    }

    @Test
    @Order(5)
    void everyBusinessAndSloDashboardPanelQueryReturnsData() throws Exception {
        Set<String> all = new HashSet<>(DASHBOARDS);
        all.addAll(PrometheusCompatibilityTest.MEASURE_DASHBOARDS);
        try (var files = Files.list(PrometheusProcess.dashboards())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")))
                    .as("every dashboard is checked by this test or PrometheusCompatibilityTest").containsExactlyInAnyOrderElementsOf(all);
        }
        PrometheusProcess.PanelCheck panels = prometheus.checkDashboards(DASHBOARDS);

        assertThat(panels.queries()).isGreaterThanOrEqualTo(18);
        assertThat(panels.empty()).isEmpty();
    }

    @Test
    @Order(6)
    void signupsRuleFiresOnceSignupsStopAndResolvesWhenTheyResume() throws Exception {
        Map<String, Object> c = KafkaClients.consumer(kafka.bootstrapServers(), "business-it-alerts");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, AlertEvent> alerts = new KafkaConsumer<>(c, new StringDeserializer(),
                WeirSerdes.alertEvent().deserializer())) {
            alerts.subscribe(List.of(Topics.ALERTS));
            List<AlertEvent> seen = new ArrayList<>();
            Poll.until(DEADLINE, () -> {
                alerts.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value().getRule().equals("SignupsStoppedNow")) {
                        seen.add(r.value());
                    }
                });
                return !seen.isEmpty();
            }, () -> "SignupsStoppedNow to fire (processor " + app.state() + ")");
            AlertEvent firing = seen.get(0);
            assertThat(firing.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(firing.getLabels()).containsEntry("service", "accounts");
            // the window held signups until 10 s after the last one (within a ring bucket of 10s / 60)
            assertThat(firing.getStartsAt()).isAfterOrEqualTo(lastSignup.plusMillis(9_800));
            assertThat(firing.getAnnotations()).containsEntry("summary", "accounts: no signups for 10 seconds");

            log("accounts", Instant.now(), "user signed up", Map.of("event.action", "user-signup", "event.outcome", "success",
                    "labels.plan", "pro"));
            producer.flush();
            Poll.until(DEADLINE, () -> {
                alerts.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return seen.stream().anyMatch(a -> a.getStatus() == AlertStatus.RESOLVED);
            }, () -> "SignupsStoppedNow to resolve after a signup");
            assertThat(seen).filteredOn(a -> a.getRule().equals("SignupsStoppedNow")).extracting(AlertEvent::getStatus)
                    .containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        }
        Poll.until(DEADLINE, () -> prometheus.single("signups_total{service=\"accounts\",plan=\"pro\"}") == PRO_SIGNUPS + 1,
                () -> "the new signup on /metrics");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return PrometheusProcess.send(http, URI.create("http://127.0.0.1:" + app.httpPort() + path));
    }
}
