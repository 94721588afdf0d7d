package dev.weir.common.command;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The Kafka options of commands that are not components ({@code weir rules apply},
 * {@code weir demo}): {@code --bootstrap-servers}, and {@code --kafka-config FILE}, a YAML file
 * whose {@code kafka:} block (the same keys as every component's) gives the security settings;
 * a component's own file works, its other keys are not read. A picocli mixin.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers; overrides the file's.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "A YAML file with a kafka: block (security-protocol, sasl, ssl, properties), e.g. the processor's.")
    Path file;

    /**
     * @return the Kafka settings the options describe
     * @throws ConfigException when neither option is given or the file's {@code kafka:} block is wrong
     */
    public KafkaSettings kafka() {
        if (file == null) {
            if (bootstrapServers == null) {
                throw new ConfigException("Missing option --bootstrap-servers (or --kafka-config FILE with a kafka: block)");
            }
            return KafkaSettings.plaintext(bootstrapServers);
        }
        ConfigNode root = ConfigNode.load(file, "");
        if (!root.has("kafka")) {
            throw new ConfigException("Missing kafka: block in " + file);
        }
        // the file may be a component's, whose kafka: block has keys of its own (topics, group-id): not finished here
        KafkaSettings settings = KafkaSettings.read(root.child("kafka"), bootstrapServers, Set.of());
        return bootstrapServers == null ? settings : settings.withBootstrapServers(bootstrapServers);
    }
}
