package dev.weir.emitter.config;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.ops.HttpServerSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * The emitter's own settings, from {@code emitter.yml} (the routing lives in the
 * alertmanager.yml it names): {@code alertmanager-config}, {@code external-url}, the shared
 * {@code kafka:} block (absent: alerts only over HTTP, state in memory) and {@code http:}.
 *
 * @param alertmanagerConfig the alertmanager.yml, or {@code null} when the command line names it
 * @param externalUrl        this emitter's URL for links in messages, or {@code null} for {@code http://localhost:PORT}
 * @param kafka              the cluster, or {@code null} without Kafka
 * @param http               the API server
 */
public record EmitterConfig(Path alertmanagerConfig, String externalUrl, KafkaSettings kafka, HttpServerSettings http) {
    /** Default port of the Alertmanager-compatible API. */
    public static final int DEFAULT_PORT = 9093;

    /** @return no file: port 9093, no Kafka, no token */
    public static EmitterConfig defaults() {
        return new EmitterConfig(null, null, null, HttpServerSettings.of("0.0.0.0", DEFAULT_PORT));
    }

    /**
     * @param file emitter.yml
     * @return validated settings
     * @throws ConfigException naming the first wrong key
     */
    public static EmitterConfig load(Path file) {
        ConfigNode root = ConfigNode.load(file, "emitter");
        String am = root.string("alertmanager-config", null);
        URI external = root.uri("external-url", null);
        KafkaSettings kafka = root.has("kafka") ? KafkaSettings.read(root.child("kafka"), null, Set.of()) : null;
        HttpServerSettings http = HttpServerSettings.read(root.child("http"), "0.0.0.0", DEFAULT_PORT);
        root.finish();
        Path alertmanager = null;
        if (am != null) {
            alertmanager = Path.of(am);
            if (!alertmanager.isAbsolute() && file.getParent() != null) {
                alertmanager = file.getParent().resolve(alertmanager);
            }
        }
        return new EmitterConfig(alertmanager, external == null ? null : external.toString(), kafka, http);
    }
}
