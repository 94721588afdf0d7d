package dev.weir.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final ObjectMapper json = new ObjectMapper();
    private final PrometheusMeterRegistry registry = Metrics.newRegistry("test");
    private final Clock clock = Clock.fixed(Instant.parse("2026-02-08T12:00:00Z"), ZoneOffset.UTC);
    private final AtomicBoolean kafkaUp = new AtomicBoolean(true);

    @AfterEach
    void close() {
        registry.close();
    }

    private Javalin app() {
        Javalin app = Javalin.create();
        Map<String, HealthCheck> checks = new LinkedHashMap<>();
        checks.put("kafka", () -> kafkaUp.get() ? HealthCheck.Status.up("connected")
                : HealthCheck.Status.down("error", "Connection refused"));
        OpsServer.install(app, registry, clock, checks);
        return app;
    }

    @Test
    void shouldAnswerReadyInTheSeedsHealthShape() {
        JavalinTest.test(app(), (server, client) -> {
            var response = client.get("/health/ready");
            assertThat(response.code()).isEqualTo(200);
            JsonNode body = json.readTree(response.body().string());
            assertThat(body.get("status").asText()).isEqualTo("healthy");
            assertThat(body.get("timestamp").asText()).isEqualTo("2026-02-08T12:00:00Z");
            assertThat(body.get("kafka").asText()).isEqualTo("connected");
            assertThat(body.has("errors")).isFalse();
        });
    }

    @Test
    void shouldAnswer503WithErrorsWhenADependencyIsDown() {
        kafkaUp.set(false);
        JavalinTest.test(app(), (server, client) -> {
            var response = client.get("/health/readiness");
            assertThat(response.code()).isEqualTo(503);
            JsonNode body = json.readTree(response.body().string());
            assertThat(body.get("status").asText()).isEqualTo("unhealthy");
            assertThat(body.get("errors").get(0).asText()).isEqualTo("kafka: Connection refused");
        });
    }

    @Test
    void shouldStayLiveWhileNotReady() {
        kafkaUp.set(false);
        JavalinTest.test(app(), (server, client) -> assertThat(client.get("/health/live").code()).isEqualTo(200));
    }

    @Test
    void shouldPassPromtoolCheckMetrics() {
        JavalinTest.test(app(), (server, client) -> {
            String body = client.get("/metrics").body().string();
            Process promtool;
            try {
                promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                throw new AssertionError("promtool is not installed; run bin/install-test-deps", e);
            }
            try (var in = promtool.getOutputStream()) {
                in.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String output = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(promtool.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(output).as("promtool check metrics").isEmpty();
            assertThat(promtool.exitValue()).isZero();
        });
    }

    @Test
    void shouldServeJvmMetricsInPrometheusTextFormat() {
        JavalinTest.test(app(), (server, client) -> {
            var response = client.get("/metrics");
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/plain");
            assertThat(response.body().string()).contains("jvm_memory_used_bytes{").contains("component=\"test\"");
        });
    }
}
