package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.Topics;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir processor} as a process against a real broker, meeting an error no replacement thread can get past: it
 * exits with status 1 and one line that says why and what to do, instead of replacing stream threads forever.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(300)
class FatalErrorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldExitWithOneAndSayWhyWhenASourceTopicIsDeleted(KafkaBroker kafka) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("p.yml"), String.join("\n",
                "kafka: {bootstrap-servers: \"" + kafka.bootstrapServers() + "\"}",
                "application-id: weir-fatal-it",
                "state-dir: " + dir.resolve("state"),
                "http: {host: 127.0.0.1, port: " + port + "}",
                ""));
        Path log = dir.resolve("processor.log");
        Path err = dir.resolve("stderr.txt");
        process = ChildJvm.main(ProcessorApp.class.getName(), List.of("--config", config.toString()))
                .jvmOptions(List.of("-Xmx384m", TempDirs.childTmpdirOption(dir))).output(log).error(err).start();
        HttpClient http = HttpClient.newHttpClient();
        Poll.until(DEADLINE, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the processor exited with " + process.exitValue() + ": " + Files.readString(err));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        }, () -> "the processor ready");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteTopics(List.of(Topics.RAW_REQUESTS)).all().get(30, TimeUnit.SECONDS);
        }

        Poll.until(DEADLINE, () -> !process.isAlive(), () -> "the processor to exit; stderr: " + tail(err));
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.startsWith("{")).toList();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).anySatisfy(l -> assertThat(l).startsWith("The processor stops: a topic the processor needs is missing")
                .contains("topics.create"));
        assertThat(Files.readString(err)).doesNotContain("Replacing thread");
    }

    private static String tail(Path file) {
        try {
            String s = Files.exists(file) ? Files.readString(file) : "";
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
