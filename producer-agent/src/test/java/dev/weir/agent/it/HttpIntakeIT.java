package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.ship.Destinations;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class HttpIntakeIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private AgentApp agent;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private String start(String bootstrap, String topic, HttpSettings http, AgentSettings.BufferSettings buffer) throws Exception {
        AgentSettings s = AgentSettings.of("checkout", bootstrap, dir.resolve("data"), List.of());
        s = new AgentSettings(s.serviceName(), "prod", "web-1", s.kafka(), s.clientId(), new Destinations(topic + ".logs", topic + ".requests"),
                s.dataDir(), s.checkpointInterval(), buffer, http.at("127.0.0.1", 0), s.stdin(), s.files());
        agent = new AgentApp(s, Clock.systemUTC());
        agent.start();
        return "http://127.0.0.1:" + agent.httpPort();
    }

    private String start(KafkaBroker kafka, String topic, HttpSettings http) throws Exception {
        kafka.createTopic(topic + ".logs", 1);
        kafka.createTopic(topic + ".requests", 1);
        return start(kafka.bootstrapServers(), topic, http, AgentSettings.BufferSettings.defaults());
    }

    private HttpResponse<String> post(String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String topic(TestInfo info) {
        return "it.http." + info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void shouldAnswer202WithCountsOnceNdjsonIsInKafka(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        String body = "{\"message\":\"a\",\"seq\":1}\n{\"message\":\"b\",\"seq\":2,\"service.name\":\"cart\"}\n";

        HttpResponse<String> response = post(url + "/v1/logs", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(response.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(2);
        assertThat(json.get("rejected").asInt()).isZero();
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic(info) + ".logs")) {
            Poll.until(Duration.ofSeconds(10), () -> reader.poll().size() == 2, () -> reader.poll().size() + " records");
            assertThat(reader.poll()).extracting(TopicReader.Rec::key).containsExactly("checkout", "cart");
            assertThat(reader.poll()).allMatch(r -> r.eventId().startsWith("h-"));
        }
    }

    @Test
    void shouldAcceptGzippedJsonArrayOfRequestEvents(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        String body = "[{\"method\":\"GET\",\"path\":\"/a\",\"status\":200,\"duration_ms\":3,\"seq\":1},"
                + "{\"http\":{\"request\":{\"method\":\"POST\"}},\"url\":{\"path\":\"/b\"},\"seq\":2}]";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }

        HttpResponse<String> response = post(url + "/v1/requests", gz.toByteArray(), "Content-Encoding", "gzip");

        assertThat(response.statusCode()).isEqualTo(202);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic(info) + ".requests")) {
            Poll.until(Duration.ofSeconds(10), () -> reader.poll().size() == 2, () -> reader.poll().size() + " records");
            assertThat(reader.poll()).extracting(TopicReader.Rec::seq).containsExactly(1L, 2L);
        }
    }

    @Test
    void shouldShipValidLinesAndListRejectedLinesWithTheirNumbers(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        String body = "{\"message\":\"ok\"}\nnot json\n\n{\"message\":\"cut\n[1,2]\n";

        HttpResponse<String> response = post(url + "/v1/logs", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(response.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(1);
        assertThat(json.get("rejected").asInt()).isEqualTo(3);
        assertThat(json.get("errors")).extracting(e -> e.get("line").asInt()).containsExactly(2, 4, 5);
        assertThat(json.get("errors").get(2).get("reason").asText()).isEqualTo("not a JSON object");
    }

    @Test
    void shouldRefuseAnEventLargerThanTheProcessorTakesAndNameItsLine(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        String big = "{\"message\":\"" + "x".repeat(2_000_000) + "\"}";
        String body = "{\"message\":\"a\"}\n" + big + "\n{\"message\":\"b\"}\n";

        HttpResponse<String> response = post(url + "/v1/logs", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(response.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(2);
        assertThat(json.get("errors")).singleElement().satisfies(e -> {
            assertThat(e.get("line").asInt()).isEqualTo(2);
            assertThat(e.get("reason").asText()).contains("max-event-size", "1048576 bytes", "limits.max-event-size");
        });
        assertThat(agent.registry().find("weir.agent.events.rejected").tag("input", "http_logs").tag("reason", "too_large")
                .counter().count()).isEqualTo(1);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic(info) + ".logs")) {
            Poll.until(Duration.ofSeconds(10), () -> reader.poll().size() == 2, () -> reader.poll().size() + " records");
        }
    }

    @Test
    void shouldNameTheLineKafkaRefused(KafkaBroker kafka, TestInfo info) throws Exception {
        String topic = topic(info);
        kafka.createTopic(topic + ".requests", 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic + ".logs", 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "4000")))).all().get(30, TimeUnit.SECONDS);
        }
        String url = start(kafka.bootstrapServers(), topic, HttpSettings.defaults(), AgentSettings.BufferSettings.defaults());
        byte[] noise = new byte[6000];
        new java.util.Random(7).nextBytes(noise); // does not compress: too large for the topic after lz4 too
        String refused = "{\"message\":\"" + java.util.Base64.getEncoder().encodeToString(noise) + "\"}";
        String body = "{\"message\":\"a\"}\n{\"message\":\"b\"}\n" + refused + "\n{\"message\":\"c\"}\n";

        HttpResponse<String> response = post(url + "/v1/logs", body.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode json = MAPPER.readTree(response.body());
        assertThat(json.get("accepted").asInt()).isEqualTo(3);
        assertThat(json.get("errors")).singleElement().satisfies(e -> {
            assertThat(e.get("line").asInt()).isEqualTo(3);
            assertThat(e.get("reason").asText()).startsWith("rejected by Kafka");
        });
    }

    @Test
    void shouldAnswer400WithLineNumbersWhenNoLineIsJson(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());

        HttpResponse<String> response = post(url + "/v1/logs", "hello\nworld\n".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode json = MAPPER.readTree(response.body());
        assertThat(json.get("accepted").asInt()).isZero();
        assertThat(json.get("errors")).extracting(e -> e.get("line").asInt()).containsExactly(1, 2);
        assertThat(json.get("errors").get(0).get("reason").asText()).startsWith("malformed JSON");
    }

    @Test
    void shouldAnswer413WhenBodyExceedsLimit(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults().with(2048, null, Duration.ofSeconds(30)));
        byte[] body = ("{\"message\":\"" + "x".repeat(4096) + "\"}\n").getBytes(StandardCharsets.UTF_8);

        assertThat(post(url + "/v1/logs", body).statusCode()).isEqualTo(413);
    }

    @Test
    void shouldAnswer413WhenGzippedBodyExpandsBeyondLimit(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults().with(2048, null, Duration.ofSeconds(30)));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("{\"message\":\"" + "x".repeat(100_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
        }

        assertThat(post(url + "/v1/logs", gz.toByteArray(), "Content-Encoding", "gzip").statusCode()).isEqualTo(413);
    }

    @Test
    void shouldAnswer401WithoutTheConfiguredBearerToken(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults().with(1 << 20, "s3cret", Duration.ofSeconds(30)));
        byte[] body = "{\"message\":\"a\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(post(url + "/v1/logs", body).statusCode()).isEqualTo(401);
        assertThat(post(url + "/v1/logs", body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(post(url + "/v1/logs", body, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(202);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheBufferIsFull(TestInfo info) throws Exception {
        // No broker listens on this port: the shipper's first send waits for metadata, nothing is acknowledged.
        int deadPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String url = start("127.0.0.1:" + deadPort, topic(info), HttpSettings.defaults().with(1 << 20, null, Duration.ofMillis(300)),
                new AgentSettings.BufferSettings(4096, false, 1 << 20, 64 << 10, 64 << 10));
        byte[] body = ("{\"message\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> last = null;
        for (int i = 0; i < 5 && (last == null || !last.body().contains("buffer full")); i++) {
            last = post(url + "/v1/logs", body);
            assertThat(last.statusCode()).isEqualTo(503);
        }

        assertThat(last.body()).contains("buffer full");
        assertThat(last.headers().firstValue("Retry-After")).hasValue("5");
    }

    @Test
    void shouldServeMetricsWithPerInputCounters(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        post(url + "/v1/logs", "{\"message\":\"a\"}".getBytes(StandardCharsets.UTF_8));

        String metrics = client.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();

        assertThat(metrics).contains("weir_agent_events_read_total{component=\"agent\",input=\"http_logs\"} 1.0");
        assertThat(metrics).contains("weir_agent_events_sent_total{component=\"agent\",input=\"http_logs\"} 1.0");
        assertThat(metrics).contains("weir_agent_buffer_bytes{component=\"agent\",tier=\"memory\"}");
    }

    @Test
    void shouldReportReadyWhenKafkaAcknowledges(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());

        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(url + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(ready.body()).get("kafka").asText()).isEqualTo("connected");
    }
}
