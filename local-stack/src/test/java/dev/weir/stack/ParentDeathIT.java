package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A JVM that starts the servers and is then killed with SIGKILL must not leave them running. */
class ParentDeathIT {

    /** Starts a broker and a node in {@code args[0]}, says so, and waits to be killed. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            KafkaBroker kafka = KafkaBroker.start(Path.of(args[0], "kafka"));
            ElasticsearchNode es = ElasticsearchNode.start(Path.of(args[0], "elasticsearch"));
            System.out.println("READY " + kafka.bootstrapServers() + " " + es.httpUrl());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void shouldStopBrokerAndNodeWhenTheirParentIsKilled(@TempDir Path dir) throws Exception {
        dir.toFile().setExecutable(true, false); // the Elasticsearch user must reach it when we are root
        Path log = dir.resolve("parent.log");
        Process parent = ChildJvm.main(Parent.class.getName(), List.of(dir.toString())).output(log).start();
        try {
            // the servers' own start deadlines are 90 s and 120 s
            Poll.until(Duration.ofMinutes(5), () -> Files.readAllLines(log).stream().anyMatch(l -> l.startsWith("READY ")) || !parent.isAlive(),
                    () -> "the parent to start its servers; its log ends:\n" + ChildJvm.tail(log, 30));
            assertThat(parent.isAlive()).as("the parent runs; its log ends:%n%s", ChildJvm.tail(log, 30)).isTrue();
            List<ProcessHandle> children = parent.descendants().toList();
            assertThat(children).anyMatch(h -> h.info().commandLine().orElse("").contains(KafkaServerMain.class.getName()));
            assertThat(children).anyMatch(h -> h.info().commandLine().orElse("").contains("org.elasticsearch.bootstrap.Elasticsearch"));

            parent.destroyForcibly();
            parent.waitFor(30, TimeUnit.SECONDS);

            Poll.until(Duration.ofSeconds(60), () -> children.stream().noneMatch(ProcessHandle::isAlive),
                    () -> "the children of the killed JVM to exit; still alive: "
                            + children.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + h.info().command().orElse("?")).toList());
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }
}
