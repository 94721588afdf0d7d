package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        return config(List.of(file), Map.of());
    }

    private static Result config(List<Path> files, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose"));
        files.forEach(f -> command.addAll(List.of("-f", f.toString())));
        command.addAll(List.of("config", "-q"));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(COMPOSE.getParent().toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            p = pb.start();
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

    /** The secured variant, commented in docker-compose.yml, as the user saves it: the lines between the markers without "# ". */
    private static String securedVariant() throws IOException {
        List<String> lines = Files.readAllLines(COMPOSE);
        int from = lines.indexOf("# >>> docker-compose.secure.yml");
        int to = lines.indexOf("# <<< docker-compose.secure.yml");
        assertThat(from).as("start marker of the secured variant").isNotNegative();
        assertThat(to).as("end marker of the secured variant").isGreaterThan(from);
        StringBuilder out = new StringBuilder();
        for (String line : lines.subList(from + 1, to)) {
            assertThat(line).startsWith("#");
            out.append(line.startsWith("# ") ? line.substring(2) : line.substring(1)).append('\n');
        }
        return out.toString();
    }

    @Test
    void shouldOfferAValidSecuredVariant(@TempDir Path dir) throws Exception {
        Path secure = Files.writeString(dir.resolve("docker-compose.secure.yml"), securedVariant());
        Result r = config(List.of(COMPOSE, secure), Map.of("KAFKA_WEIR_PASSWORD", "from-the-secret-file"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readString(secure)).contains("SASL_SSL", "xpack.security.http.ssl.enabled", "/etc/weir/secure/sink.yml");
    }

    @Test
    void shouldRejectABrokenSecuredVariantSoTheCheckAboveCanFail(@TempDir Path dir) throws Exception {
        Path secure = Files.writeString(dir.resolve("docker-compose.secure.yml"), securedVariant().replace("    secrets: [", "    secretz: ["));
        assertThat(config(List.of(COMPOSE, secure), Map.of("KAFKA_WEIR_PASSWORD", "x")).exit()).isNotZero();
    }
}
