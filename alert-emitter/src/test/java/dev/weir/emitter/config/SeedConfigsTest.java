package dev.weir.emitter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.emitter.route.Route;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeedConfigsTest {

    private static List<String> receiversFor(AlertmanagerConfig config, Map<String, String> labels) {
        return Route.tree(config.route()).match(labels).stream().map(Route::receiver).toList();
    }

    @Test
    void todoAppSeedLoadsWithBothReceivers() {
        AlertmanagerConfig c = Fixtures.load("seed-000-todoapp-alertmanager.yml");
        assertThat(c.receivers()).extracting(AlertmanagerConfig.Receiver::name).containsExactly("critical", "warning");
        AlertmanagerConfig.Receiver critical = c.receiver("critical").orElseThrow();
        assertThat(critical.emailConfigs()).singleElement().satisfies(e -> {
            assertThat(e.to()).isEqualTo("admin@todoapp.com");
            assertThat(e.smarthost()).isEqualTo("smtp.company.com:587");
            assertThat(e.authPassword()).isEqualTo("<password>");
        });
        assertThat(critical.webhookConfigs()).singleElement().satisfies(w -> assertThat(w.sendResolved()).isTrue());
        assertThat(c.receiver("warning").orElseThrow().slackConfigs()).singleElement()
                .satisfies(s -> assertThat(s.channel()).isEqualTo("#alerts"));
    }

    @Test
    void todoAppSeedRoutesWarningsToWarningAndEverythingElseToCritical() {
        AlertmanagerConfig c = Fixtures.load("seed-000-todoapp-alertmanager.yml");
        assertThat(receiversFor(c, Map.of("alertname", "ModerateErrorRate", "severity", "warning"))).containsExactly("warning");
        assertThat(receiversFor(c, Map.of("alertname", "HighErrorRate", "severity", "critical"))).containsExactly("critical");
    }

    @Test
    void todoAppSeedGroupsByAlertnameClusterServiceWithItsTimings() {
        Route root = Route.tree(Fixtures.load("seed-000-todoapp-alertmanager.yml").route());
        Route warning = root.match(Map.of("severity", "warning")).get(0);
        assertThat(warning.groupBy()).containsExactlyInAnyOrder("alertname", "cluster", "service");
        assertThat(warning.groupWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(warning.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(warning.repeatInterval()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void smsSeedNeedsItsEnvironmentVariables() {
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse(Fixtures.seed("seed-001-sms-alertmanager.yml"), Map.of(), "sms"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("global.slack_api_url")
                .hasMessageContaining("SLACK_WEBHOOK_URL");
    }

    @Test
    void smsSeedExpandsEnvironmentVariables() {
        AlertmanagerConfig c = Fixtures.load("seed-001-sms-alertmanager.yml");
        assertThat(c.global().slackApiUrl()).hasToString("http://127.0.0.1:1/slack");
        assertThat(c.global().resolveTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.receiver("critical").orElseThrow().pagerdutyConfigs()).singleElement()
                .satisfies(p -> assertThat(p.routingKey()).isEqualTo("pd-routing-key"));
        assertThat(c.receiver("default").orElseThrow().slackConfigs()).singleElement()
                .satisfies(s -> assertThat(s.apiUrl()).hasToString("http://127.0.0.1:1/slack"));
    }

    @Test
    void smsSeedRoutesBySeverityWithPerRouteTimings() {
        Route root = Route.tree(Fixtures.load("seed-001-sms-alertmanager.yml").route());
        Route critical = root.match(Map.of("alertname", "HighCPUUsage", "severity", "critical")).get(0);
        assertThat(critical.receiver()).isEqualTo("critical");
        assertThat(critical.groupWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(critical.repeatInterval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(critical.groupInterval()).isEqualTo(Duration.ofMinutes(5));
        Route warning = root.match(Map.of("alertname", "SlowResponseTime", "severity", "warning")).get(0);
        assertThat(warning.receiver()).isEqualTo("warning");
        assertThat(warning.groupWait()).isEqualTo(Duration.ofMinutes(1));
        assertThat(warning.repeatInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(root.match(Map.of("alertname", "Other")))
                .extracting(Route::receiver).containsExactly("default");
    }

    @Test
    void smsReceiverFragmentsLoadUnderARoute() {
        for (String fragment : List.of("seed-001-sms-email-receiver.yml", "seed-001-sms-pagerduty-receiver.yml")) {
            String yaml = Fixtures.seed(fragment) + "\nroute:\n  receiver: critical\n";
            AlertmanagerConfig c = AlertmanagerConfigLoader.parse(yaml, Fixtures.SEED_ENV, fragment);
            assertThat(c.receiver("critical")).isPresent();
        }
        String email = Fixtures.seed("seed-001-sms-email-receiver.yml") + "\nroute:\n  receiver: critical\n";
        assertThat(AlertmanagerConfigLoader.parse(email, Fixtures.SEED_ENV, "email").receiver("critical").orElseThrow()
                .emailConfigs().get(0).authUsername()).isEqualTo("alerts@sms.example.com");
    }

    @Test
    void keneyAppSeedLoadsWithGlobalSmtpAndAPlaceholderWarning() {
        AlertmanagerConfig c = Fixtures.load("seed-004-keneyapp-alertmanager.yml");
        AlertmanagerConfig.Email email = c.receiver("email-ops").orElseThrow().emailConfigs().get(0);
        assertThat(email.smarthost()).isEqualTo("smtp.gmail.com:587");
        assertThat(email.from()).isEqualTo("alerts@isdataconsulting.com");
        assertThat(email.headers()).containsEntry("Subject", "KeneyApp Alert: {{ .CommonAnnotations.summary }}");
        assertThat(c.warnings()).anySatisfy(w -> assertThat(w).contains("receivers[0].slack_configs[0].api_url")
                .contains("<slack-webhook-url>"));
        assertThat(c.inhibitRules()).singleElement().satisfies(r -> assertThat(r.equal())
                .containsExactly("alertname", "cluster", "service"));
    }

    @Test
    void keneyAppSeedSendsCriticalToPagerDutySlackAndEmail() {
        AlertmanagerConfig c = Fixtures.load("seed-004-keneyapp-alertmanager.yml");
        assertThat(receiversFor(c, Map.of("alertname", "APIDown", "severity", "critical", "service", "backend")))
                .containsExactly("pagerduty-critical", "slack-alerts", "email-ops");
    }

    @Test
    void keneyAppSeedSendsHighToSlackAndEmailAndMediumToSlackOnly() {
        AlertmanagerConfig c = Fixtures.load("seed-004-keneyapp-alertmanager.yml");
        assertThat(receiversFor(c, Map.of("alertname", "HighResponseTime", "severity", "high")))
                .containsExactly("slack-alerts", "email-ops");
        assertThat(receiversFor(c, Map.of("alertname", "HighFailedLoginAttempts", "severity", "medium")))
                .containsExactly("slack-alerts");
    }

    @Test
    void keneyAppSeedSendsUnknownSeverityToDefaultReceiver() {
        AlertmanagerConfig c = Fixtures.load("seed-004-keneyapp-alertmanager.yml");
        assertThat(receiversFor(c, Map.of("alertname", "X", "severity", "info"))).containsExactly("default-receiver");
    }

    @Test
    void unknownKeyIsAStartupErrorNamingTheKey() {
        String yaml = "route:\n  receiver: a\n  group_wiat: 10s\nreceivers:\n  - name: a\n";
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse(yaml, Map.of(), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("route.group_wiat");
    }

    @Test
    void routeNamingAnUndefinedReceiverIsRejected() {
        String yaml = "route:\n  receiver: a\n  routes:\n    - receiver: b\n      match: {severity: critical}\nreceivers:\n  - name: a\n";
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse(yaml, Map.of(), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("route.routes[0].receiver").hasMessageContaining("b");
    }

    @Test
    void emailWithoutSmarthostAnywhereIsRejected() {
        String yaml = "route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@example.com\n        from: y@example.com\n";
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse(yaml, Map.of(), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("receivers[0].email_configs[0].smarthost");
    }

    @Test
    void badMatcherIsRejectedWithItsPath() {
        String yaml = "route:\n  receiver: a\n  routes:\n    - matchers: ['severity ~ x']\nreceivers:\n  - name: a\n";
        assertThatThrownBy(() -> AlertmanagerConfigLoader.parse(yaml, Map.of(), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("route.routes[0].matchers[0]");
    }

    @Test
    void groupByEllipsisGroupsByAllLabels() {
        String yaml = "route:\n  receiver: a\n  group_by: ['...']\nreceivers:\n  - name: a\n";
        Route root = Route.tree(AlertmanagerConfigLoader.parse(yaml, Map.of(), "t").route());
        Map<String, String> labels = new HashMap<>(Map.of("alertname", "A", "service", "api", "pod", "p1"));
        assertThat(root.groupLabels(labels)).isEqualTo(labels);
    }
}
