package dev.weir.agent.it;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.ship.Destinations;
import dev.weir.stack.KafkaBroker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Starts an agent whose only input is its HTTP server, on 127.0.0.1 and a free port, writing to a test's own topics. */
final class IntakeAgent {
    private IntakeAgent() {
    }

    /**
     * Creates {@code topic.logs} and {@code topic.requests} and starts the agent.
     *
     * @param service     the agent's {@code service.name}
     * @param environment its {@code service.environment}
     * @param host        its {@code host.name}
     * @return the running agent; close it
     */
    static AgentApp start(KafkaBroker kafka, String topic, Path dir, String service, String environment, String host,
                          HttpSettings http) throws Exception {
        kafka.createTopic(topic + ".logs", 1);
        kafka.createTopic(topic + ".requests", 1);
        AgentSettings s = AgentSettings.of(service, kafka.bootstrapServers(), dir.resolve("data"), List.of());
        s = new AgentSettings(s.serviceName(), environment, host, s.kafka(), s.clientId(), new Destinations(topic + ".logs", topic + ".requests"),
                s.dataDir(), s.checkpointInterval(), AgentSettings.BufferSettings.defaults(), http.at("127.0.0.1", 0), s.stdin(), s.files());
        AgentApp agent = new AgentApp(s, Clock.systemUTC());
        agent.start();
        return agent;
    }
}
