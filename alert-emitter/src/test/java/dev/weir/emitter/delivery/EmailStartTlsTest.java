package dev.weir.emitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.common.tls.TlsContexts;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import dev.weir.stack.Certificates;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.server.SMTPServer;

/**
 * E-mail over STARTTLS to a real SMTP server that offers STARTTLS and refuses mail before it
 * (SubEthaSMTP; GreenMail does not speak STARTTLS), with a certificate from a CA made for the test.
 */
class EmailStartTlsTest {
    @TempDir
    static Path dir;
    private static Certificates certificates;

    private final List<String> received = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    @BeforeAll
    static void certificates() throws Exception {
        certificates = Certificates.generate(dir.resolve("tls"), "weir-email-test");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private int start(boolean offerStartTls) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(TlsContexts.keyStore(certificates.serverCert(), certificates.serverKey()), TlsContexts.keyStorePassword());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        server = SMTPServer.port(0)
                .bindAddress(java.net.InetAddress.getLoopbackAddress())
                .enableTLS(offerStartTls)
                .requireTLS(offerStartTls)
                .startTlsSocketFactory(serverTls)
                .messageHandler((context, from, to, data) -> received.add(new String(data, StandardCharsets.UTF_8)))
                .build();
        server.start();
        return server.getPortAllocated();
    }

    private static Integration email(int port, String tlsConfig) {
        String yaml = """
                route: {receiver: ops}
                receivers:
                  - name: ops
                    email_configs:
                      - to: oncall@example.com
                        from: weir@example.com
                        smarthost: 127.0.0.1:%d
                %s
                """.formatted(port, tlsConfig.isEmpty() ? "" : tlsConfig.indent(8).stripTrailing());
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse(yaml, Map.of(), "starttls-test");
        return Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5)).get("ops").get(0);
    }

    private static NotificationData data() {
        Alert a = new Alert("fp1", Map.of("alertname", "HighErrorRate", "severity", "critical", "service", "payments"),
                Map.of("summary", "High error rate on payments"), Instant.parse("2026-12-07T05:06:07Z"), null, "http://weir",
                Alert.Status.FIRING);
        return new NotificationData("ops", "{}:{alertname=\"HighErrorRate\"}", Map.of("alertname", "HighErrorRate"),
                List.of(new AlertData(a, false)), "http://weir:9093");
    }

    @Test
    void shouldDeliverOverStartTlsToAServerSignedByTheConfiguredCa() throws Exception {
        int port = start(true);
        email(port, "tls_config: {ca_file: " + certificates.ca() + "}").send(data(), "n-1");
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("Subject: [FIRING:1] HighErrorRate", "Message-ID: <n-1@weir-alert-emitter>");
    }

    @Test
    void shouldRefuseAServerWhoseCertificateTheTrustStoreDoesNotKnow() throws Exception {
        int port = start(true);
        assertThatThrownBy(() -> email(port, "").send(data(), "n-1")).isInstanceOf(DeliveryException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void shouldDeliverWithoutCheckingTheCertificateWhenToldToSkipVerification() throws Exception {
        int port = start(true);
        email(port, "tls_config: {insecure_skip_verify: true}").send(data(), "n-1");
        assertThat(received).hasSize(1);
    }

    @Test
    void shouldNotSendInClearTextWhenTheServerOffersNoStartTls() throws Exception {
        int port = start(false);
        assertThatThrownBy(() -> email(port, "tls_config: {ca_file: " + certificates.ca() + "}").send(data(), "n-1"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("STARTTLS");
        assertThat(received).isEmpty();
    }

    @Test
    void shouldRefuseATlsConfigItCannotHonour() {
        assertThatThrownBy(() -> email(25, "tls_config: {server_name: mail.example.com}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("email_configs[0].tls_config.server_name");
        assertThatThrownBy(() -> email(25, "tls_config: {cert_file: " + certificates.clientCert() + "}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls_config.key_file");
    }
}
