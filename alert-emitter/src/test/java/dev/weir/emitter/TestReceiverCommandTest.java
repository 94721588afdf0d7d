package dev.weir.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.testing.RecordingHttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir emitter test-receiver CONFIG RECEIVER} as a user types it: the emitter's main in its
 * own JVM, in a pseudo-terminal ({@code script}), against local HTTP servers that record what
 * each integration sent.
 */
class TestReceiverCommandTest {
    private final RecordingHttpServer hook = new RecordingHttpServer();
    private final RecordingHttpServer teams = new RecordingHttpServer();

    @AfterEach
    void stop() {
        hook.close();
        teams.close();
    }

    private record Run(int exit, String out) {}

    private Run run(Path dir, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path argFile = dir.resolve("cp.args");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
        String command = java + " @" + argFile + " " + EmitterApp.class.getName() + " " + String.join(" ", args);
        Process p = new ProcessBuilder("script", "-qefc", command, "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r", "");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void shouldSendATestNotificationThroughEveryIntegrationOfTheReceiver(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route: {receiver: team}
                receivers:
                  - name: team
                    webhook_configs: [{url: %s}]
                    msteams_configs: [{webhook_url: %s}]
                """.formatted(hook.url("/hook"), teams.url("/teams")));

        Run r = run(dir, "test-receiver", config.toString(), "team");

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("team/webhook[0]: sent").contains("team/msteams[0]: sent")
                .contains("2 of 2 integrations of team accepted the test notification");
        assertThat(hook.requests()).singleElement().satisfies(q -> {
            assertThat(q.json().get("status").asText()).isEqualTo("firing");
            assertThat(q.json().get("alerts").get(0).get("labels").get("alertname").asText()).isEqualTo("WeirTestNotification");
        });
        assertThat(teams.requests()).singleElement().satisfies(q -> assertThat(q.json().get("title").asText())
                .contains("WeirTestNotification"));
    }

    @Test
    void shouldExitOneAndSayWhichIntegrationFailed(@TempDir Path dir) throws Exception {
        hook.script(new RecordingHttpServer.Answer(400, null));
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, "route: {receiver: team}\nreceivers:\n  - name: team\n    webhook_configs: [{url: "
                + hook.url("/hook") + "}]\n");

        Run r = run(dir, "test-receiver", config.toString(), "team");

        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("team/webhook[0]: failed: HTTP 400").contains("0 of 1 integrations");
    }

    @Test
    void shouldNameTheReceiversWhenTheOneAskedForDoesNotExist(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, "route: {receiver: team}\nreceivers:\n  - name: team\n");

        Run r = run(dir, "test-receiver", config.toString(), "ops");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("Invalid value ops for RECEIVER").contains("[team]");
    }
}
