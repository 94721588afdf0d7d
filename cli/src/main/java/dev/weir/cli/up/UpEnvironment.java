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
 */
public record UpEnvironment(KafkaSettings kafka, ElasticsearchSettings elasticsearch, Path dataDir) {
    public UpEnvironment {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(dataDir, "dataDir");
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
