package dev.weir.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian {@code prometheus}, started here on a free port) evaluates the seeds'
 * {@code HighErrorRate} rule (seed 004, {@code monitoring/alert-rules.yml}; only {@code for} is
 * shortened to 0s) against a service this test serves, and sends its alert with
 * {@code alerting.alertmanagers[].api_version: v2} to the emitter, which routes it to the seed's
 * {@code slack-alerts} receiver: a local Slack stub.
 */
class PrometheusCompatibilityTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

    private final RecordingHttpServer slack = new RecordingHttpServer();
    private final AtomicLong requests = new AtomicLong();
    private HttpServer service;
    private EmitterApp emitter;
    private Process prometheus;
    private Path dir;

    @BeforeEach
    void setUp(@TempDir Path dir) throws IOException {
        assertThat(Files.isExecutable(PROMETHEUS)).as("Debian prometheus must be installed: run bin/install-test-deps").isTrue();
        this.dir = dir;
        // A service whose every scrape shows 100 more requests, 10 of them answered 500.
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/metrics", exchange -> {
            long n = requests.incrementAndGet();
            byte[] body = ("# TYPE http_requests_total counter\n"
                    + "http_requests_total{status=\"200\"} " + (90 * n) + "\n"
                    + "http_requests_total{status=\"500\"} " + (10 * n) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.start();

        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: default-receiver
                  group_by: ['alertname', 'cluster', 'service']
                  group_wait: 0s
                  group_interval: 10s
                  repeat_interval: 12h
                  routes:
                    - match_re:
                        severity: critical|high|medium
                      receiver: 'slack-alerts'
                receivers:
                  - name: 'default-receiver'
                  - name: 'slack-alerts'
                    slack_configs:
                      - api_url: '%s'
                        channel: '#keneyapp-alerts'
                        title: '{{ .CommonLabels.severity | toUpper }}: {{ .CommonAnnotations.summary }}'
                        text: |
                          {{ range .Alerts }}
                          *Description:* {{ .Annotations.description }}
                          *Runbook:* {{ .Annotations.runbook }}
                          {{ end }}
                        color: '{{ if eq .CommonLabels.severity "critical" }}danger{{ else if eq .CommonLabels.severity "high" }}warning{{ else }}good{{ end }}'
                """.formatted(slack.url("/services/T000/B000/XXXX")));
        emitter = new EmitterApp(new EmitterApp.Settings(config, 0, null, null, null, Clock.systemUTC(), null)).start();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(prometheus.isAlive()).as("Prometheus stopped").isFalse();
        }
        if (emitter != null) {
            emitter.close();
        }
        if (service != null) {
            service.stop(0);
        }
        slack.close();
    }

    private void startPrometheus() throws IOException {
        Files.writeString(dir.resolve("alert-rules.yml"), """
                groups:
                  - name: keneyapp
                    rules:
                      - alert: HighErrorRate
                        expr: |
                          rate(http_requests_total{status=~"5.."}[5m]) /
                          rate(http_requests_total[5m]) > 0.05
                        for: 0s
                        labels:
                          severity: critical
                          service: backend
                        annotations:
                          summary: "High error rate detected"
                          description: "Error rate is {{ $value | humanizePercentage }} (threshold: 5%%)"
                          runbook: "https://github.com/ISData-consulting/keneyapp/blob/main/docs/INCIDENT_RESPONSE.md#high-error-rate"
                """.formatted());
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ['alert-rules.yml']
                alerting:
                  alertmanagers:
                    - api_version: v2
                      static_configs:
                        - targets: ['127.0.0.1:%d']
                scrape_configs:
                  - job_name: keneyapp-backend
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(emitter.port(), service.getAddress().getPort()));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        prometheus = new ProcessBuilder(PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
    }

    private String prometheusLog() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Test
    void shouldDeliverAPrometheusRuleAlertToTheSlackStub() throws Exception {
        startPrometheus();

        Poll.until(Duration.ofSeconds(60), () -> !slack.bodies().isEmpty(),
                () -> "a Slack request (scrapes: " + requests.get() + ", Prometheus alive: " + prometheus.isAlive()
                        + "); Prometheus log ends:\n" + prometheusLog());

        JsonNode attachment = slack.json().get(0).get("attachments").get(0);
        assertThat(slack.json().get(0).get("channel").asText()).isEqualTo("#keneyapp-alerts");
        assertThat(attachment.get("title").asText()).isEqualTo("CRITICAL: High error rate detected");
        assertThat(attachment.get("color").asText()).isEqualTo("danger");
        assertThat(attachment.get("text").asText())
                .contains("*Description:* Error rate is 100% (threshold: 5%)")
                .contains("*Runbook:* https://github.com/ISData-consulting/keneyapp/blob/main/docs/INCIDENT_RESPONSE.md#high-error-rate");
    }
}
