package dev.weir.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.command.Commands;
import dev.weir.processor.ProcessorCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
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
        assertThat(c.streamThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void shouldReadEveryKey() {
        ProcessorConfig c = parse("""
                kafka: {bootstrap-servers: "kafka:9092", properties: {request.timeout.ms: 5000, num.standby.replicas: 1}}
                application-id: weir-test
                state-dir: /var/lib/weir
                stream-threads: 5
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
        assertThat(c.streamThreads()).isEqualTo(5);
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
    void shouldRedactDeadLettersUnlessTheOperatorChoosesToKeepTheirOriginals() throws IOException {
        assertThat(parse("redaction: {disabled: []}").normalize().redaction().keepDeadLetterOriginals()).isFalse();
        assertThat(parse("redaction: {keep-dead-letter-originals: true}").normalize().redaction().keepDeadLetterOriginals()).isTrue();
        assertThatThrownBy(() -> parse("redaction: {keep-dead-letter-originals: sometimes}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.redaction.keep-dead-letter-originals");
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
        Path file = Files.writeString(dir.resolve("p.yaml"), "kafka: {bootstrap-servers: 'file:9092'}\nhttp: {port: 9001}\n");
        ProcessorCommand command = new ProcessorCommand();
        Commands.of(command).parseArgs("--config", file.toString(), "--bootstrap-servers", "cli:9092");
        ProcessorConfig c = command.config();
        assertThat(c.bootstrapServers()).isEqualTo("cli:9092");
        assertThat(c.httpPort()).isEqualTo(9001);
    }

    @Test
    void shouldRejectUnknownArgumentWithOneLineAndStatusTwo() {
        StringWriter err = new StringWriter();
        int status = Commands.of(new ProcessorCommand()).setErr(new PrintWriter(err, true)).execute("--prot", "1");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("Unknown option", "--prot");
    }

    @Test
    void shouldRejectAPortThatIsNoNumberWithOneLineAndStatusTwo() {
        StringWriter err = new StringWriter();
        int status = Commands.of(new ProcessorCommand()).setErr(new PrintWriter(err, true)).execute("--port", "abc");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("'abc'", "--port");
    }

    @Test
    void shouldNameTheNewPlaceOfTheOldTopLevelBootstrapServers() {
        assertThatThrownBy(() -> parse("bootstrap-servers: kafka:9092"))
                .hasMessage("Configuration key processor.bootstrap-servers is now processor.kafka.bootstrap-servers; rename it");
    }

    @Test
    void shouldRejectAnUnknownKafkaClientProperty() {
        assertThatThrownBy(() -> parse("kafka: {properties: {request.timout.ms: 5000}}"))
                .hasMessageStartingWith("Unknown Kafka client setting request.timout.ms in processor.kafka.properties");
    }

    @Test
    void shouldPassKafkaSecurityToStreams() {
        ProcessorConfig c = parse("kafka: {security-protocol: SASL_PLAINTEXT, sasl: {mechanism: SCRAM-SHA-512, username: u, password: p}}");
        assertThat(c.streamsProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void shouldReadMeasureRulesAndInstanceKeys() {
        ProcessorConfig c = parse("""
                http: {host: 0.0.0.0, port: 9000, advertised-host: proc-1.internal}
                standby-replicas: 1
                session-timeout: 10s
                measure:
                  window: 30s
                  grace: 5s
                  source-wait: 2s
                  max-services: 50
                  max-routes-per-service: 20
                  logins: {window: 10m, source-min-failures: 3}
                rules: {path: /etc/weir/rules, kibana-url: 'http://kibana:5601', evaluation-interval: 500ms}
                """);
        assertThat(c.advertisedHost()).isEqualTo("proc-1.internal");
        assertThat(c.standbyReplicas()).isEqualTo(1);
        assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.measure().window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.measure().grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.measure().sourceWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.measure().maxServices()).isEqualTo(50);
        assertThat(c.measure().maxRoutesPerService()).isEqualTo(20);
        assertThat(c.measure().loginWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.measure().sourceMinFailures()).isEqualTo(3);
        assertThat(c.rules()).isEqualTo(new ProcessorConfig.Rules(Path.of("/etc/weir/rules"), URI.create("http://kibana:5601"),
                Duration.ofMillis(500)));
    }

    @Test
    void shouldAdvertiseLoopbackWhenBoundToEveryAddress() {
        assertThat(parse("http: {host: 0.0.0.0}").advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(parse("http: {host: 10.1.2.3}").advertisedHost()).isEqualTo("10.1.2.3");
    }

    @Test
    void shouldRejectMeasureWindowThatDoesNotDivideAnHour() {
        assertThatThrownBy(() -> parse("measure: {window: 7m}"))
                .isInstanceOf(ConfigException.class).hasMessage("Invalid value PT7M for processor.measure.window: "
                        + "must divide one hour evenly (e.g. 1m, 30s), so that the 5m/15m/1h views are whole windows");
    }

    @Test
    void shouldRejectASourceWaitOutOfRange() {
        assertThat(parse("measure: {source-wait: 0s}").measure().sourceWait()).isZero();
        assertThatThrownBy(() -> parse("measure: {source-wait: 11m}"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("Invalid value 11m for processor.measure.source-wait");
    }

    @Test
    void shouldRejectRetentionShorterThanTheLongestView() {
        assertThatThrownBy(() -> parse("measure: {retention: 1h}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.measure.retention");
    }

    @Test
    void shouldRejectUnknownMeasureKey() {
        assertThatThrownBy(() -> parse("measure: {logins: {window-size: 5m}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.measure.logins.window-size");
    }

    @Test
    void shouldRejectKibanaUrlThatIsNotHttp() {
        assertThatThrownBy(() -> parse("rules: {kibana-url: 'ftp://kibana'}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.rules.kibana-url");
    }

    @Test
    void shouldRejectAdvertisedHostWithPort() {
        assertThatThrownBy(() -> parse("http: {advertised-host: 'proc-1:8080'}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.http.advertised-host");
    }

    @Test
    void shouldRejectSessionTimeoutBelowTheBrokerMinimum() {
        assertThatThrownBy(() -> parse("session-timeout: 1s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("processor.session-timeout");
    }
}
