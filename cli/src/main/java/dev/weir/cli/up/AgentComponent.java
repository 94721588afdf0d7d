package dev.weir.cli.up;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.tail.FileInputSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * producer-agent in {@code weir up}: HTTP intake on port 8090, Weir's own JSON log file tailed as
 * service {@code weir}, so Weir ships itself, and the user's {@code --tail} files.
 */
final class AgentComponent implements UpComponent {
    private final Path ownLog;
    private final List<TailSpec> tails;
    private AgentApp app;
    private UpEnvironment env;

    /**
     * @param ownLog Weir's own log file, tailed by the agent
     * @param tails the user's files
     */
    AgentComponent(Path ownLog, List<TailSpec> tails) {
        this.ownLog = ownLog;
        this.tails = List.copyOf(tails);
    }

    @Override
    public String name() {
        return "producer-agent";
    }

    @Override
    public void start(UpEnvironment env) throws IOException {
        this.env = env;
        List<FileInputSettings> files = new ArrayList<>();
        files.add(FileInputSettings.of("weir-own-logs", List.of(ownLog.toString()), ParserType.JSON));
        for (int i = 0; i < tails.size(); i++) {
            TailSpec tail = tails.get(i);
            files.add(FileInputSettings.of("tail-" + (i + 1), List.of(tail.path().toString()), tail.parser())
                    .withService(tail.service()));
        }
        AgentSettings settings = AgentSettings.of("weir", env.bootstrapServers(), env.dataDir().resolve("agent"), files)
                .withHttp(HttpSettings.defaults().at(env.httpHost(), 8090))
                .withKafka(env.kafka());
        app = new AgentApp(settings, Clock.systemUTC());
        app.start();
    }

    @Override
    public List<String> whereToLook() {
        List<String> lines = new ArrayList<>();
        lines.add("agent intake   " + env.httpUrl(app.httpPort())
                + "/v1/logs   (POST NDJSON; also /v1/requests, /metrics, /health/ready; tails " + ownLog.getFileName() + ")");
        for (TailSpec tail : tails) {
            lines.add("tailing        " + tail.path() + "   (" + tail.parser().name().toLowerCase(java.util.Locale.ROOT)
                    + ", service " + tail.service() + (matchesNothing(tail.path()) ? "; no such file yet, read once it appears" : "") + ")");
        }
        return lines;
    }

    private static boolean matchesNothing(Path path) {
        return !path.toString().matches(".*[*?\\[{].*") && !Files.exists(path);
    }

    @Override
    public void close() {
        if (app != null) {
            app.close();
        }
    }
}
