package dev.weir.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.ChildJvm;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class SinkKillIT {
    private static final int N = 20_000;

    @Test
    void shouldHoldExactlyNDocumentsAfterKill9MidBatchAndRestart(KafkaBroker kafka, ElasticsearchNode es, @TempDir Path dir)
            throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Stack.topics(bootstrap);
        String ns = SinkFixtures.namespace("kill");
        String group = "g-" + ns;
        Stack.send(bootstrap, SinkFixtures.events(ns, N, 0, 0));
        Path config = dir.resolve("sink.yaml");
        Files.writeString(config, String.join("\n",
                "kafka:",
                "  group-id: " + group,
                "  max-poll-records: 500",
                "bulk:",
                "  max-docs: 200",
                "  flush-interval: 100ms",
                "  concurrency: 2",
                "retention:",
                "  enabled: false",
                "http:",
                "  port: 0",
                ""));
        Path log = Path.of("target", "sink-kill-child.log");
        Process child = ChildJvm.main(SinkApp.class.getName(),
                        List.of("--config", config.toString(), "--bootstrap-servers", bootstrap, "--elasticsearch", es.httpUrl()))
                .jvmOptions(List.of("-Xmx256m", TempDirs.childTmpdirOption(dir))).output(log).start();
        try {
            Poll.until(Duration.ofSeconds(120), () -> {
                if (!child.isAlive()) {
                    throw new IllegalStateException("the sink child exited with " + child.exitValue() + "; see " + log);
                }
                return Stack.count(es.httpUrl(), "logs-svc-" + ns) >= 1000;
            }, () -> "the child sink to index its first 1000 documents (log: " + log.toAbsolutePath() + ")");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no final commit
            child.waitFor(30, TimeUnit.SECONDS);
        }
        long atKill = Stack.count(es.httpUrl(), "logs-svc-" + ns);
        assertThat(atKill).as("killed in the middle of the run").isLessThan(N);

        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, es.httpUrl(), group), Clock.systemUTC())) {
            sink.start();
            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, Duration.ofSeconds(180));
        }
        assertThat(Stack.count(es.httpUrl(), "logs-svc-" + ns)).isEqualTo(N);
    }
}
