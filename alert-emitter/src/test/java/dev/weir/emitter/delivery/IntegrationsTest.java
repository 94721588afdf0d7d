package dev.weir.emitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.common.config.ConfigException;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.config.Fixtures;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import dev.weir.emitter.testing.RecordingHttpServer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seeds' receivers, pointed at a local HTTP server, checked field by field. */
class IntegrationsTest {
    private static final Instant T = Instant.parse("2025-03-04T05:06:07Z");
    private final RecordingHttpServer server = new RecordingHttpServer();

    @AfterEach
    void close() {
        server.close();
    }

    private Map<String, List<Integration>> keneyApp() {
        String yaml = Fixtures.seed("seed-004-keneyapp-alertmanager.yml")
                .replace("'<slack-webhook-url>'", "'" + server.url("/slack") + "'")
                .replace("routing_key", "routing_key")
                + "\n";
        yaml = yaml.replace("      - service_key: '<pagerduty-service-key>'",
                "      - service_key: '<pagerduty-service-key>'\n        url: '" + server.url("/pd") + "'");
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse(yaml, Map.of(), "keneyapp");
        return Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5));
    }

    private static NotificationData data(String receiver, boolean resolved) {
        List<AlertData> alerts = new ArrayList<>();
        Alert a = new Alert("fp1", Map.of("alertname", "HighErrorRate", "severity", "critical", "service", "backend"),
                Map.of("summary", "High error rate detected", "description", "Error rate is 7.34%", "runbook", "http://runbook"),
                T, resolved ? T.plusSeconds(600) : null, "http://prom/graph", resolved ? Alert.Status.RESOLVED : Alert.Status.FIRING);
        alerts.add(new AlertData(a, resolved));
        return new NotificationData(receiver, "{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}",
                Map.of("alertname", "HighErrorRate"), alerts, "http://weir:9093");
    }

    @Test
    void slackReceiverSendsAlertmanagerShapedAttachmentFromTheSeedTemplates() throws Exception {
        Integration slack = keneyApp().get("slack-alerts").get(0);
        slack.send(data("slack-alerts", false), "n-1");
        JsonNode body = server.json().get(0);
        assertThat(body.get("channel").asText()).isEqualTo("#keneyapp-alerts");
        assertThat(body.get("username").asText()).isEqualTo("Weir");
        JsonNode att = body.get("attachments").get(0);
        assertThat(att.get("title").asText()).isEqualTo("CRITICAL: High error rate detected");
        assertThat(att.get("color").asText()).isEqualTo("danger");
        assertThat(att.get("text").asText()).contains("*Description:* Error rate is 7.34%").contains("*Runbook:* http://runbook");
        assertThat(att.get("title_link").asText()).isEqualTo("http://weir:9093/#/alerts?receiver=slack-alerts");
        assertThat(att.get("fallback").asText()).isEqualTo("[FIRING:1] HighErrorRate (backend critical) | http://weir:9093/#/alerts?receiver=slack-alerts");
        assertThat(att.get("mrkdwn_in")).extracting(JsonNode::asText).containsExactly("fallback", "pretext", "text");
    }

    @Test
    void pagerDutyTriggerCarriesRoutingKeyDedupKeyAndSeedDescription() throws Exception {
        Integration pd = keneyApp().get("pagerduty-critical").get(0);
        pd.send(data("pagerduty-critical", false), "n-1");
        JsonNode body = server.json().get(0);
        assertThat(body.get("routing_key").asText()).isEqualTo("<pagerduty-service-key>");
        assertThat(body.get("event_action").asText()).isEqualTo("trigger");
        assertThat(body.get("dedup_key").asText())
                .isEqualTo(PagerDutyIntegration.dedupKey("{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}")).hasSize(64);
        assertThat(body.get("payload").get("summary").asText()).isEqualTo("High error rate detected");
        assertThat(body.get("payload").get("source").asText()).isEqualTo("Weir");
        assertThat(body.get("payload").get("severity").asText()).isEqualTo("error");
        assertThat(body.get("payload").get("custom_details").get("num_firing").asText()).isEqualTo("1");
        assertThat(body.get("client_url").asText()).isEqualTo("http://weir:9093/#/alerts?receiver=pagerduty-critical");
    }

    @Test
    void pagerDutyResolveUsesTheSameDedupKey() throws Exception {
        Integration pd = keneyApp().get("pagerduty-critical").get(0);
        pd.send(data("pagerduty-critical", false), "n-1");
        pd.send(data("pagerduty-critical", true), "n-1");
        List<JsonNode> bodies = server.json();
        assertThat(bodies.get(1).get("event_action").asText()).isEqualTo("resolve");
        assertThat(bodies.get(1).get("dedup_key")).isEqualTo(bodies.get(0).get("dedup_key"));
        assertThat(bodies.get(1).has("payload")).isFalse();
    }

    @Test
    void webhookPayloadIsAlertmanagerVersion4() throws Exception {
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse(
                "route: {receiver: hook}\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: " + server.url("/hook") + "\n",
                Map.of(), "t");
        Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5)).get("hook").get(0)
                .send(data("hook", false), "n-1");
        JsonNode body = server.json().get(0);
        assertThat(body.get("version").asText()).isEqualTo("4");
        assertThat(body.get("receiver").asText()).isEqualTo("hook");
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("groupKey").asText()).isEqualTo("{}/{severity=\"critical\"}:{alertname=\"HighErrorRate\"}");
        assertThat(body.get("truncatedAlerts").asInt()).isZero();
        JsonNode alert = body.get("alerts").get(0);
        assertThat(alert.get("labels").get("service").asText()).isEqualTo("backend");
        assertThat(alert.get("startsAt").asText()).isEqualTo("2025-03-04T05:06:07Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(alert.get("generatorURL").asText()).isEqualTo("http://prom/graph");
        assertThat(alert.get("fingerprint").asText()).isEqualTo("fp1");
        assertThat(body.get("commonAnnotations").get("summary").asText()).isEqualTo("High error rate detected");
        assertThat(body.get("externalURL").asText()).isEqualTo("http://weir:9093");
    }

    @Test
    void placeholderSlackUrlFailsPermanently() {
        AlertmanagerConfig c = Fixtures.load("seed-004-keneyapp-alertmanager.yml");
        Integration slack = Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5))
                .get("default-receiver").get(0);
        assertThatThrownBy(() -> slack.send(data("default-receiver", false), "n-1"))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void unsupportedTemplateConstructIsAStartupErrorNamingReceiverFieldAndConstruct() {
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse("""
                route: {receiver: team}
                receivers:
                  - name: team
                    slack_configs:
                      - api_url: http://127.0.0.1:1/x
                        title: '{{ .Status | sprigTrunc 5 }}'
                """, Map.of(), "t");
        assertThatThrownBy(() -> Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("receiver 'team' slack_configs[0].title")
                .hasMessageContaining("unsupported function 'sprigTrunc'");
    }

    @Test
    void everySeedsTemplatesCompileAndRender() {
        for (String seed : List.of("seed-000-todoapp-alertmanager.yml", "seed-001-sms-alertmanager.yml", "seed-004-keneyapp-alertmanager.yml")) {
            AlertmanagerConfig c = Fixtures.load(seed);
            assertThat(Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(1)))
                    .as(seed).isNotEmpty();
        }
    }
}
