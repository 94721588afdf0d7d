package dev.weir.cli.up;

import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code weir up} hands each component.
 *
 * @param kafka         the local Kafka broker, with its security settings under {@code --secure}
 * @param elasticsearch the local Elasticsearch, with credentials and CA under {@code --secure}; {@code null} when
 *                      started without it
 * @param dataDir       a directory the component may keep state in
 * @param httpHost      the address every component's HTTP server listens on ({@code 127.0.0.1} unless told otherwise)
 */
public record UpEnvironment(KafkaSettings kafka, ElasticsearchSettings elasticsearch, Path dataDir, String httpHost) {
    public UpEnvironment {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(httpHost, "httpHost");
    }

    /**
     * @param port a component's port
     * @return the base URL of a component's HTTP server, as this machine reaches it (loopback for a wildcard host)
     */
    public String httpUrl(int port) {
        boolean wildcard = httpHost.equals("0.0.0.0") || httpHost.equals("::") || httpHost.equals("[::]");
        String host = wildcard ? "127.0.0.1" : httpHost.contains(":") && !httpHost.startsWith("[") ? "[" + httpHost + "]" : httpHost;
        return "http://" + host + ":" + port;
    }

    /** @return the broker's bootstrap servers */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** @return the Elasticsearch URL, or {@code null} without Elasticsearch */
    public String elasticsearchUrl() {
        return elasticsearch == null ? null : elasticsearch.url().toString();
    }
}
