package dev.weir.cli.secure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.LocalStack;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user sees when a component cannot connect for a reason waiting will not fix: each
 * component, run as {@code weir <component> --config FILE} against the secured stack, exits with
 * status 2 within 30 s and prints one line naming the setting to fix, without the secret; a
 * broker that is merely down is waited for instead.
 */
@ExtendWith(SecuredStack.Extension.class)
class SecuredStartFailureIT {
    private static final String WRONG_PASSWORD = "planted-wrong-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static Path dir;
    private static LocalStack stack;
    private static String kafkaPassword;
    private static String esPassword;

    @BeforeAll
    static void start(SecuredStack secured) throws Exception {
        dir = Files.createTempDirectory("weir-start-failure-it-");
        stack = secured.stack();
        kafkaPassword = secured.kafkaPassword();
        esPassword = secured.esPassword();
    }

    @AfterAll
    static void stop() {
        TempDirs.delete(dir);
    }

    private static String kafka(String protocol, String password, Path ca) {
        String sasl = protocol.startsWith("SASL") ? "  sasl: {mechanism: SCRAM-SHA-512, username: weir, password: \"" + password + "\"}\n" : "";
        String ssl = ca == null ? "" : "  ssl: {ca: \"" + ca + "\"}\n";
        return "kafka:\n  bootstrap-servers: \"" + stack.kafka().bootstrapServers() + "\"\n  security-protocol: " + protocol + "\n"
                + sasl + ssl;
    }

    private static Path kafkaCa() {
        return stack.kafka().security().certificates().ca();
    }

