package dev.weir.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.stack.Certificates;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {
    private static KafkaSettings read(String yaml, Map<String, String> env) {
        ConfigNode root = ConfigNode.parse(new StringReader(yaml), "agent", env, "test.yml");
        KafkaSettings k = KafkaSettings.read(root.child("kafka"), "127.0.0.1:9092", Set.of());
        root.finish();
        return k;
    }

    @Test
    void shouldBuildScramOverTlsFromTheBlock(@TempDir Path dir) throws Exception {
        Certificates certs = Certificates.generate(dir, "k");
        Path secret = Files.writeString(dir.resolve("pw"), "from-a-file\n");
        KafkaSettings k = read("""
                kafka:
                  bootstrap-servers: "b1:9093,b2:9093"
                  sasl: {mechanism: SCRAM-SHA-512, username: weir, password: "${file:%s}"}
                  ssl: {ca: "%s"}
                  properties: {request.timeout.ms: 20000}
                """.formatted(secret, certs.ca()), Map.of());
        assertThat(k.securityProtocol()).isEqualTo(KafkaSettings.SecurityProtocol.SASL_SSL);
        assertThat(k.clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"weir\" password=\"from-a-file\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("request.timeout.ms", "20000");
        assertThat(k.toString()).doesNotContain("from-a-file");
    }

    @Test
    void shouldPassAClientCertificateAndKeyAsPemValues(@TempDir Path dir) throws Exception {
        Certificates certs = Certificates.generate(dir, "k");
        KafkaSettings k = read("kafka: {security-protocol: SSL, ssl: {ca: '%s', certificate: '%s', key: '%s'}}"
                .formatted(certs.ca(), certs.clientCert(), certs.clientKey()), Map.of());
        assertThat(k.clientProperties()).containsEntry("ssl.keystore.type", "PEM")
                .hasEntrySatisfying("ssl.keystore.key", v -> assertThat(v.toString()).startsWith("-----BEGIN PRIVATE KEY-----"))
                .hasEntrySatisfying("ssl.keystore.certificate.chain", v -> assertThat(v.toString()).contains("BEGIN CERTIFICATE"));
    }

    @Test
    void shouldRejectAnUnknownClientSettingNamingIt() {
        assertThatThrownBy(() -> read("kafka: {properties: {linger.msec: 5}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Unknown Kafka client setting linger.msec in agent.kafka.properties");
    }

    @Test
    void shouldSendATypedSettingToItsKey() {
        assertThatThrownBy(() -> read("kafka: {properties: {security.protocol: SSL}}", Map.of()))
                .hasMessage("Kafka setting security.protocol in agent.kafka.properties has a key of its own; set "
                        + "agent.kafka.security-protocol instead");
    }

    @Test
    void shouldAskForThePasswordOfASaslUser() {
        assertThatThrownBy(() -> read("kafka: {sasl: {mechanism: PLAIN, username: weir}}", Map.of()))
                .hasMessageStartingWith("Missing value for agent.kafka.sasl.password");
    }

    @Test
    void shouldRejectSaslSettingsOnAPlaintextProtocol() {
        assertThatThrownBy(() -> read("kafka: {security-protocol: PLAINTEXT, sasl: {mechanism: PLAIN, username: u, password: p}}", Map.of()))
                .hasMessage("Invalid value PLAINTEXT for agent.kafka.security-protocol: agent.kafka.sasl is set; use SASL_SSL (or SASL_PLAINTEXT)");
    }

    @Test
    void shouldNameAMissingCaFile() {
        assertThatThrownBy(() -> read("kafka: {security-protocol: SSL, ssl: {ca: /nonexistent/ca.pem}}", Map.of()))
                .hasMessage("Invalid value /nonexistent/ca.pem for agent.kafka.ssl.ca: no such file");
    }

    @Test
    void shouldNameTheEnvironmentVariableOfAMissingSecretWithoutAValue() {
        assertThatThrownBy(() -> read("kafka: {sasl: {mechanism: PLAIN, username: u, password: '${KAFKA_PW}'}}", Map.of()))
                .hasMessage("Invalid value ${KAFKA_PW} for agent.kafka.sasl.password: environment variable KAFKA_PW is not set");
    }
}
