package dev.weir.emitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.stack.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir up} prints every notification: the emitter tells its console one line per notification sent. */
class ConsoleOutputTest {
    private final RecordingHttpServer hook = new RecordingHttpServer();
    private final List<String> console = new CopyOnWriteArrayList<>();
    private EmitterApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        hook.close();
    }

    @Test
    void shouldTellTheConsoleAboutEachNotificationSent(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: ops
                  group_by: [alertname]
                  group_wait: 0s
                receivers:
                  - name: ops
                    webhook_configs:
                      - url: %s
                """.formatted(hook.url("/hook")));
        app = new EmitterApp(new EmitterApp.Settings(config, 0, null, null, null, Clock.systemUTC(), console::add)).start();

        HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + "/api/v2/alerts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        [{"labels": {"alertname": "HighErrorRate", "service": "checkout"},
                          "annotations": {"summary": "5xx above 5%"}}]"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(200);

        Poll.until(Duration.ofSeconds(10), () -> !console.isEmpty(), () -> "a console line (webhook got " + hook.bodies().size() + ")");
        assertThat(hook.bodies()).hasSize(1);
        assertThat(console).singleElement().asString()
                .contains("ops/webhook[0]").contains("FIRING").contains("alertname=HighErrorRate");
    }
}
