package dev.weir.cli.up;

import dev.weir.common.ops.HttpServerSettings;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * stream-processor in {@code weir up}: normalise, measure and alert, HTTP on port 8080, with the
 * user's rules ({@code --rules}), else with the demo traffic the demo rule pack (the seeds'
 * alerts with windows short enough to fire during a demo cycle), else the default pack.
 */
final class ProcessorComponent implements UpComponent {
    private final Path userRules;
    private final boolean demo;
    private ProcessorApp app;
    private UpEnvironment env;

    /**
     * @param userRules a rules file or directory, or null
     * @param demo whether the demo traffic runs
     */
    ProcessorComponent(Path userRules, boolean demo) {
        this.userRules = userRules;
        this.demo = demo;
    }

    @Override
    public String name() {
        return "stream-processor";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        this.env = env;
        ProcessorConfig config = ProcessorConfig.defaults(env.bootstrapServers())
                .withKafka(env.kafka())
                .withHttp(HttpServerSettings.of(env.httpHost(), 8080))
                .withStateDir(env.dataDir().resolve("processor").resolve("state"))
                .withRules(new ProcessorConfig.Rules(rules(env), null, Duration.ofSeconds(1)));
        app = new ProcessorApp(config, Clock.systemUTC());
        app.start();
    }

    /** The rules to load: the user's, the demo pack written out, or null for the default pack. */
    private Path rules(UpEnvironment env) throws IOException {
        if (userRules != null || !demo) {
            return userRules;
        }
        Path rules = env.dataDir().resolve("processor").resolve("demo-rules.yml");
        Files.createDirectories(rules.getParent());
        try (InputStream in = ProcessorComponent.class.getResourceAsStream("demo-rules.yml")) {
            Files.write(rules, in.readAllBytes());
        }
        return rules;
    }

    @Override
    public List<String> whereToLook() {
        String base = env.httpUrl(app.httpPort());
        return List.of(
                "processor      " + base + "/metrics   (Prometheus; /health/ready)",
                "query API      " + base + "/api/v1/services   (/api/v1/services/payments, /api/v1/security/logins, /api/v1/alerts, /api/v1/rules)");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
