package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.tail.FileInputSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class RotationIT {
    private static final int LINES = 100_000;
    private static final int ROTATE_EVERY = 20_000;

    @TempDir
    Path dir;

    @Test
    void shouldShipEveryLineExactlyOnceWhileTheFileIsRotatedByRenameAndCopytruncate(KafkaBroker kafka) throws Exception {
        String topic = "it.rotation.logs";
        kafka.createTopic(topic, 1);
        Path log = dir.resolve("logs/app.log");
        Files.createDirectories(log.getParent());
        AgentSettings settings = agentSettings(kafka, topic, dir.resolve("agent-data"), List.of(log.getParent() + "/app.log*"));

        try (AgentApp agent = new AgentApp(settings, Clock.systemUTC()); TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            agent.start();
            writeRotating(log, reader);

            Poll.until(Duration.ofSeconds(90), () -> reader.poll().size() >= LINES,
                    () -> reader.poll().size() + " of " + LINES + " lines in Kafka");
            assertThat(Lines.missing(reader.poll(), LINES)).as("missing lines (count, -1, first, last when many)").isEmpty();
            assertThat(Lines.duplicated(reader.poll())).as("lines shipped more than once").isZero();
            assertThat(reader.poll()).hasSize(LINES);
        }
    }

    /**
     * Writes the lines, rotating by rename and copytruncate in turn, as logrotate would. Before the
     * last 5,000 lines of each 20,000 the writer waits until the agent has shipped everything
     * before them, so that each rotation happens while the agent is in the middle of the file
     * with lines still unread.
     */
    private void writeRotating(Path log, TopicReader reader) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        int rotation = 0;
        for (int i = 0; i < LINES; i++) {
            if ((i + 5_000) % ROTATE_EVERY == 0) {
                w.flush();
                int shipped = i;
                Poll.until(Duration.ofSeconds(60), () -> reader.poll().size() >= shipped,
                        () -> reader.poll().size() + " of " + shipped + " lines shipped before rotation");
            }
            w.write(Lines.line(i));
            if ((i + 1) % ROTATE_EVERY == 0 && i + 1 < LINES) {
                w.flush();
                rotation++;
                Path rotated = log.resolveSibling("app.log." + rotation);
                if (rotation % 2 == 1) {
                    w.close();
                    Files.move(log, rotated, StandardCopyOption.ATOMIC_MOVE);
                    w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND);
                } else {
                    Files.copy(log, rotated);
                    try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
                        ch.truncate(0);
                    }
                }
            }
        }
        w.close();
    }

    /** @param dataDir the agent's buffer and checkpoints: inside the test's temporary directory, so that it goes with it */
    static AgentSettings agentSettings(KafkaBroker kafka, String topic, Path dataDir, List<String> paths) {
        FileInputSettings files = FileInputSettings.of("app", paths, ParserType.JSON).withScanInterval(Duration.ofMillis(200));
        AgentSettings s = AgentSettings.of("shop", kafka.bootstrapServers(), dataDir, List.of(files));
        return new AgentSettings(s.serviceName(), s.environment(), s.hostName(), s.kafka(), s.clientId(),
                new Destinations(topic, topic + ".requests"), s.dataDir(), Duration.ofMillis(200), s.buffer(),
                HttpSettings.defaults().at("127.0.0.1", 0), s.stdin(), s.files());
    }
}
