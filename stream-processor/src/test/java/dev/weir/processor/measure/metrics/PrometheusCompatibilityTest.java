package dev.weir.processor.measure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.ops.OpsServer;
import dev.weir.processor.ProcessorDriver;
import dev.weir.processor.measure.Events;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.MeasureTopologyTestSupport;
import dev.weir.processor.measure.query.MeasureHttp;
import dev.weir.processor.measure.query.MeasureQueries;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.Poll;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian {@code prometheus}, from {@code bin/install-test-deps}) scrapes the
 * processor's /metrics while the measuring topology processes events; the seeds' PromQL and every
 * query of the dashboards the measures feed ({@link #MEASURE_DASHBOARDS}) are evaluated through
 * Prometheus's HTTP API ({@link PrometheusProcess}; the business and SLO dashboards are checked by
 * {@code BusinessMetricsIT}, against a whole processor).
 *
 * <p>Nothing here may wait without a bound: see {@link PrometheusProcess}, and each test and the
 * setup carry a {@link Timeout} that abandons a stuck thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PrometheusCompatibilityTest {
    /** The dashboards whose every query the measures alone answer. */
    static final List<String> MEASURE_DASHBOARDS = List.of("weir-api-performance.json", "weir-overview.json", "weir-security.json");
    static final int OK_PER_BATCH = 90;
    static final int ERRORS_PER_BATCH = 10;

    @TempDir
    static Path dir;

    final Object lock = new Object();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    ProcessorDriver processor;
    TopologyTestDriver driver;
    PrometheusMeterRegistry registry;
    Javalin app;
    PrometheusProcess prometheus;

    @BeforeAll
    @Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void start() throws Exception {
        MeasureSettings settings = MeasureSettings.defaults();
        // The processor's meters without the JVM binders of dev.weir.common.ops.Metrics, which are not this test's subject.
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("component", "processor");
        processor = new ProcessorDriver(ProcessorDriver.with(ProcessorDriver.settings(), settings), registry, Instant.now(),
                dir.resolve("state"));
        driver = processor.driver;
        MeasureMetrics metrics = processor.measureMetrics();
        MeasureQueries queries = new MeasureQueries(MeasureTopologyTestSupport.storesOf(driver), settings, Clock.systemUTC());

        app = Javalin.create();
        // The driver is not thread-safe: scrapes and piping take turns.
        app.before("/metrics", ctx -> {
            synchronized (lock) {
                metrics.refresh(queries);
            }
        });
        OpsServer.install(app, registry, Clock.systemUTC(), Map.of());
        MeasureHttp.registerSingle(app, queries, null);
        app.start("127.0.0.1", 0);

        prometheus = new PrometheusProcess(dir, app.port());

        pipeBatch(1);
        awaitScraped(1);
        pipeBatch(2);
        awaitScraped(2);
    }

    @AfterAll
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (app != null) {
            app.stop();
        }
        if (driver != null) {
            synchronized (lock) {
                processor.close();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** 90 × 200 and 10 × 503 of 300 ms each, 12 failed logins, and one late event of another service. */
    void pipeBatch(int batch) {
        Instant now = Instant.now();
        synchronized (lock) {
            for (int i = 0; i < OK_PER_BATCH + ERRORS_PER_BATCH; i++) {
                processor.send(Events.request("shop", "/cart/42", i < ERRORS_PER_BATCH ? 503 : 200, 300.0, now));
            }
            for (int i = 0; i < 12; i++) {
                processor.send(Events.authLog("auth", "203.0.113.7", "root", false, now));
            }
            // a late event of another service: stream time is per task, and this one is far behind it
            Instant old = now.minus(Duration.ofMinutes(10));
            processor.send(Events.request("batch", "/jobs", 200, 300.0, old));
        }
    }

    void awaitScraped(int batch) {
        double expected = batch * ERRORS_PER_BATCH;
        Poll.until(Duration.ofSeconds(30), () -> {
            JsonNode r = query("sum(http_requests_total{status=\"503\"})");
            return r.size() == 1 && r.get(0).get("value").get(1).asDouble() == expected;
        }, () -> "Prometheus to have scraped batch " + batch);
    }

    @Test
    void seedErrorRateExpressionReturnsTheFiveHundredsRatePerSeries() throws Exception {
        JsonNode result = query("rate(http_requests_total{status=~\"5..\"}[5m])");

        assertThat(result).hasSize(1);
        JsonNode labels = result.get(0).get("metric");
        assertThat(List.of(labels.get("service").asText(), labels.get("method").asText(), labels.get("route").asText(),
                labels.get("status").asText())).containsExactly("shop", "GET", "/cart/{id}", "503");
        assertThat(result.get(0).get("value").get(1).asDouble()).isPositive();
    }

    @Test
    void errorRatioOfRatesEqualsTheProducedShareOfFiveHundreds() throws Exception {
        JsonNode result = query("sum(rate(http_requests_total{service=\"shop\",status=~\"5..\"}[5m]))"
                + " / sum(rate(http_requests_total{service=\"shop\"}[5m]))");

        assertThat(result.get(0).get("value").get(1).asDouble())
                .isCloseTo((double) ERRORS_PER_BATCH / (OK_PER_BATCH + ERRORS_PER_BATCH), within(1e-9));
    }

    @Test
    void seedP95ExpressionInterpolatesWithinTheDefaultBucket() throws Exception {
        JsonNode result = query("histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))");

        assertThat(result).hasSize(2); // shop and batch
        // every request took 300 ms: bucket (0.25, 0.5], linear interpolation at 95%
        assertThat(result).allSatisfy(r -> assertThat(r.get("value").get(1).asDouble()).isCloseTo(0.25 + 0.25 * 0.95, within(1e-9)));
    }

    @Test
    void seedFailedLoginExpressionSeesTheFailures() throws Exception {
        JsonNode result = query("increase(failed_login_attempts_total[5m]) > 10");

        assertThat(result).hasSize(1);
        assertThat(result.get(0).get("metric").get("service").asText()).isEqualTo("auth");
    }

    @Test
    void windowedErrorRatioGaugeEqualsExactShareOfFiveHundreds() throws Exception {
        JsonNode result = query("weir_error_ratio{service=\"shop\",window=\"1h\"}");

        assertThat(result.get(0).get("value").get(1).asDouble()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void sketchQuantileGaugeIsWithinOnePercentOfTheTrueLatency() throws Exception {
        JsonNode result = query("weir_latency_sketch_seconds{service=\"shop\",window=\"5m\",percentile=\"95\"}");

        assertThat(result.get(0).get("value").get(1).asDouble()).isCloseTo(0.3, within(0.003));
    }

    @Test
    void promtoolCheckMetricsReportsNothing() throws Exception {
        HttpResponse<String> scraped = PrometheusProcess.send(http, URI.create("http://127.0.0.1:" + app.port() + "/metrics"));
        assertThat(scraped.statusCode()).as(scraped.body()).isEqualTo(200);

        assertThat(prometheus.promtoolCheck(scraped.body())).isEmpty();
    }

    @Test
    void everyMeasureDashboardPanelQueryReturnsData() throws Exception {
        PrometheusProcess.PanelCheck panels = prometheus.checkDashboards(MEASURE_DASHBOARDS);
        assertThat(panels.queries()).isGreaterThan(10);
        assertThat(panels.empty()).isEmpty();
    }

    JsonNode query(String promql) throws IOException, InterruptedException {
        return prometheus.query(promql);
    }
}
