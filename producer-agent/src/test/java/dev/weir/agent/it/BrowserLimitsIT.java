package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.AgentApp;
import dev.weir.agent.browser.BrowserSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The beacon endpoint's answers over real HTTP, as a page's requests reach it (an {@code Origin} header): the CORS
 * preflight, refusals by origin, body size and rate with the setting they come from, entries rejected by field, and
 * the bearer token not asked of beacons.
 */
@ExtendWith(LocalStackExtension.class)
class BrowserLimitsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ORIGIN = "https://shop.example.com";
    final HttpClient client = HttpClient.newHttpClient();
    AgentApp agent;
    String url;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private void start(KafkaBroker kafka, String topic, BrowserSettings browser) throws Exception {
        // a token protects the intake: beacons must not need it
        agent = IntakeAgent.start(kafka, topic, dir, "shop", "prod", "edge-1",
                HttpSettings.defaults().with(10L << 20, "s3cret", Duration.ofSeconds(30)).with(browser));
        url = "http://127.0.0.1:" + agent.httpPort() + "/v1/browser";
    }

    private HttpResponse<String> beacon(String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String topic(TestInfo info) {
        return "it.beacon." + info.getTestMethod().orElseThrow().getName();
    }

    @Test
    void shouldAnswerThePreflightAndAcceptABeaconOfAListedOriginWithoutToken(KafkaBroker kafka, TestInfo info) throws Exception {
        start(kafka, topic(info), BrowserSettings.defaults().withOrigins(List.of(ORIGIN)));

        HttpResponse<String> preflight = client.send(HttpRequest.newBuilder(URI.create(url)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r = beacon(ORIGIN, "{\"page\":\"/cart\",\"vitals\":[{\"name\":\"LCP\",\"value\":1830.5},"
                + "{\"name\":\"XYZ\",\"value\":1}],\"errors\":[{\"message\":\"Uncaught TypeError: a is null\",\"stack\":\"TypeError: a is null\\n"
                + "    at pay (https://shop.example.com/app.js:3:9)\"}, {\"stack\":\"no message\"}]}");

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("accepted").asInt()).isEqualTo(2);
        assertThat(answer.get("errors")).extracting(JsonNode::asText)
                .containsExactly("vitals[1].name: must be one of LCP, INP, CLS, TTFB, FCP", "errors[1].message: is required, the error's message");
        try (TopicReader logs = new TopicReader(kafka.bootstrapServers(), topic(info) + ".logs")) {
            Poll.until(Duration.ofSeconds(30), () -> logs.poll().size() == 2, () -> logs.poll().size() + " events");
            JsonNode vital = logs.poll().get(0).json();
            assertThat(vital.get("labels.vital").asText()).isEqualTo("LCP");
            assertThat(vital.get("labels.value").asDouble()).isEqualTo(1830.5);
            assertThat(vital.get("service.name").asText()).isEqualTo("shop");
            JsonNode error = logs.poll().get(1).json();
            assertThat(error.get("error.type").asText()).isEqualTo("TypeError");
            assertThat(error.get("error.message").asText()).isEqualTo("a is null");
            assertThat(error.get("event.action").asText()).isEqualTo("javascript-error");
        }
    }

    @Test
    void shouldRefuseOtherOriginsTooLargeBeaconsAndTooManyNamingTheSetting(KafkaBroker kafka, TestInfo info) throws Exception {
        start(kafka, topic(info), new BrowserSettings(List.of(ORIGIN), 1024, 2, null));
        String ok = "{\"page\":\"/\",\"vitals\":[{\"name\":\"TTFB\",\"value\":120}]}";

        HttpResponse<String> evil = beacon("https://evil.example", ok);
        HttpResponse<String> none = beacon(null, ok);
        HttpResponse<String> big = beacon(ORIGIN, "{\"page\":\"/\",\"errors\":[{\"message\":\"" + "x".repeat(2000) + "\"}]}");
        HttpResponse<String> first = beacon(ORIGIN, ok);
        HttpResponse<String> third = beacon(ORIGIN, ok);

        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(evil.body()).get("error").asText())
                .isEqualTo("origin https://evil.example is not in agent.http.browser.origins; add it there to accept beacons from its pages");
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).get("error").asText()).contains("1024 bytes (agent.http.browser.max-body)");
        // the big one took the first of the two a minute allows
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isBetween(1L, 30L));
        assertThat(JSON.readTree(third.body()).get("error").asText()).contains("more than 2 beacons a minute")
                .contains("agent.http.browser.per-minute");
    }
}
