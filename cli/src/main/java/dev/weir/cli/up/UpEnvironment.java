package dev.weir.cli.up;

import java.nio.file.Path;

/**
 * What {@code weir up} hands each component.
 *
 * @param bootstrapServers the local Kafka broker
 * @param elasticsearchUrl the local Elasticsearch, or {@code null} when started without it
 * @param dataDir a directory the component may keep state in
 */
public record UpEnvironment(String bootstrapServers, String elasticsearchUrl, Path dataDir) {}
