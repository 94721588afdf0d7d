package dev.weir.cli.up;

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
 * stream-processor in {@code weir up}: normalise, measure and alert, HTTP on port 8080, with
 * the demo rule pack (the seeds' alerts with windows short enough to fire during a demo cycle).
 */
final class ProcessorComponent implements UpComponent {
    private ProcessorApp app;

    @Override
    public String name() {
        return "stream-processor";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        Path rules = env.dataDir().resolve("processor").resolve("demo-rules.yml");
        Files.createDirectories(rules.getParent());
        try (InputStream in = ProcessorComponent.class.getResourceAsStream("demo-rules.yml")) {
            Files.write(rules, in.readAllBytes());
        }
        ProcessorConfig config = ProcessorConfig.defaults(env.bootstrapServers())
                .withKafka(env.kafka())
                .withHttpPort(8080)
                .withStateDir(env.dataDir().resolve("processor").resolve("state"))
                .withRules(new ProcessorConfig.Rules(rules, null, Duration.ofSeconds(1)));
        app = new ProcessorApp(config, Clock.systemUTC());
        app.start();
    }

    @Override
    public List<String> whereToLook() {
        String base = "http://127.0.0.1:" + app.httpPort();
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
