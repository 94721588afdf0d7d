package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validates docker-compose.yml with the real docker-compose (Debian package, installed by
 * bin/install-test-deps). No Docker engine is needed for {@code config}.
 */
class DockerComposeTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize();

    private static Result config(Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "-f", file.toString(), "config", "-q")
                    .directory(COMPOSE.getParent().toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed; run bin/install-test-deps", e);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker-compose config did not finish within 60 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {}

    @Test
    void shouldBeAValidComposeFile() throws Exception {
        Result r = config(COMPOSE);
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void shouldDeclareKafkaElasticsearchKibanaPrometheusGrafanaAndEveryComponent() throws IOException {
        String text = Files.readString(COMPOSE);
        assertThat(text).contains("image: apache/kafka:4.", "elasticsearch/elasticsearch:8.19", "kibana/kibana:8.19",
                "prom/prometheus", "grafana/grafana", "weir-agent:", "weir-processor:", "weir-sink:", "weir-emitter:");
    }

    @Test
    void shouldRejectABrokenComposeFileSoTheCheckAboveCanFail(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("docker-compose.yml");
        Files.writeString(broken, Files.readString(COMPOSE).replace("  kafka:\n    image:", "  kafka:\n    imagee:"));
        assertThat(config(broken).exit()).isNotZero();
    }
}
