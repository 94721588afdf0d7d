package dev.weir.cli.up;

import dev.weir.common.ops.HttpServerSettings;
import dev.weir.emitter.EmitterApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * alert-emitter in {@code weir up}: routes alerts as the user's alertmanager.yml says
 * ({@code --alertmanager}), or else every alert to a demo inbox, and prints each notification.
 */
final class EmitterComponent implements UpComponent {
    private final StatusConsole console;
    private final Path userConfig;
    private DemoInbox inbox;
    private EmitterApp app;
    private UpEnvironment env;

    /**
     * @param console where each notification is printed
     * @param userConfig the user's alertmanager.yml, or null for the demo inbox
     */
    EmitterComponent(StatusConsole console, Path userConfig) {
        this.console = console;
        this.userConfig = userConfig;
    }

    @Override
    public String name() {
        return "alert-emitter";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        this.env = env;
        Path config = userConfig != null ? userConfig : demoConfig(env);
        app = new EmitterApp(new EmitterApp.Settings(config, HttpServerSettings.of(env.httpHost(), 9093), env.kafka(), null, Clock.systemUTC(),
                line -> console.event("notification " + line))).start();
    }

    /** An alertmanager.yml that sends every alert to a new demo inbox. */
    private Path demoConfig(UpEnvironment env) throws IOException {
        inbox = new DemoInbox();
        Path config = env.dataDir().resolve("emitter").resolve("alertmanager.yml");
        Files.createDirectories(config.getParent());
        try (InputStream in = EmitterComponent.class.getResourceAsStream("alertmanager.yml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("WEIR_UP_INBOX_URL", inbox.url());
            Files.writeString(config, text);
        }
        return config;
    }

    @Override
    public List<String> whereToLook() {
        String api = "alert-emitter  " + env.httpUrl(app.port()) + "/api/v2/alerts   (Alertmanager API; /metrics, /health/ready)";
        if (inbox == null) {
            return List.of(api, "routing        " + userConfig);
        }
        return List.of(api, "demo inbox     " + inbox.url() + "   (webhook receiver of every alert)");
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
