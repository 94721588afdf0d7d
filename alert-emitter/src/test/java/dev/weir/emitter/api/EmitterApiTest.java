package dev.weir.emitter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.emitter.EmitterApp;
import dev.weir.emitter.testing.RecordingHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running emitter over real HTTP: Prometheus-style alert intake to a webhook, silences, ack, token. */
class EmitterApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final RecordingHttpServer hook = new RecordingHttpServer();
    private EmitterApp app;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 0s
                  group_interval: 1s
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                """.formatted(hook.url("/hook")));
        app = new EmitterApp(new EmitterApp.Settings(config, 0, null, "http://weir", "t0ken", Clock.systemUTC(), null)).start();
    }

    @AfterEach
    void stop() {
        app.close();
        hook.close();
    }

    private HttpResponse<String> send(String method, String path, String body, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth) {
            b.header("Authorization", "Bearer t0ken");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void pollUntil(java.util.concurrent.Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    private static final String ALERTS = "[{\"labels\":{\"alertname\":\"HighErrorRate\",\"severity\":\"critical\"},"
            + "\"annotations\":{\"summary\":\"errors\"},\"generatorURL\":\"http://prom/graph\"}]";

    @Test
    void postedPrometheusAlertReachesTheWebhookReceiver() throws Exception {
        assertThat(send("POST", "/api/v2/alerts", ALERTS, true).statusCode()).isEqualTo(200);
        pollUntil(() -> !hook.bodies().isEmpty(), "the webhook request");
        JsonNode body = hook.json().get(0);
        assertThat(body.get("alerts").get(0).get("labels").get("alertname").asText()).isEqualTo("HighErrorRate");
        assertThat(body.get("alerts").get(0).get("generatorURL").asText()).isEqualTo("http://prom/graph");
    }

    @Test
    void everyApiEndpointRejectsRequestsWithoutTheBearerTokenButHealthAndMetricsStayOpen() throws Exception {
        assertThat(send("POST", "/api/v2/alerts", ALERTS, false).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v2/alerts", null, false).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v2/silences", null, false).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/v2/alerts", null, true).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, false).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null, false).statusCode()).isEqualTo(200);
    }

    @Test
    void getAlertsListsPostedAlertWithFingerprintAndReceiver() throws Exception {
        send("POST", "/api/v2/alerts", ALERTS, true);
        JsonNode alerts = JSON.readTree(send("GET", "/api/v2/alerts", null, true).body());
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("fingerprint").asText()).hasSize(16);
        assertThat(alerts.get(0).get("receivers").get(0).get("name").asText()).isEqualTo("hook");
        assertThat(alerts.get(0).get("status").get("state").asText()).isEqualTo("active");
    }

    @Test
    void silenceCanBeCreatedListedAndExpired() throws Exception {
        String silence = "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"HighErrorRate\",\"isRegex\":false,\"isEqual\":true}],"
                + "\"startsAt\":\"" + Instant.now().minusSeconds(1) + "\",\"endsAt\":\"" + Instant.now().plusSeconds(3600)
                + "\",\"createdBy\":\"oncall\",\"comment\":\"deploy\"}";
        HttpResponse<String> created = send("POST", "/api/v2/silences", silence, true);
        assertThat(created.statusCode()).isEqualTo(200);
        String id = JSON.readTree(created.body()).get("silenceID").asText();
        JsonNode listed = JSON.readTree(send("GET", "/api/v2/silences", null, true).body());
        assertThat(listed.get(0).get("id").asText()).isEqualTo(id);
        assertThat(listed.get(0).get("status").get("state").asText()).isEqualTo("active");
        assertThat(send("DELETE", "/api/v2/silence/" + id, null, true).statusCode()).isEqualTo(200);
        JsonNode after = JSON.readTree(send("GET", "/api/v2/silence/" + id, null, true).body());
        assertThat(after.get("status").get("state").asText()).isEqualTo("expired");
    }

    @Test
    void silencedPostedAlertShowsAsSuppressedAndIsNotSent() throws Exception {
        String silence = "{\"matchers\":[{\"name\":\"severity\",\"value\":\"crit.*\",\"isRegex\":true}],"
                + "\"endsAt\":\"" + Instant.now().plusSeconds(3600) + "\",\"createdBy\":\"oncall\",\"comment\":\"x\"}";
        send("POST", "/api/v2/silences", silence, true);
        send("POST", "/api/v2/alerts", ALERTS, true);
        JsonNode alerts = JSON.readTree(send("GET", "/api/v2/alerts", null, true).body());
        assertThat(alerts.get(0).get("status").get("state").asText()).isEqualTo("suppressed");
        assertThat(hook.bodies()).isEmpty();
    }

    @Test
    void ackMarksAKnownAlertAndRejectsAnUnknownOne() throws Exception {
        send("POST", "/api/v2/alerts", ALERTS, true);
        String fp = JSON.readTree(send("GET", "/api/v2/alerts", null, true).body()).get(0).get("fingerprint").asText();
        assertThat(send("POST", "/api/v1/alerts/" + fp + "/ack", null, true).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/v1/alerts/ffffffffffffffff/ack", null, true).statusCode()).isEqualTo(404);
        JsonNode alerts = JSON.readTree(send("GET", "/api/v2/alerts", null, true).body());
        assertThat(alerts.get(0).get("acknowledged").asBoolean()).isTrue();
    }

    @Test
    void groupsListEachAggregationGroupWithItsReceiverAndAlerts() throws Exception {
        send("POST", "/api/v2/alerts", ALERTS, true);
        send("POST", "/api/v2/alerts", "[{\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"b\"}},"
                + "{\"labels\":{\"alertname\":\"Silent\"}}]", true);
        JsonNode groups = JSON.readTree(send("GET", "/api/v2/alerts/groups", null, true).body());
        assertThat(groups).hasSize(2);
        JsonNode errors = groups.get(0);
        assertThat(errors.get("labels").toString()).isEqualTo("{\"alertname\":\"HighErrorRate\"}");
        assertThat(errors.get("receiver").get("name").asText()).isEqualTo("hook");
        assertThat(errors.get("alerts")).hasSize(2);
        assertThat(groups.get(1).get("alerts").get(0).get("labels").get("alertname").asText()).isEqualTo("Silent");
    }

    @Test
    void resolvedAlertsAreListedAfterTheyLeaveTheirGroup() throws Exception {
        send("POST", "/api/v2/alerts", ALERTS, true);
        pollUntil(() -> hook.bodies().size() == 1, "the firing notification");
        String resolved = "[{\"labels\":{\"alertname\":\"HighErrorRate\",\"severity\":\"critical\"},"
                + "\"startsAt\":\"" + Instant.now().minusSeconds(60) + "\",\"endsAt\":\"" + Instant.now().minusSeconds(1) + "\"}]";
        send("POST", "/api/v2/alerts", resolved, true);
        pollUntil(() -> JSON.readTree(send("GET", "/api/v1/alerts/resolved", null, true).body()).size() == 1,
                "the alert in the recently resolved list");
        JsonNode list = JSON.readTree(send("GET", "/api/v1/alerts/resolved", null, true).body());
        assertThat(list.get(0).get("labels").get("alertname").asText()).isEqualTo("HighErrorRate");
        assertThat(list.get(0).get("status").get("state").asText()).isEqualTo("resolved");
        assertThat(JSON.readTree(send("GET", "/api/v2/alerts", null, true).body())).isEmpty();
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        assertThat(send("GET", "/health/ready", null, false).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/metrics", null, false).body()).contains("weir_emitter_notification_queue_depth");
    }
}
