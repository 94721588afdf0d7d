package dev.weir.agent;

import dev.weir.common.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir agent --config agent.yml}: runs the agent until stopped (or, with
 * {@code stdin.exit-at-end}, until standard input ended and everything read from it was
 * acknowledged). Exit status 2 for a configuration error (one line on stderr), 1 when it cannot
 * start.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run the producer agent (files, HTTP intake, stdin → Kafka).")
public final class AgentCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "agent.yml")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Overrides kafka.bootstrap-servers.")
    String bootstrapServers;

    @Option(names = "--port", paramLabel = "N", description = "Overrides http.port (0: any free port).")
    Integer port;

    /**
     * @return the settings the options describe
     * @throws ConfigException for a bad file or option value
     */
    public AgentSettings settings() {
        AgentSettings s = AgentConfig.load(config);
        if (bootstrapServers != null) {
            s = s.withKafka(s.kafka().withBootstrapServers(bootstrapServers));
        }
        if (port != null) {
            if (port < 0 || port > 65_535) {
                throw ConfigException.invalid("--port", port, "must be between 0 and 65535");
            }
            s = s.withHttp(s.http().at(s.http().host(), port));
        }
        return s;
    }

    @Override
    public Integer call() {
        AgentSettings settings = settings();
        AgentApp app = new AgentApp(settings, Clock.systemUTC()).checkingKafkaAtStart();
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "weir-agent-shutdown"));
        try {
            app.start();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            log.error("Agent failed to start", e);
            return 1;
        }
        if (settings.stdin().enabled() && settings.stdin().exitAtEnd()) {
            app.stdinFinished().join();
            app.close();
            return 0;
        }
        try {
            // The agent's threads are daemons; this thread keeps the JVM alive until a signal runs the shutdown hook.
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
