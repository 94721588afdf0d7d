package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class FileTailIT {
    @TempDir
    Path dir;

    @Test
    void shouldShipAPartialLastLineOnlyOnceItsNewlineArrives(KafkaBroker kafka) throws Exception {
        String topic = "it.partial.logs";
        kafka.createTopic(topic, 1);
        Path log = dir.resolve("app.log");
        String second = Lines.line(1);
        Files.writeString(log, Lines.line(0) + second.substring(0, 30));
        try (AgentApp agent = new AgentApp(RotationIT.agentSettings(kafka, topic, dir.resolve("agent-data"), List.of(log.toString())), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            agent.start();
            Poll.until(Duration.ofSeconds(30), () -> reader.poll().size() >= 1, () -> "first line");

            Files.writeString(log, second.substring(30) + Lines.line(2), StandardOpenOption.APPEND);
            Poll.until(Duration.ofSeconds(30), () -> reader.poll().size() >= 3, () -> reader.poll().size() + " of 3 lines");

            assertThat(reader.poll()).extracting(TopicReader.Rec::seq).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    void shouldPickUpNewFilesMatchingTheGlobWhileRunning(KafkaBroker kafka) throws Exception {
        String topic = "it.glob.logs";
        kafka.createTopic(topic, 1);
        Path logs = Files.createDirectories(dir.resolve("svc"));
        try (AgentApp agent = new AgentApp(RotationIT.agentSettings(kafka, topic, dir.resolve("agent-data"), List.of(logs + "/*.json")), Clock.systemUTC());
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            agent.start();
            Files.writeString(logs.resolve("a.json"), Lines.line(0));
            Files.writeString(logs.resolve("b.json"), Lines.line(1));
            Files.writeString(logs.resolve("c.txt"), Lines.line(2));

            Poll.until(Duration.ofSeconds(30), () -> reader.poll().size() >= 2, () -> reader.poll().size() + " of 2 lines");

            assertThat(reader.poll()).extracting(TopicReader.Rec::seq).containsExactlyInAnyOrder(0L, 1L);
        }
    }

    @Test
    void shouldShipStdinLinesAndFinishOnceAllAreAcknowledged(KafkaBroker kafka) throws Exception {
        String topic = "it.stdin.logs";
        kafka.createTopic(topic, 1);
        InputStream in = new ByteArrayInputStream((Lines.line(0) + "not json\n" + Lines.line(2)).getBytes(StandardCharsets.UTF_8));
        AgentSettings settings = RotationIT.agentSettings(kafka, topic, dir.resolve("agent-data"), List.of(dir + "/none.log"))
                .withStdin(new AgentSettings.StdinSettings(true, dev.weir.agent.parse.ParserType.JSON, dev.weir.agent.parse.EventKind.LOG, true));
        try (AgentApp agent = new AgentApp(settings, Clock.systemUTC(), in);
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            agent.start();

            agent.stdinFinished().get(30, java.util.concurrent.TimeUnit.SECONDS);

            Poll.until(Duration.ofSeconds(30), () -> reader.poll().size() >= 3, () -> reader.poll().size() + " of 3 lines");
            assertThat(reader.poll()).extracting(TopicReader.Rec::seq).containsExactly(0L, -1L, 2L);
        }
    }
}
