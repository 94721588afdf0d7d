package dev.weir.cli.up;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.tail.FileInputSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * producer-agent in {@code weir up}: HTTP intake on port 8090, and Weir's own JSON log file
 * tailed as service {@code weir}, so Weir ships itself.
 */
final class AgentComponent implements UpComponent {
    private final Path ownLog;
    private AgentApp app;

    /** @param ownLog Weir's own log file, tailed by the agent */
    AgentComponent(Path ownLog) {
        this.ownLog = ownLog;
    }

    @Override
    public String name() {
        return "producer-agent";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        AgentSettings settings = AgentSettings.of("weir", env.bootstrapServers(), env.dataDir().resolve("agent"),
                        List.of(FileInputSettings.of("weir-own-logs", List.of(ownLog.toString()), ParserType.JSON)))
                .withHttp(HttpSettings.defaults().at("0.0.0.0", 8090))
                .withKafka(env.kafka());
        app = new AgentApp(settings, Clock.systemUTC());
        app.start();
    }

    @Override
    public List<String> whereToLook() {
        return List.of("agent intake   http://127.0.0.1:" + app.httpPort()
                + "/v1/logs   (POST NDJSON; also /v1/requests, /metrics, /health/ready; tails " + ownLog.getFileName() + ")");
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
