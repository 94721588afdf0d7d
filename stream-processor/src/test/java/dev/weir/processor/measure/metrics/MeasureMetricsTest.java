package dev.weir.processor.measure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.measure.MeasureSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-event series, counted the way Prometheus will read them, also when stream threads share the instance. */
class MeasureMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MeasureMetrics metrics = new MeasureMetrics(registry, MeasureSettings.defaults());

    @Test
    void shouldCountEachStatusOfARouteInItsOwnSeries() {
        metrics.request("shop", "GET", "/cart", 200, 12.0);
        metrics.request("shop", "GET", "/cart", 500, 30.0);
        metrics.request("shop", "GET", "/cart", 200, null);
        metrics.request("shop", "POST", "/cart", 200, 5.0);
        metrics.request("shop", "BREW", "/cart", 418, 1.0);

        assertThat(requests("shop", "GET", "/cart", "200")).isEqualTo(2);
        assertThat(requests("shop", "GET", "/cart", "500")).isEqualTo(1);
        assertThat(requests("shop", "POST", "/cart", "200")).isEqualTo(1);
        assertThat(requests("shop", "OTHER", "/cart", "418")).isEqualTo(1);
        Timer get = registry.find("http.request.duration").tags("service", "shop", "method", "GET", "route", "/cart").timer();
        assertThat(get.count()).isEqualTo(2); // the request without a duration is counted, not timed
        assertThat(get.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42.0);
        assertThat(registry.scrape()).contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/cart\",service=\"shop\",le=\"0.025\"} 1");
    }

    @Test
    void shouldRegisterNoDurationSeriesForARouteWithoutDurations() {
        metrics.request("shop", "GET", "/health", 200, null);
        assertThat(requests("shop", "GET", "/health", "200")).isEqualTo(1);
        assertThat(registry.find("http.request.duration").tags("route", "/health").timer()).isNull();
    }

    @Test
    void shouldCountLogsPerServiceAndSeverity() {
        metrics.log("shop", true, 1);
        metrics.log("shop", false, 1);
        metrics.log("shop", false, 1);
        metrics.log("auth", true, 1);
        assertThat(logs("shop", "error")).isEqualTo(1);
        assertThat(logs("shop", "other")).isEqualTo(2);
        assertThat(logs("auth", "error")).isEqualTo(1);
        assertThat(registry.find("weir.measured.logs").tags("service", "auth", "severity", "other").counter()).isNull();
    }

    @Test
    void shouldLoseNoIncrementWhenThreadsShareTheSeries() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        int[] statuses = {200, 201, 404, 500, 503};
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        // new series appear while other threads count: statuses and services first seen concurrently
                        metrics.request("svc-" + (i % 7), "GET", "/r", statuses[i % statuses.length], 1.0);
                        metrics.log("svc-" + (i % 7), i % 3 == 0, 1);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double requests = registry.find("http.requests").counters().stream().mapToDouble(Counter::count).sum();
        double logs = registry.find("weir.measured.logs").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(requests).isEqualTo(threads * perThread);
        assertThat(logs).isEqualTo(threads * perThread);
        assertThat(registry.find("http.requests").counters()).hasSize(7 * statuses.length);
        assertThat(registry.find("http.request.duration").timers().stream().mapToLong(Timer::count).sum()).isEqualTo(threads * perThread);
    }

    private double requests(String service, String method, String route, String status) {
        Counter c = registry.find("http.requests").tags("service", service, "method", method, "route", route, "status", status).counter();
        return c == null ? 0 : c.count();
    }

    private double logs(String service, String severity) {
        Counter c = registry.find("weir.measured.logs").tags("service", service, "severity", severity).counter();
        return c == null ? 0 : c.count();
    }
}
