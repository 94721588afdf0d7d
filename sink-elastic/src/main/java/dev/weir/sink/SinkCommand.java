package dev.weir.sink;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code weir sink}: runs the Elasticsearch sink until stopped. Options override the file; exit
 * status 2 for a configuration error (one line on stderr), 1 when it cannot start or its consumer
 * fails.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, description = "Run the Elasticsearch sink until stopped.")
public final class SinkCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(SinkCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "sink.yml; without it every key has its default.")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Overrides kafka.bootstrap-servers.")
    String bootstrapServers;

    @Option(names = "--elasticsearch", paramLabel = "URL", description = "Overrides elasticsearch.url.")
    String elasticsearch;

    @Option(names = {"--port", "--http-port"}, paramLabel = "N", description = "Overrides http.port (0: any free port).")
    Integer port;

    /**
     * @return the configuration the options describe
     * @throws ConfigException for a bad file or option value
     */
    public SinkConfig config() {
        SinkConfig c = config == null ? SinkConfig.from(ConfigNode.empty(""), bootstrapServers, elasticsearch)
                : SinkConfig.load(config, bootstrapServers, elasticsearch);
        return port == null ? c : c.withHttpPort(port);
    }

    @Override
    public Integer call() {
        SinkApp app = new SinkApp(config(), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "weir-sink-shutdown"));
        try {
            app.start();
        } catch (IllegalStateException e) {
            log.error("The sink did not start: {}", e.getMessage(), e);
            return 1;
        }
        // The consumer thread keeps running until a signal or a fatal error stops it.
        try {
            app.consumerThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return app.consumerFailure() != null ? 1 : 0;
    }
}
