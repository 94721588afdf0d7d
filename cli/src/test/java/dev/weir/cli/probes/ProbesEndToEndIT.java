package dev.weir.cli.probes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.cli.Weir;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A health probe through the whole of Weir on a real broker: probes published with {@code weir probes apply},
 * run by the agent against a local HTTP server that answers 200, then 503, then not at all, then a wrong body,
 * then 200 again; the probe results normalised onto {@code weir.logs}; the processor's {@code probe_down} alert
 * firing after its {@code for} and resolving on recovery; the probe SLO's counts, budget and gauges equal to the
 * results that went through; the public status without addresses.
 */
@ExtendWith(LocalStackExtension.class)
class ProbesEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private HttpServer target;
    private ProcessorApp processor;
    private AgentApp agent;
    private final AtomicReference<String> behaviour = new AtomicReference<>("ok");
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (processor != null) {
            processor.close();
        }
        if (target != null) {
            target.stop(0);
        }
    }

    private void startTarget() throws Exception {
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "probe-target");
            t.setDaemon(true);
            return t;
        }));
        target.createContext("/health", exchange -> {
            String mode = behaviour.get();
            if (mode.equals("hang")) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = (mode.equals("wrong-body") ? "{\"status\":\"starting\"}" : "{\"status\":\"healthy\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(mode.equals("503") ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
    }

    private static <V> KafkaConsumer<String, V> reader(KafkaBroker kafka, String topic, Deserializer<V> values) {
        KafkaConsumer<String, V> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), values);
        List<TopicPartition> parts = new ArrayList<>();
        c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void shouldCarryAProbeFromItsDefinitionToItsAlertItsSloAndTheStatus(KafkaBroker kafka) throws Exception {
        startTarget();
        Path rules = dir.resolve("rules.yml");
        Files.writeString(rules, """
                rules:
                  - alert: ProbeDown
                    signal: probe_down
                    threshold: 1
                    for: 3s
                    severity: critical
                    public: true
                    annotations: {summary: "{{ $labels.probe }} is down"}
                slos:
                  - {name: shop-health, sli: probe, probe: shop-health, service: shop, objective: 99%, public: true, alerts: false}
                """);
        processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withRules(new ProcessorConfig.Rules(rules, null, Duration.ofMillis(200))),
                Clock.systemUTC());
        processor.start();

        Path probes = dir.resolve("probes");
        Files.createDirectories(probes);
        Files.writeString(probes.resolve("shop.yml"), """
                probes:
                  - name: shop-health
                    service: shop
                    url: "http://127.0.0.1:%d/health"
                    interval: 1s
                    timeout: 700ms
                    expect: {status: 200, body_contains: '"status"', json: '$.status == "healthy"'}
                """.formatted(target.getAddress().getPort()));
        Files.writeString(probes.resolve("broken.yml"), "probes:\n  - {name: broken, url: \"http://x/\", expect: {status: [20]}}\n");
        StringWriter err = new StringWriter();
        assertThat(Weir.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "probes", "apply", probes.toString(),
                "--bootstrap-servers", kafka.bootstrapServers())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid probe broken in broken.yml, field expect.status: \"20\" must be status codes between 100 and 599");
        Files.delete(probes.resolve("broken.yml"));
        assertThat(Weir.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "probes", "apply", probes.toString(),
                "--bootstrap-servers", kafka.bootstrapServers())).isEqualTo(0);

        AgentSettings s = AgentSettings.of("agent", kafka.bootstrapServers(), dir.resolve("agent"), List.of())
                .withHttp(HttpSettings.defaults().at("127.0.0.1", 0))
                .withProbes(new AgentSettings.ProbeSettings(true, Topics.PROBES, "weir-probes"));
        agent = new AgentApp(s, Clock.systemUTC());
        agent.start();

        List<LogEvent> results = new ArrayList<>();
        List<AlertEvent> alerts = new ArrayList<>();
        try (KafkaConsumer<String, LogEvent> logs = reader(kafka, Topics.LOGS, WeirSerdes.logEvent().deserializer());
             KafkaConsumer<String, AlertEvent> alertTopic = reader(kafka, Topics.ALERTS, WeirSerdes.alertEvent().deserializer())) {
            Runnable read = () -> {
                for (ConsumerRecord<String, LogEvent> r : logs.poll(Duration.ofMillis(100))) {
                    if ("shop-health".equals(r.value().getLabels().get("probe"))) {
                        results.add(r.value());
                    }
                }
                alertTopic.poll(Duration.ofMillis(100)).forEach(r -> alerts.add(r.value()));
            };
            for (String mode : List.of("ok", "503", "hang", "wrong-body", "ok")) {
                behaviour.set(mode);
                int from = results.size();
                Poll.until(WAIT, () -> {
                    read.run();
                    return results.subList(from, results.size()).stream().filter(e -> matches(mode, e)).count() >= 2;
                }, () -> "two probe results of a target answering '" + mode + "' on weir.logs (have "
                        + results.subList(from, results.size()).stream().map(LogEvent::getMessage).toList() + ")");
                if (mode.equals("503")) {
                    Poll.until(WAIT, () -> {
                        read.run();
                        return alerts.stream().anyMatch(a -> a.getStatus() == AlertStatus.FIRING);
                    }, () -> "ProbeDown to fire (alerts " + alerts + ")");
                }
            }
            Poll.until(WAIT, () -> {
                read.run();
                return alerts.stream().anyMatch(a -> a.getStatus() == AlertStatus.RESOLVED);
            }, () -> "ProbeDown to resolve (alerts " + alerts + ")");

            LogEvent firstFailure = results.stream().filter(e -> !"success".equals(e.getEvent().getOutcome())).findFirst().orElseThrow();
            AlertEvent firing = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING).findFirst().orElseThrow();
            assertThat(firing.getRule()).isEqualTo("ProbeDown");
            assertThat(firing.getLabels()).containsEntry("probe", "shop-health").containsEntry("service", "shop");
            assertThat(Duration.between(firstFailure.getTimestamp(), firing.getStartsAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(alerts).filteredOn(a -> a.getStatus() == AlertStatus.FIRING).hasSize(1);
            assertThat(alerts).filteredOn(a -> a.getStatus() == AlertStatus.RESOLVED).hasSize(1);
            assertThat(results).anySatisfy(e -> assertThat(e.getLabels().get("probe_reason")).isEqualTo("expected status 200, got 503"));
            assertThat(results).anySatisfy(e -> assertThat(e.getLabels().get("probe_reason")).startsWith("no answer within 700 ms"));
            assertThat(results).anySatisfy(e -> assertThat(e.getLabels().get("probe_reason"))
                    .isEqualTo("expected $.status == \"healthy\", got \"starting\""));
            assertThat(results.get(0).getHttp().getStatus()).isEqualTo(200);
            assertThat(results.get(0).getService()).isEqualTo("shop");

            // the SLO on the probe counted exactly the results that went through
            agent.close();
            agent = null;
            Poll.until(WAIT, () -> {
                read.run();
                JsonNode slo = JSON.readTree(get("/api/v1/slos")).path("slos").get(0);
                return slo.path("total").asLong() == results.size() && logs.poll(Duration.ofMillis(300)).isEmpty();
            }, () -> "the SLO to count the " + results.size() + " results");
        }
        long good = results.stream().filter(e -> "success".equals(e.getEvent().getOutcome())).count();
        JsonNode slo = JSON.readTree(get("/api/v1/slos")).path("slos").get(0);
        assertThat(slo.path("name").asText()).isEqualTo("shop-health");
        assertThat(slo.path("good").asLong()).isEqualTo(good);
        double remaining = BigDecimal.valueOf(100).multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(results.size() - good)
                .divide(BigDecimal.valueOf(results.size()).multiply(new BigDecimal("0.01")), MathContext.DECIMAL64))).doubleValue();
        assertThat(slo.path("errorBudgetRemaining").asDouble()).isCloseTo(remaining, org.assertj.core.data.Offset.offset(1e-9));
        String metrics = get("/metrics");
        Matcher m = Pattern.compile("weir_slo_error_budget_remaining\\{[^}]*slo=\"shop-health\"[^}]*} (\\S+)").matcher(metrics);
        assertThat(m.find()).as("the budget gauge in /metrics").isTrue();
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(remaining / 100, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(metrics).contains("weir_slo_burn_rate{").contains("window=\"1h\"").contains("weir_probe_up{");

        String status = get("/api/v1/status");
        JsonNode shop = JSON.readTree(status).path("targets").get(0);
        assertThat(shop.path("name").asText()).isEqualTo("shop-health");
        assertThat(shop.path("kind").asText()).isEqualTo("probe");
        assertThat(shop.path("days")).hasSize(90);
        assertThat(status).doesNotContain("127.0.0.1").doesNotContain("/health\"");
    }

    private static boolean matches(String mode, LogEvent e) {
        String reason = e.getLabels().getOrDefault("probe_reason", "");
        return switch (mode) {
            case "ok" -> "success".equals(e.getEvent().getOutcome());
            case "503" -> reason.contains("got 503");
            case "hang" -> reason.startsWith("no answer within");
            default -> reason.contains("\"starting\"");
        };
    }
}
