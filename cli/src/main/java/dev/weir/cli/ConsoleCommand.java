package dev.weir.cli;

import dev.weir.console.ConsoleApp;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weir console}: the web console over a running Weir (processor, emitter, Elasticsearch). */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Run the web console: services, alerts and silences, logs, security, the pipeline.")
final class ConsoleCommand implements Runnable {
    @Option(names = "--processor", defaultValue = "http://127.0.0.1:8080", description = "The processor's HTTP URL (default ${DEFAULT-VALUE}).")
    URI processor;

    @Option(names = "--emitter", defaultValue = "http://127.0.0.1:9093", description = "The alert emitter's HTTP URL (default ${DEFAULT-VALUE}).")
    URI emitter;

    @Option(names = "--elasticsearch", defaultValue = "http://127.0.0.1:9200", description = "Elasticsearch's URL (default ${DEFAULT-VALUE}).")
    URI elasticsearch;

    @Option(names = "--sink", description = "The sink's HTTP URL, to show it on the Pipeline page (e.g. http://127.0.0.1:8081).")
    URI sink;

    @Option(names = "--agent", description = "The agent's HTTP URL, to show it on the Pipeline page (e.g. http://127.0.0.1:8090).")
    URI agent;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8088", description = "Port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--refresh", defaultValue = "PT5S", description = "How often pages refresh their live values (default ${DEFAULT-VALUE}).")
    Duration refresh;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        ConsoleApp app = new ConsoleApp(new ConsoleApp.Settings(processor, emitter, elasticsearch, sink, agent, host, port, refresh,
                Clock.systemUTC())).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "console-shutdown"));
        spec.commandLine().getOut().println("weir console: http://127.0.0.1:" + app.port() + "/  (Ctrl-C stops it)");
        spec.commandLine().getOut().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
