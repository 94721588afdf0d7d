package dev.weir.agent;

import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.tail.FileInputSettings;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the agent needs to run, validated. Built from YAML by {@link AgentConfig}, or in
 * code by an embedding CLI.
 *
 * @param serviceName {@code service.name} for events without one; also their record key
 * @param environment {@code service.environment}, or null
 * @param hostName {@code host.name} for events without one
 * @param kafka the {@code kafka:} block: bootstrap servers, security, client properties
 * @param clientId producer client id
 * @param destinations raw topics
 * @param dataDir holds {@code checkpoints.json} and the disk buffer
 * @param checkpointInterval how often acknowledged positions are written
 * @param buffer memory, disk and in-flight bounds
 * @param http server and intake
 * @param stdin standard input
 * @param files file inputs
 * @param probes whether and how this agent runs probes from the probes topic
 */
public record AgentSettings(String serviceName, String environment, String hostName, KafkaSettings kafka, String clientId,
                            Destinations destinations, Path dataDir, Duration checkpointInterval, BufferSettings buffer,
                            HttpSettings http, StdinSettings stdin, List<FileInputSettings> files,
                            ProbeSettings probes) {
    public AgentSettings {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(destinations, "destinations");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(stdin, "stdin");
        files = List.copyOf(files);
        Objects.requireNonNull(probes, "probes");
    }

    /** Settings without probes. */
    public AgentSettings(String serviceName, String environment, String hostName, KafkaSettings kafka, String clientId,
                         Destinations destinations, Path dataDir, Duration checkpointInterval, BufferSettings buffer,
                         HttpSettings http, StdinSettings stdin, List<FileInputSettings> files) {
        this(serviceName, environment, hostName, kafka, clientId, destinations, dataDir, checkpointInterval, buffer,
                http, stdin, files, ProbeSettings.disabled());
    }

    /**
     * @param enabled whether this agent joins the probe group and runs its share of the probes
     * @param topic   the compacted probes topic
     * @param group   the consumer group all probing agents share
     */
    public record ProbeSettings(boolean enabled, String topic, String group) {
        public ProbeSettings {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(group, "group");
        }

        /** @return probes off, with the default topic and group */
        public static ProbeSettings disabled() {
            return new ProbeSettings(false, Topics.PROBES, "weir-probes");
        }
    }

    /** @return a copy with other probe settings */
    public AgentSettings withProbes(ProbeSettings p) {
        return new AgentSettings(serviceName, environment, hostName, kafka, clientId, destinations, dataDir,
                checkpointInterval, buffer, http, stdin, files, p);
    }

    /** @return the Kafka bootstrap servers */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** @return a copy against another Kafka */
    public AgentSettings withKafka(KafkaSettings newKafka) {
        return new AgentSettings(serviceName, environment, hostName, newKafka, clientId, destinations, dataDir,
                checkpointInterval, buffer, http, stdin, files, probes);
    }

    /**
     * @param memoryBytes bound of the memory tier
     * @param diskEnabled whether events spill to disk segments when memory is full
     * @param diskBytes bound of the disk tier
     * @param segmentBytes size of one disk segment
     * @param inFlightBytes bound on bytes handed to the producer and not yet acknowledged
     */
    public record BufferSettings(long memoryBytes, boolean diskEnabled, long diskBytes, long segmentBytes, long inFlightBytes) {
        /** 64 MiB memory, 1 GiB disk in 16 MiB segments, 64 MiB in flight. */
        public static BufferSettings defaults() {
            return new BufferSettings(64L << 20, true, 1L << 30, 16L << 20, 64L << 20);
        }
    }

    /**
     * @param enabled whether standard input is read
     * @param parser how its lines are read
     * @param events kind of JSON events
     * @param exitAtEnd whether {@code main} stops the agent once stdin ended and everything read is acknowledged
     */
    public record StdinSettings(boolean enabled, ParserType parser, EventKind events, boolean exitAtEnd) {
        public static StdinSettings disabled() {
            return new StdinSettings(false, ParserType.JSON, EventKind.LOG, true);
        }
    }

    /**
     * Defaults around the required parts, for tests and embedding.
     *
     * @param serviceName service of events without one
     * @param bootstrapServers Kafka
     * @param dataDir checkpoint and disk buffer directory
     * @param files file inputs
     * @return settings with HTTP on 8090, stdin off, default buffers
     */
    public static AgentSettings of(String serviceName, String bootstrapServers, Path dataDir, List<FileInputSettings> files) {
        return new AgentSettings(serviceName, null, AgentConfig.localHostName(), KafkaSettings.plaintext(bootstrapServers), "weir-agent",
                new Destinations(Topics.RAW_LOGS, Topics.RAW_REQUESTS), dataDir, Duration.ofSeconds(1),
                BufferSettings.defaults(), HttpSettings.defaults(), StdinSettings.disabled(), files, ProbeSettings.disabled());
    }

    /** @return a copy with other HTTP settings */
    public AgentSettings withHttp(HttpSettings newHttp) {
        return new AgentSettings(serviceName, environment, hostName, kafka, clientId, destinations, dataDir,
                checkpointInterval, buffer, newHttp, stdin, files, probes);
    }

    /** @return a copy with other buffer settings */
    public AgentSettings withBuffer(BufferSettings newBuffer) {
        return new AgentSettings(serviceName, environment, hostName, kafka, clientId, destinations, dataDir,
                checkpointInterval, newBuffer, http, stdin, files, probes);
    }

    /** @return a copy with other stdin settings */
    public AgentSettings withStdin(StdinSettings newStdin) {
        return new AgentSettings(serviceName, environment, hostName, kafka, clientId, destinations, dataDir,
                checkpointInterval, buffer, http, newStdin, files, probes);
    }
}
