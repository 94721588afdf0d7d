package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, ChildJvm.classpath()), Parent.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            String ready = awaitReadyLine(parent);
            assertThat(ready).startsWith("READY ");
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

    private static String awaitReadyLine(Process parent) throws IOException {
        StringBuilder output = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
        // readLine blocks; the servers' own start deadlines (90 s, 120 s) bound this
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("READY ")) {
                return line;
            }
            output.append(line).append('\n');
        }
        return "parent exited before ready:\n" + output;
    }
}
