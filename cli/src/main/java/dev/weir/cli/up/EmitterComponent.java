package dev.weir.cli.up;

import dev.weir.common.ops.HttpServerSettings;
import dev.weir.emitter.EmitterApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** alert-emitter in {@code weir up}: routes every alert to the demo inbox and prints each notification. */
final class EmitterComponent implements UpComponent {
    private final PrintWriter console;
    private DemoInbox inbox;
    private EmitterApp app;

    EmitterComponent(PrintWriter console) {
        this.console = console;
    }

    @Override
    public String name() {
        return "alert-emitter";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        inbox = new DemoInbox();
        Path config = env.dataDir().resolve("emitter").resolve("alertmanager.yml");
        Files.createDirectories(config.getParent());
        try (InputStream in = EmitterComponent.class.getResourceAsStream("alertmanager.yml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("WEIR_UP_INBOX_URL", inbox.url());
            Files.writeString(config, text);
        }
        app = new EmitterApp(new EmitterApp.Settings(config, HttpServerSettings.of("0.0.0.0", 9093), env.kafka(), null, Clock.systemUTC(),
                line -> {
                    console.println("\nnotification " + line);
                    console.flush();
                })).start();
    }

    @Override
    public List<String> whereToLook() {
        return List.of(
                "alert-emitter  http://127.0.0.1:" + app.port() + "/api/v2/alerts   (Alertmanager API; /metrics, /health/ready)",
                "demo inbox     " + inbox.url() + "   (webhook receiver of the demo's alerts)");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
        if (inbox != null) {
            inbox.close();
        }
    }
}
