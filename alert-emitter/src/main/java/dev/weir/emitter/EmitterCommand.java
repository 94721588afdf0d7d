package dev.weir.emitter;

import dev.weir.common.config.ConfigException;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.emitter.config.EmitterConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weir emitter}: runs the alert emitter with the routing of an alertmanager.yml and the
 * settings of {@code emitter.yml}; options override the file. {@code weir emitter check
 * alertmanager.yml} validates the routing without starting anything; {@code weir emitter
 * test-receiver alertmanager.yml RECEIVER} sends a test notification through each integration of
 * a receiver.
 */
@Command(name = "emitter", mixinStandardHelpOptions = true, subcommands = {EmitterCommand.Check.class, EmitterCommand.TestReceiver.class},
        description = "Run the alert emitter (routing and delivery) until stopped.")
public final class EmitterCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ALERTMANAGER_YML", description = "The routing; overrides alertmanager-config of --config.")
    Path alertmanagerConfig;

    @Option(names = "--config", paramLabel = "FILE", description = "emitter.yml: kafka, http, external-url, alertmanager-config.")
    Path config;

    @Option(names = "--port", paramLabel = "N", description = "Overrides http.port (0: any free port).")
    Integer port;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Overrides kafka.bootstrap-servers.")
    String bootstrapServers;

    @Option(names = "--external-url", paramLabel = "URL", description = "Overrides external-url: this emitter's URL in messages.")
    String externalUrl;

    /**
     * @return the settings the options describe
     * @throws ConfigException for a bad file or option value
     */
    public EmitterApp.Settings settings() {
        EmitterConfig c = config == null ? EmitterConfig.defaults() : EmitterConfig.load(config);
        Path routing = alertmanagerConfig != null ? alertmanagerConfig : c.alertmanagerConfig();
        if (routing == null) {
            throw new ConfigException("Missing alertmanager.yml: name it on the command line or as alertmanager-config in --config");
        }
        KafkaSettings kafka = c.kafka();
        if (bootstrapServers != null) {
            kafka = kafka == null ? KafkaSettings.plaintext(bootstrapServers) : kafka.withBootstrapServers(bootstrapServers);
        }
        var http = c.http();
        if (port != null) {
            if (port < 0 || port > 65_535) {
                throw ConfigException.invalid("--port", port, "must be between 0 and 65535");
            }
            http = http.withPort(port);
        }
        return new EmitterApp.Settings(routing, http, kafka, externalUrl != null ? externalUrl : c.externalUrl(), Clock.systemUTC(), null);
    }

    @Override
    public Integer call() {
        EmitterApp app = new EmitterApp(settings()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "emitter-shutdown"));
        try {
            // runs until a signal; the shutdown hook closes the emitter
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code weir emitter check alertmanager.yml}. */
    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate an alertmanager.yml and its templates.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "ALERTMANAGER_YML")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<String> problems = EmitterApp.check(file);
            problems.forEach(p -> spec.commandLine().getErr().println("warning: " + p));
            spec.commandLine().getErr().println(file + " is valid" + (problems.isEmpty() ? "" : " (" + problems.size() + " warnings)"));
            return 0;
        }
    }

    /** {@code weir emitter test-receiver alertmanager.yml RECEIVER}. */
    @Command(name = "test-receiver", mixinStandardHelpOptions = true,
            description = "Send a test notification through every integration of a receiver; exit 1 when one fails.")
    static final class TestReceiver implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ALERTMANAGER_YML")
        Path file;

        @Parameters(index = "1", paramLabel = "RECEIVER")
        String receiver;

        @Option(names = "--external-url", paramLabel = "URL", description = "This emitter's URL in the message (default http://localhost:9093).")
        String externalUrl = "http://localhost:" + EmitterConfig.DEFAULT_PORT;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<EmitterApp.TestResult> results = EmitterApp.testReceiver(file, receiver, externalUrl);
            int failed = 0;
            for (EmitterApp.TestResult r : results) {
                if (r.error() == null) {
                    spec.commandLine().getOut().println(receiver + "/" + r.integration() + ": sent");
                } else {
                    failed++;
                    spec.commandLine().getOut().println(receiver + "/" + r.integration() + ": failed: " + r.error());
                }
            }
            spec.commandLine().getOut().println(results.size() - failed + " of " + results.size() + " integrations of "
                    + receiver + " accepted the test notification");
            return failed == 0 ? 0 : 1;
        }
    }
}
