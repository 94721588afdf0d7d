package dev.weir.processor;

import dev.weir.common.config.ConfigException;
import dev.weir.processor.config.ProcessorConfig;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir processor}: runs the stream processor until stopped. Options override the file;
 * exit status 2 for a configuration error (one line on stderr), 1 when it cannot start or Kafka
 * Streams fails.
 */
@Command(name = "processor", mixinStandardHelpOptions = true,
        description = "Run the stream processor (normalise, measure, alert) until stopped.")
public final class ProcessorCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ProcessorCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "processor.yml; without it every key has its default.")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Overrides kafka.bootstrap-servers.")
    String bootstrapServers;

    @Option(names = "--port", paramLabel = "N", description = "Overrides http.port (0: any free port).")
    Integer port;

    /**
     * @return the configuration the options describe
     * @throws ConfigException for a bad file or option value
     */
    public ProcessorConfig config() {
        ProcessorConfig c = config == null ? ProcessorConfig.defaults("127.0.0.1:9092") : ProcessorConfig.load(config);
        if (bootstrapServers != null) {
            c = c.withBootstrapServers(bootstrapServers);
        }
        if (port != null) {
            if (port < 0 || port > 65_535) {
                throw ConfigException.invalid("--port", port, "must be between 0 and 65535");
            }
            c = c.withHttpPort(port);
        }
        return c;
    }

    @Override
    public Integer call() {
        ProcessorConfig c = config();
        try {
            ProcessorApp.loadRules(c); // a broken rule file is a configuration error: report it before any client starts
        } catch (UncheckedIOException e) {
            throw new ConfigException(e.getMessage());
        }
        ProcessorApp app = new ProcessorApp(c, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "weir-processor-shutdown"));
        try {
            app.start();
            app.awaitStop();
        } catch (IllegalStateException e) {
            log.error("The processor could not start: {}", e.getMessage(), e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (app.state() == KafkaStreams.State.ERROR) {
            String why = app.failure() != null ? app.failure() : "Kafka Streams failed; see the log above for the cause.";
            log.error(why);
            System.err.println(why);
            app.close();
            return 1;
        }
        return 0;
    }
}
