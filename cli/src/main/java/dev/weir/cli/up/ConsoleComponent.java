package dev.weir.cli.up;

import dev.weir.console.ConsoleApp;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The console in {@code weir up}, on port 8088, over the other components' fixed ports; started
 * last (it reads the others), listed first in "Where to look".
 */
final class ConsoleComponent implements UpComponent {
    private ConsoleApp app;

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void start(UpEnvironment env) {
        String es = env.elasticsearchUrl() == null ? "http://127.0.0.1:9200" : env.elasticsearchUrl();
        app = new ConsoleApp(new ConsoleApp.Settings(URI.create("http://127.0.0.1:8080"), URI.create("http://127.0.0.1:9093"),
                URI.create(es), URI.create("http://127.0.0.1:8081"), URI.create("http://127.0.0.1:8090"), "0.0.0.0", 8088,
                Duration.ofSeconds(5), Clock.systemUTC())).start();
    }

    @Override
    public boolean listFirst() {
        return true;
    }

    @Override
    public List<String> whereToLook() {
        return List.of("console        http://127.0.0.1:" + app.port() + "/   (services, alerts, logs, security, pipeline)",
                "status page    http://127.0.0.1:" + app.port() + "/status   (public, no token: probes, SLOs, incidents)");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
