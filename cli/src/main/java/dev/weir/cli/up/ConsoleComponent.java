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
    private UpEnvironment env;

    @Override
    public String name() {
        return "console";
    }

    @Override
    public void start(UpEnvironment env) {
        this.env = env;
        String es = env.elasticsearchUrl() == null ? "http://127.0.0.1:9200" : env.elasticsearchUrl();
        app = new ConsoleApp(new ConsoleApp.Settings(URI.create(env.httpUrl(8080)), URI.create(env.httpUrl(9093)),
                URI.create(es), URI.create(env.httpUrl(8081)), URI.create(env.httpUrl(8090)), env.httpHost(), 8088,
                Duration.ofSeconds(5), Clock.systemUTC())).start();
    }

    @Override
    public boolean listFirst() {
        return true;
    }

    @Override
    public List<String> whereToLook() {
        return List.of("console        " + env.httpUrl(app.port()) + "/   (services, alerts, logs, security, pipeline)",
                "status page    " + env.httpUrl(app.port()) + "/status   (public, no token: probes, SLOs, incidents)");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
