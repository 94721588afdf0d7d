package dev.weir.emitter.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.EmitterApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code amtool} (Debian {@code prometheus-alertmanager}, installed by
 * {@code bin/install-test-deps}) against a running emitter, as an operator types it: each command
 * runs in a pseudo-terminal ({@code script}) and the test reads what it prints.
 */
class AmtoolCompatibilityTest {
    private static final Path AMTOOL = Path.of("/usr/bin/amtool");

    private EmitterApp app;
    private String url;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        assertThat(AMTOOL).as("amtool is missing; run bin/install-test-deps (Debian package prometheus-alertmanager)").isExecutable();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                global:
                  slack_api_url: https://hooks.slack.example/services/T000/B000/s3cr3t
                route:
                  receiver: team
                  group_by: [alertname]
                  routes:
                    - matchers: ['severity="critical"']
                      receiver: pager
                receivers:
                  - name: team
                    slack_configs:
                      - channel: '#alerts'
                  - name: pager
                    pagerduty_configs:
                      - routing_key: pd-s3cr3t
                """);
        app = new EmitterApp(new EmitterApp.Settings(config, 0, null, null, null, Clock.systemUTC(), null)).start();
        url = "http://127.0.0.1:" + app.port();
        post("""
                [{"labels":{"alertname":"HighErrorRate","service":"checkout","severity":"critical"},
                  "annotations":{"summary":"5xx above 5% on checkout"}},
                 {"labels":{"alertname":"HighLatency","service":"search","severity":"warning"},
                  "annotations":{"summary":"p95 above 2s on search"}}]
                """);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private void post(String alerts) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alerts)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    /** Runs {@code amtool --alertmanager.url=URL ARGS} in a pseudo-terminal; returns what it printed. */
    private String amtool(String args) throws IOException, InterruptedException {
        String command = AMTOOL + " --alertmanager.url=" + url + " " + args;
        Process p = new ProcessBuilder("script", "-qefc", command, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r", "");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("amtool %s ended", args).isTrue();
        assertThat(p.exitValue()).as("exit status of amtool %s; it printed:%n%s", args, out).isZero();
        return out;
    }

    private static List<String> lines(String out) {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldQueryAlertsAsAmtoolDoes() throws Exception {
        String all = amtool("alert query");
        assertThat(lines(all).get(0)).matches("Alertname\\s+Starts At\\s+Summary\\s+State\\s*");
        assertThat(all).containsPattern("HighErrorRate\\s+.*5xx above 5% on checkout\\s+active")
                .containsPattern("HighLatency\\s+.*p95 above 2s on search\\s+active");

        String critical = amtool("alert query severity=critical");
        assertThat(critical).contains("HighErrorRate").doesNotContain("HighLatency");

        assertThat(amtool("alert query --receiver=pager")).contains("HighErrorRate").doesNotContain("HighLatency");
    }

    @Test
    void shouldAddQueryAndExpireASilence() throws Exception {
        String id = amtool("silence add alertname=HighLatency --author=ana --comment='search reindex' --duration=1h").strip();
        assertThat(id).matches("[0-9a-f-]{36}");

        String silences = amtool("silence query");
        assertThat(silences).containsPattern(id + "\\s+alertname=\"?HighLatency\"?\\s+.*ana\\s+search reindex");
        assertThat(amtool("silence query alertname=HighLatency")).contains(id);
        assertThat(amtool("silence query alertname=HighErrorRate")).doesNotContain(id);

        assertThat(amtool("alert query")).as("silenced alerts are left out by default").contains("HighErrorRate")
                .doesNotContain("HighLatency");
        assertThat(amtool("alert query --silenced")).containsPattern("HighLatency\\s+.*suppressed");

        amtool("silence expire " + id);

        assertThat(amtool("silence query")).doesNotContain(id);
        assertThat(amtool("silence query --expired")).contains(id);
        assertThat(amtool("alert query")).contains("HighLatency");
    }

    @Test
    void shouldShowTheConfigurationWithSecretsHidden() throws Exception {
        String config = amtool("config show");
        assertThat(config).contains("receiver: team").contains("channel: '#alerts'").contains("matchers:")
                .contains("severity=\"critical\"");
        assertThat(config).contains("<secret>").doesNotContain("s3cr3t");
    }
}
