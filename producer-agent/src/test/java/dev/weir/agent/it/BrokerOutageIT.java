package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class BrokerOutageIT {
    /** How long the broker stays away while lines keep being written. */
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryLineWrittenWhileTheBrokerWasStoppedForAMinute(KafkaBroker kafka) throws Exception {
        String topic = "it.outage.logs";
        kafka.createTopic(topic, 1);
        Path log = dir.resolve("app.log");
        AgentSettings settings = RotationIT.agentSettings(kafka, topic, dir.resolve("agent-data"), List.of(log.toString()));
        long written = 0;
        try (AgentApp agent = new AgentApp(settings, Clock.systemUTC());
             BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
             TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic)) {
            agent.start();
            for (; written < 1_000; written++) {
                w.write(Lines.line(written));
            }
            w.flush();
            long before = written;
            Poll.until(Duration.ofSeconds(30), () -> reader.poll().size() >= before, () -> reader.poll().size() + " of " + before + " before the outage");

            kafka.stop();
            long outageEnds = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < outageEnds) {
                // about 1,000 lines a second while the broker is away
                for (int i = 0; i < 100; i++) {
                    w.write(Lines.line(written++));
                }
                w.flush();
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            kafka.restart();
            for (int i = 0; i < 1_000; i++) {
                w.write(Lines.line(written++));
            }
            w.flush();

            long total = written;
            Poll.until(Duration.ofSeconds(120), () -> Lines.counts(reader.poll()).size() >= total,
                    () -> Lines.counts(reader.poll()).size() + " of " + total + " lines after the broker came back");
            assertThat(Lines.missing(reader.poll(), total)).as("missing lines").isEmpty();
            assertThat(Lines.duplicated(reader.poll())).as("lines delivered twice").isZero();
        }
    }
}
