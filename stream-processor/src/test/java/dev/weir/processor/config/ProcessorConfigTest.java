package dev.weir.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.processor.ProcessorApp;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorConfigTest {
    @TempDir
    Path dir;

    private static ProcessorConfig parse(String yaml) {
        return ProcessorConfig.from(ConfigNode.parse(new StringReader(yaml), ProcessorConfig.ROOT, Map.of(), "test.yaml"));
    }

    @Test
    void shouldUseDocumentedDefaultsForEmptyFile() {
        ProcessorConfig c = parse("");
        assertThat(c).isEqualTo(ProcessorConfig.defaults("127.0.0.1:9092").withStateDir(c.stateDir()));
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.normalize().limits().maxEventBytes()).isEqualTo(1_048_576);
        assertThat(c.normalize().limits().maxPast()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void shouldReadEveryKey() {
        ProcessorConfig c = parse("""
                bootstrap-servers: kafka:9092
                application-id: weir-test
                state-dir: /var/lib/weir
                stream-threads: 2
                commit-interval: 250ms
                startup-timeout: 30s
                topics: {create: false, partitions: 6, replication-factor: 3}
                http: {host: 127.0.0.1, port: 9000}
                limits: {max-event-size: 512KiB, max-depth: 10, max-fields: 200, max-string-length: 4096, max-past: 1d, max-future: 5m}
                routes: {max-per-service: 50, login-routes: ["POST /signin", "post /login"]}
                redaction:
                  disabled: [email]
                  custom: [{name: ssn, pattern: '\\d{3}-\\d{2}-\\d{4}', replacement: '[SSN]'}]
                fingerprint: {in-app-packages: [dev.shop.], max-frames: 3}
                """);
        assertThat(c.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(c.applicationId()).isEqualTo("weir-test");
        assertThat(c.streamThreads()).isEqualTo(2);
        assertThat(c.commitInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.createTopics()).isFalse();
        assertThat(c.topicReplication()).isEqualTo((short) 3);
        assertThat(c.httpPort()).isEqualTo(9000);
        assertThat(c.normalize().limits().maxEventBytes()).isEqualTo(512 * 1024);
        assertThat(c.normalize().limits().maxFuture()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.normalize().routes().isLogin("POST", "/login")).isTrue();
        assertThat(c.normalize().redaction().rules()).extracting(r -> r.name()).doesNotContain("email").contains("ssn");
        assertThat(c.normalize().fingerprint().maxFrames()).isEqualTo(3);
    }

    @Test
    void shouldRejectUnknownKey() {
        assertThatThrownBy(() -> parse("limits: {max-dept: 3}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.limits.max-dept");
    }

    @Test
    void shouldRejectUnknownDisabledRule() {
        assertThatThrownBy(() -> parse("redaction: {disabled: [passwords]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("passwords");
    }

    @Test
    void shouldRejectInvalidRegex() {
        assertThatThrownBy(() -> parse("redaction: {custom: [{name: x, pattern: '(['}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.redaction.custom[0].pattern");
    }

    @Test
    void shouldRejectMalformedLoginRoute() {
        assertThatThrownBy(() -> parse("routes: {login-routes: [login]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.routes.login-routes");
    }

    @Test
    void shouldLetCommandLineBootstrapServersOverrideFile() throws IOException {
        Path file = Files.writeString(dir.resolve("p.yaml"), "bootstrap-servers: file:9092\nhttp: {port: 9001}\n");
        ProcessorConfig c = ProcessorApp.parseArgs(new String[] {"--config", file.toString(), "--bootstrap-servers", "cli:9092"});
        assertThat(c.bootstrapServers()).isEqualTo("cli:9092");
        assertThat(c.httpPort()).isEqualTo(9001);
    }

    @Test
    void shouldRejectUnknownArgument() {
        assertThatThrownBy(() -> ProcessorApp.parseArgs(new String[] {"--port", "1"}))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--port");
    }
}
