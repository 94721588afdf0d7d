package dev.weir.cli.secure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.LocalStack;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole pipeline on a SASL_SSL broker (SCRAM-SHA-512, CA file) and an Elasticsearch with
 * security on (HTTPS, CA file, basic auth), every component started as {@code weir <component>
 * --config FILE} with its secrets planted through {@code ${file:…}} and {@code ${ENV}}: events
 * posted to the agent are indexed and an alert reaches a webhook receiver through the emitter;
 * the query API answers 401 without the token and 200 with it; then the sink is started again
 * with {@code ca-fingerprint} and a bearer token and indexes what follows. At the end no planted
 * secret appears in any line the components printed nor in any {@code /metrics}.
 */
@ExtendWith(SecuredStack.Extension.class)
class SecuredPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HTTP_TOKEN = "planted-http-" + UUID.randomUUID().toString().substring(0, 8);

    private static Path dir;
    private static LocalStack stack;
    private static String kafkaPassword;
    private static String esPassword;
    private static HttpServer hook;
    private static final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(SecuredStack secured) throws Exception {
        dir = Files.createTempDirectory("weir-secured-it-");
        stack = secured.stack();
        kafkaPassword = secured.kafkaPassword();
        esPassword = secured.esPassword();
        hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
    }

    @AfterAll
    static void stop() {
        if (hook != null) {
            hook.stop(0);
        }
        TempDirs.delete(dir);
    }

    static KafkaBroker kafka() {
        return stack.kafka();
    }

    static ElasticsearchNode elasticsearch() {
        return stack.elasticsearch();
    }

    static Path dir() {
        return dir;
    }

    /** The kafka: block every component gets, with the password read from a file. */
    static String kafkaBlock(String password, Path ca) throws IOException {
        Path secret = dir.resolve("kafka-password-" + UUID.randomUUID());
        Files.writeString(secret, password + "\n");
        return """
                kafka:
                  bootstrap-servers: "%s"
                  security-protocol: SASL_SSL
                  sasl: {mechanism: SCRAM-SHA-512, username: weir, password: "${file:%s}"}
                  ssl: {ca: "%s"}
                """.formatted(kafka().bootstrapServers(), secret, ca);
    }

    static Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldCarryEventsToElasticsearchAndAlertsToAReceiverWithEverythingSecured() throws Exception {
        Path kafkaCa = kafka().security().certificates().ca();
        ElasticsearchNode.Security es = elasticsearch().security();
        String kafkaBlock = kafkaBlock(kafkaPassword, kafkaCa);
        String http = "http: {host: 127.0.0.1, port: %d, token: \"${WEIR_HTTP_TOKEN}\"}\n";
        int processorPort = freePort();
        int sinkPort = freePort();
        int emitterPort = freePort();
        int agentPort = freePort();
        write("rules.yml", """
                rules:
                  - alert: FailedLoginBurst
                    signal: failed_logins
                    group_by: [service, source_ip]
                    window: 1m
                    threshold: 3
                    severity: critical
                    annotations: {summary: "failed logins from {{ $labels.source_ip }}"}
                """);
        Path processor = write("processor.yml", kafkaBlock + http.formatted(processorPort) + """
                application-id: secured-it
                state-dir: %s
                rules: {path: %s}
                """.formatted(dir.resolve("processor-state"), dir.resolve("rules.yml")));
        String sinkCommon = kafkaBlock.replace("kafka:\n", "kafka:\n  group-id: secured-it-sink\n") + http.formatted(sinkPort);
        Path sink = write("sink.yml", sinkCommon + """
                elasticsearch:
                  url: %s
                  username: %s
                  password: "${WEIR_ES_PASSWORD}"
                  ca: "%s"
                """.formatted(elasticsearch().httpUrl(), es.username(), es.certificates().ca()));
        write("alertmanager.yml", """
                route: {receiver: hook, group_by: [alertname, source_ip], group_wait: 0s, group_interval: 1m, repeat_interval: 4h}
                receivers:
                  - name: hook
                    webhook_configs: [{url: "http://127.0.0.1:%d/hook", send_resolved: true}]
                """.formatted(hook.getAddress().getPort()));
        Path emitter = write("emitter.yml", kafkaBlock + http.formatted(emitterPort) + "alertmanager-config: alertmanager.yml\n");
        Path agent = write("agent.yml", kafkaBlock + http.formatted(agentPort) + """
                service: {name: shop, environment: it}
                data-dir: %s
                """.formatted(dir.resolve("agent-data")));

        String accessToken = elasticsearch().accessToken();
        List<String> secrets = List.of(kafkaPassword, esPassword, HTTP_TOKEN, accessToken);
        try (Components weir = new Components(dir, Map.of("WEIR_HTTP_TOKEN", HTTP_TOKEN, "WEIR_ES_PASSWORD", esPassword,
                "WEIR_ES_TOKEN", accessToken))) {
            awaitReady(weir.start("processor", "processor", "--config", processor.toString()), processorPort, "processor");
            Process firstSink = weir.start("sink", "sink", "--config", sink.toString());
            awaitReady(firstSink, sinkPort, "sink");
            awaitReady(weir.start("emitter", "emitter", "--config", emitter.toString()), emitterPort, "emitter");
            awaitReady(weir.start("agent", "agent", "--config", agent.toString()), agentPort, "agent");

            // the commands that are not components take the same kafka: block
            Process apply = weir.start("rules-apply", "rules", "apply", dir.resolve("rules.yml").toString(), "--kafka-config",
                    processor.toString());
            assertThat(apply.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(apply.exitValue()).as("weir rules apply; output %s", weir.lines("rules-apply")).isZero();
            assertThat(weir.lines("rules-apply")).anyMatch(l -> l.startsWith("published 1 rules"));
            Process demo = weir.start("demo", "demo", "--kafka-config", processor.toString(), "--duration", "PT2S", "--rate", "5");
            assertThat(demo.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(demo.exitValue()).as("weir demo; output %s", weir.lines("demo")).isZero();
            assertThat(weir.lines("demo")).anyMatch(l -> l.matches("demo: sent [1-9][0-9,]* events, 0 failed"));

            // the query API is protected; health is not
            assertThat(get(processorPort, "/api/v1/services", null).statusCode()).isEqualTo(401);
            assertThat(get(processorPort, "/api/v1/services", HTTP_TOKEN).statusCode()).isEqualTo(200);
            assertThat(post(agentPort, logins("first", 8), null).statusCode()).isEqualTo(401);
            assertThat(post(agentPort, logins("first", 8), HTTP_TOKEN).statusCode()).isEqualTo(202);

            Poll.until(Duration.ofSeconds(180), () -> count("first") == 8, () -> "8 events of the first batch in Elasticsearch, "
                    + "found " + count("first"));
            Poll.until(Duration.ofSeconds(120), () -> received.stream().anyMatch(b -> b.contains("FailedLoginBurst")),
                    () -> "the FailedLoginBurst alert at the webhook receiver; received " + received);
            JsonNode alert = JSON.readTree(received.stream().filter(b -> b.contains("FailedLoginBurst")).findFirst().orElseThrow());
            assertThat(alert.get("alerts").get(0).get("labels").get("source_ip").asText()).isEqualTo("203.0.113.9");

            // second run of the sink: the CA by fingerprint, a bearer token instead of the user
            firstSink.destroy();
            assertThat(firstSink.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Path sink2 = write("sink-2.yml", sinkCommon + """
                    elasticsearch:
                      url: %s
                      bearer-token: "${WEIR_ES_TOKEN}"
                      ca-fingerprint: "%s"
                    """.formatted(elasticsearch().httpUrl(), es.certificates().caFingerprint().toUpperCase()));
            awaitReady(weir.start("sink-2", "sink", "--config", sink2.toString()), sinkPort, "sink-2");
            assertThat(post(agentPort, logins("second", 5), HTTP_TOKEN).statusCode()).isEqualTo(202);
            Poll.until(Duration.ofSeconds(120), () -> count("second") == 5, () -> "5 events of the second batch in Elasticsearch, "
                    + "found " + count("second"));

            List<String> seen = new ArrayList<>(weir.allLines());
            for (int port : List.of(processorPort, sinkPort, emitterPort, agentPort)) {
                HttpResponse<String> metrics = get(port, "/metrics", null);
                assertThat(metrics.statusCode()).isEqualTo(200);
                seen.add(metrics.body());
            }
            assertThat(seen).isNotEmpty();
            for (String line : seen) {
                for (String secret : secrets) {
                    assertThat(line).as("a line printed by a component or served at /metrics").doesNotContain(secret);
                }
            }
        }
    }

    private static void awaitReady(Process p, int port, String name) {
        Poll.until(Duration.ofSeconds(120), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + dir.resolve(name + ".log"));
            }
            try {
                return get(port, "/health/ready", null).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        }, () -> name + " to be ready on port " + port);
    }

    private static String logins(String batch, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("{\"@timestamp\":\"").append(Instant.now()).append("\",\"message\":\"login failed ").append(batch)
                    .append("\",\"labels\":{\"batch\":\"").append(batch).append("\"},")
                    .append("\"event\":{\"category\":\"authentication\",\"outcome\":\"failure\",\"action\":\"login\"},")
                    .append("\"source\":{\"ip\":\"203.0.113.9\"},\"user\":{\"name\":\"bob\"}}\n");
        }
        return out.toString();
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(int port, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Documents whose message names the batch, counted over HTTPS as the superuser. */
    private static long count(String batch) {
        ElasticsearchNode.Security s = elasticsearch().security();
        HttpClient es = HttpClient.newBuilder().sslContext(s.sslContext()).build();
        try {
            HttpResponse<String> r = es.send(HttpRequest.newBuilder(URI.create(elasticsearch().httpUrl()
                            + "/logs-*/_count?allow_no_indices=true&q=message:" + batch))
                    .header("Authorization", s.basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("count").asLong() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
