package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.ChildJvm;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent runs as a child JVM so that it can be killed with SIGKILL in the middle of a file. */
@ExtendWith(LocalStackExtension.class)
class AgentCrashIT {
    private static final int LINES = 600_000;

    /** The child agents' output, kept for inspection. */
    private static final Path LOGS = Path.of("target");

    @TempDir
    Path dir;

    @Test
    void shouldShipEveryLineAfterKill9AndRestartWithDuplicatesCarryingTheSameEventId(KafkaBroker kafka) throws Exception {
        String topic = "it.crash.logs";
        kafka.createTopic(topic, 1);
        Path log = dir.resolve("app.log");
        try (BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LINES; i++) {
                w.write(Lines.line(i));
            }
        }
        Path config = dir.resolve("agent.yml");
        Files.writeString(config, """
                service: {name: shop}
                kafka:
                  bootstrap-servers: %s
                  topics: {logs: %s, requests: %s.requests}
                data-dir: %s
                checkpoint-interval: 100ms
                http: {enabled: false}
                files:
                  - name: app
                    paths: [%s]
                """.formatted(kafka.bootstrapServers(), topic, topic, dir.resolve("data"), log));

        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            Process first = startAgent(config, LOGS.resolve("agent-crash-1.log"));
            Path checkpoint = dir.resolve("data/checkpoints.json");
            long size = Files.size(log);
            try {
                Poll.until(Duration.ofSeconds(60), () -> checkpointed(checkpoint) >= size / 10,
                        () -> "checkpoint at " + checkpointed(checkpoint) + " of " + size + " bytes; agent log: " + LOGS.resolve("agent-crash-1.log"));
            } finally {
                first.destroyForcibly().waitFor();
            }
            assertThat(checkpointed(checkpoint)).as("checkpoint at the kill: the agent was in the middle of the file").isLessThan(size);

            Process second = startAgent(config, LOGS.resolve("agent-crash-2.log"));
            try {
                Poll.until(Duration.ofSeconds(90), () -> Lines.counts(reader.poll()).size() >= LINES,
                        () -> Lines.counts(reader.poll()).size() + " of " + LINES + " distinct lines after restart");
            } finally {
                second.destroyForcibly().waitFor();
            }
            List<TopicReader.Rec> all = reader.poll();
            assertThat(Lines.missing(all, LINES)).as("missing lines").isEmpty();
            Map<Long, Set<String>> idsPerLine = new HashMap<>();
            for (TopicReader.Rec v : all) {
                idsPerLine.computeIfAbsent(v.seq(), k -> new HashSet<>()).add(v.eventId());
            }
            assertThat(idsPerLine.values()).as("every line has one event id, also when sent twice").allMatch(ids -> ids.size() == 1);
        }
    }

    /** @return the acknowledged offset in the agent's checkpoint, 0 before the first one is written */
    private static long checkpointed(Path checkpoint) {
        if (!Files.exists(checkpoint)) {
            return 0;
        }
        try {
            var files = new com.fasterxml.jackson.databind.ObjectMapper().readTree(checkpoint.toFile()).get("files");
            return files.isEmpty() ? 0 : files.get(0).get("offset").asLong();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Process startAgent(Path config, Path output) throws IOException {
        return ChildJvm.main("dev.weir.agent.AgentApp", List.of("--config", config.toString()))
                .jvmOptions(List.of("-Xmx256m", TempDirs.childTmpdirOption(config.getParent()))).output(output).start();
    }
}