    private static Path esCa() {
        return stack.elasticsearch().security().certificates().ca();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs {@code weir <args>} and checks status 2 within 30 s and a line equal to {@code expected}. */
    private static void assertStopsWith(String name, String expected, String... args) throws Exception {
        try (Components weir = new Components(dir, Map.of())) {
            long started = System.nanoTime();
            Process p = weir.start(name, args);
            boolean exited = p.waitFor(LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            List<String> lines = weir.lines(name);
            assertThat(exited).as("%s exited; output:%n%s", name, String.join("\n", lines)).isTrue();
            assertThat(p.exitValue()).as("exit status of %s; output:%n%s", name, String.join("\n", lines)).isEqualTo(2);
            assertThat(took).isLessThan(LIMIT);
            assertThat(lines).contains(expected);
            assertThat(lines).noneMatch(l -> l.contains(kafkaPassword) || l.contains(esPassword) || l.contains(WRONG_PASSWORD));
        }
    }

    @Test
    void shouldNameTheCredentialsWhenKafkaRejectsThem() throws Exception {
        Path config = Files.writeString(dir.resolve("processor-wrong-password.yml"), kafka("SASL_SSL", WRONG_PASSWORD, kafkaCa())
                + "http: {host: 127.0.0.1, port: " + freePort() + "}\nstate-dir: " + dir.resolve("state-1") + "\n");
        assertStopsWith("processor-wrong-password", "Kafka rejected SCRAM-SHA-512 authentication for user weir; check "
                + "processor.kafka.sasl.username and processor.kafka.sasl.password", "processor", "--config", config.toString());
    }

    @Test
    void shouldNameTheCaWhenKafkasCertificateIsNotTrusted() throws Exception {
        Path config = Files.writeString(dir.resolve("agent-untrusted.yml"), kafka("SASL_SSL", kafkaPassword, esCa())
                + "service: {name: shop}\ndata-dir: " + dir.resolve("agent-data") + "\nhttp: {host: 127.0.0.1, port: " + freePort() + "}\n");
        assertStopsWith("agent-untrusted", "Kafka's certificate at " + stack.kafka().bootstrapServers() + " is not trusted; check "
                + "agent.kafka.ssl.ca (the PEM file of the CA that signed the brokers' certificates)", "agent", "--config", config.toString());
    }

    @Test
    void shouldNameTheProtocolWhenAPlaintextClientMeetsATlsListener() throws Exception {
        Path am = Files.writeString(dir.resolve("am.yml"), "route: {receiver: none}\nreceivers: [{name: none}]\n");
        Path config = Files.writeString(dir.resolve("emitter-plaintext.yml"), kafka("PLAINTEXT", null, null)
                + "http: {host: 127.0.0.1, port: " + freePort() + "}\nalertmanager-config: " + am + "\n");
        assertStopsWith("emitter-plaintext", "Kafka at " + stack.kafka().bootstrapServers() + " expects TLS, but "
                + "emitter.kafka.security-protocol is PLAINTEXT; set it to SSL or SASL_SSL (with emitter.kafka.ssl.ca)",
                "emitter", "--config", config.toString());
    }

    private static Path sinkConfig(String name, String elasticsearch) throws IOException {
        return Files.writeString(dir.resolve(name + ".yml"), kafka("SASL_SSL", kafkaPassword, kafkaCa())
                + "http: {host: 127.0.0.1, port: " + freePort() + "}\nelasticsearch:\n" + elasticsearch);
    }

    @Test
    void shouldNameTheCredentialsWhenElasticsearchRejectsThem() throws Exception {
        Path config = sinkConfig("sink-wrong-password", "  url: " + stack.elasticsearch().httpUrl() + "\n  username: weir-es\n"
                + "  password: " + WRONG_PASSWORD + "\n  ca: \"" + esCa() + "\"\n");
        assertStopsWith("sink-wrong-password", "Elasticsearch at " + stack.elasticsearch().httpUrl() + " rejected the credentials "
                + "(401); check elasticsearch.username and elasticsearch.password", "sink", "--config", config.toString());
    }

    @Test
    void shouldNameTheApiKeyWhenElasticsearchRejectsIt() throws Exception {
        Path config = sinkConfig("sink-wrong-api-key", "  url: " + stack.elasticsearch().httpUrl() + "\n  api-key: 'weir-id:"
                + WRONG_PASSWORD + "'\n  ca: \"" + esCa() + "\"\n");
        assertStopsWith("sink-wrong-api-key", "Elasticsearch at " + stack.elasticsearch().httpUrl() + " rejected the credentials "
                + "(401); check elasticsearch.api-key", "sink", "--config", config.toString());
    }

    @Test
    void shouldNameTheCaWhenElasticsearchsCertificateIsNotTrusted() throws Exception {
        Path config = sinkConfig("sink-untrusted", "  url: " + stack.elasticsearch().httpUrl() + "\n  username: weir-es\n"
                + "  password: " + esPassword + "\n  ca: \"" + kafkaCa() + "\"\n");
        assertStopsWith("sink-untrusted", "Elasticsearch's certificate at " + stack.elasticsearch().httpUrl() + " is not trusted; "
                + "check elasticsearch.ca", "sink", "--config", config.toString());
    }

    @Test
    void shouldNameTheUrlWhenAPlainHttpClientMeetsHttps() throws Exception {
        String http = stack.elasticsearch().httpUrl().replace("https://", "http://");
        Path config = sinkConfig("sink-plaintext", "  url: " + http + "\n  username: weir-es\n  password: " + esPassword + "\n");
        assertStopsWith("sink-plaintext", "Elasticsearch at " + http + " expects HTTPS; use an https:// URL in elasticsearch.url "
                + "(with elasticsearch.ca or elasticsearch.ca-fingerprint)", "sink", "--config", config.toString());
    }

    @Test
    void shouldKeepWaitingForABrokerThatIsMerelyDown() throws Exception {
        int nobody = freePort();
        Path config = Files.writeString(dir.resolve("processor-down.yml"), "kafka: {bootstrap-servers: '127.0.0.1:" + nobody + "'}\n"
                + "http: {host: 127.0.0.1, port: " + freePort() + "}\nstate-dir: " + dir.resolve("state-2") + "\n");
        try (Components weir = new Components(dir, Map.of())) {
            Process p = weir.start("processor-down", "processor", "--config", config.toString());
            Poll.until(Duration.ofSeconds(60), () -> weir.lines("processor-down").stream()
                    .anyMatch(l -> l.contains("did not answer at start") && l.contains("continuing")),
                    () -> "the processor to say it keeps waiting for Kafka");
            assertThat(p.isAlive()).as("the processor still waits for the broker").isTrue();
        }
    }
}
