package dev.weir.emitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import dev.weir.emitter.testing.RecordingHttpServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * msteams_configs, discord_configs, opsgenie_configs and telegram_configs against a local HTTP
 * server that records each request: the URL, the headers and the JSON body Alertmanager 0.27
 * sends ({@code notify/msteams}, {@code notify/discord}, {@code notify/opsgenie},
 * {@code notify/telegram}).
 */
class NewReceiversTest {
    private final RecordingHttpServer server = new RecordingHttpServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private List<Integration> receiver(String configs) {
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse("route: {receiver: r}\nreceivers:\n  - name: r\n" + configs.indent(4),
                Map.of(), "test");
        return Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5)).get("r");
    }

    private static NotificationData data(boolean resolved) {
        Alert a = new Alert("fp1", Map.of("alertname", "HighErrorRate", "service", "checkout", "severity", "critical"),
                Map.of("summary", "5xx above 5% <b>now</b>"), Instant.parse("2025-03-04T05:06:07Z"),
                resolved ? Instant.parse("2025-03-04T05:16:07Z") : null, "http://prom/graph",
                resolved ? Alert.Status.RESOLVED : Alert.Status.FIRING);
        return new NotificationData("r", "{}:{alertname=\"HighErrorRate\"}", Map.of("alertname", "HighErrorRate"),
                List.of(new AlertData(a, resolved)), "http://weir:9093");
    }

    @Test
    void shouldPostAMessageCardToTeams() throws Exception {
        receiver("msteams_configs:\n  - webhook_url: " + server.url("/teams/hook")).get(0).send(data(false), "n-1");
        receiver("msteams_configs:\n  - webhook_url: " + server.url("/teams/hook")).get(0).send(data(true), "n-2");

        RecordingHttpServer.Request firing = server.requests().get(0);
        assertThat(firing.path()).isEqualTo("/teams/hook");
        assertThat(firing.idempotencyKey()).isEqualTo("n-1");
        JsonNode b = firing.json();
        assertThat(b.get("@context").asText()).isEqualTo("http://schema.org/extensions");
        assertThat(b.get("type").asText()).isEqualTo("MessageCard");
        assertThat(b.get("title").asText()).isEqualTo("[FIRING:1] HighErrorRate (checkout critical)");
        assertThat(b.get("summary").asText()).isEqualTo(b.get("title").asText());
        assertThat(b.get("text").asText()).contains("# Alerts Firing:").contains("  - service = checkout");
        assertThat(b.get("themeColor").asText()).isEqualTo("8C1A1A");
        assertThat(server.requests().get(1).json().get("themeColor").asText()).isEqualTo("2DC72D");
    }

    @Test
    void shouldPostOneEmbedToDiscord() throws Exception {
        receiver("discord_configs:\n  - webhook_url: " + server.url("/api/webhooks/1/t0k3n")).get(0).send(data(false), "n-1");

        JsonNode b = server.requests().get(0).json();
        assertThat(b.get("content").asText()).isEmpty();
        JsonNode embed = b.get("embeds").get(0);
        assertThat(embed.get("title").asText()).isEqualTo("[FIRING:1] HighErrorRate (checkout critical)");
        assertThat(embed.get("description").asText()).contains("Alerts Firing:").contains(" - summary = 5xx above 5% <b>now</b>");
        assertThat(embed.get("color").asInt()).isEqualTo(0x992D22);
    }

    @Test
    void shouldCreateAndCloseAnOpsgenieAlertByAlias() throws Exception {
        Integration og = receiver("""
                opsgenie_configs:
                  - api_key: g3n1ek3y
                    api_url: %s
                    priority: P1
                    tags: 'weir, checkout,'
                    responders: [{name: 'sre,payments', type: teams}, {username: 'ana@example.com', type: user}]
                    details: {runbook: 'https://runbooks/{{ .CommonLabels.alertname }}'}
                """.formatted(server.url("/og/"))).get(0);
        og.send(data(false), "n-1");
        og.send(data(true), "n-2");

        String alias = PagerDutyIntegration.dedupKey("{}:{alertname=\"HighErrorRate\"}");
        RecordingHttpServer.Request create = server.requests().get(0);
        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.path()).isEqualTo("/og/v2/alerts");
        assertThat(create.authorization()).isEqualTo("GenieKey g3n1ek3y");
        JsonNode b = create.json();
        assertThat(b.get("alias").asText()).isEqualTo(alias);
        assertThat(b.get("message").asText()).isEqualTo("[FIRING:1] HighErrorRate (checkout critical)");
        assertThat(b.get("description").asText()).contains("Alerts Firing:");
        assertThat(b.get("source").asText()).isEqualTo("http://weir:9093/#/alerts?receiver=r");
        assertThat(b.get("details").get("service").asText()).as("common labels").isEqualTo("checkout");
        assertThat(b.get("details").get("runbook").asText()).isEqualTo("https://runbooks/HighErrorRate");
        assertThat(b.get("priority").asText()).isEqualTo("P1");
        assertThat(b.get("tags").toString()).isEqualTo("[\"weir\",\" checkout\"]");
        assertThat(b.get("responders").toString()).isEqualTo("[{\"name\":\"sre\",\"type\":\"team\"},{\"name\":\"payments\",\"type\":\"team\"},"
                + "{\"username\":\"ana@example.com\",\"type\":\"user\"}]");

        RecordingHttpServer.Request close = server.requests().get(1);
        assertThat(close.path()).isEqualTo("/og/v2/alerts/" + alias + "/close?identifierType=alias");
        assertThat(close.json().get("source").asText()).isEqualTo("http://weir:9093/#/alerts?receiver=r");
    }

    @Test
    void shouldCallTheBotApiOfTelegramWithHtmlEscapedValues() throws Exception {
        server.respondWith("{\"ok\":true,\"result\":{\"message_id\":7}}");
        receiver("""
                telegram_configs:
                  - bot_token: 123456:ABC-t0k3n
                    chat_id: -1001234567890
                    api_url: %s
                    disable_notifications: true
                """.formatted(server.url(""))).get(0).send(data(false), "n-1");

        RecordingHttpServer.Request r = server.requests().get(0);
        assertThat(r.path()).isEqualTo("/bot123456:ABC-t0k3n/sendMessage");
        JsonNode b = r.json();
        assertThat(b.get("chat_id").asText()).isEqualTo("-1001234567890");
        assertThat(b.get("text").asText()).contains("Alerts Firing:").contains("summary = 5xx above 5% &lt;b&gt;now&lt;/b&gt;");
        assertThat(b.get("parse_mode").asText()).isEqualTo("HTML");
        assertThat(b.get("disable_web_page_preview").asText()).isEqualTo("true");
        assertThat(b.get("disable_notification").asText()).isEqualTo("true");
        assertThat(b.get("chat_id").isTextual()).as("telebot sends every parameter as a string").isTrue();
    }

    @Test
    void shouldCutAnOpsgenieMessageAt130Characters() throws Exception {
        Integration og = receiver("opsgenie_configs:\n  - api_key: k\n    api_url: " + server.url("/") + "\n    message: '"
                + "x".repeat(200) + "'").get(0);
        og.send(data(false), "n-1");
        String message = server.requests().get(0).json().get("message").asText();
        assertThat(message.codePointCount(0, message.length())).isEqualTo(130);
        assertThat(message).endsWith("\u2026");
    }
}
