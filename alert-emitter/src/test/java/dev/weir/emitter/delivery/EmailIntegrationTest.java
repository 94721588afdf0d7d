package dev.weir.emitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.config.AlertmanagerConfigLoader;
import dev.weir.emitter.config.Fixtures;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** E-mail through a real SMTP server (GreenMail) with the KeneyApp seed's email-ops receiver. */
class EmailIntegrationTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

    @org.junit.jupiter.api.BeforeEach
    void account() {
        // the seed's global smtp_auth_username / smtp_auth_password
        SMTP.setUser("alerts@isdataconsulting.com", "alerts@isdataconsulting.com", "<password>");
    }

    private Integration emailOps() {
        String yaml = Fixtures.seed("seed-004-keneyapp-alertmanager.yml")
                .replace("smtp.gmail.com:587", "127.0.0.1:" + SMTP.getSmtp().getPort())
                .replace("  resolve_timeout: 5m", "  resolve_timeout: 5m\n  smtp_require_tls: false");
        AlertmanagerConfig c = AlertmanagerConfigLoader.parse(yaml, Map.of(), "keneyapp");
        return Integrations.build(c, Templates.withDefaults(), HttpClient.newHttpClient(), Duration.ofSeconds(5)).get("email-ops").get(0);
    }

    private static NotificationData data() {
        Alert a = new Alert("fp1", Map.of("alertname", "HighResponseTime", "severity", "high", "service", "backend"),
                Map.of("summary", "High response time (p95)", "description", "95th percentile response time is 2.3s"),
                Instant.parse("2025-03-04T05:06:07Z"), null, "http://prom", Alert.Status.FIRING);
        return new NotificationData("email-ops", "{}:{alertname=\"HighResponseTime\"}", Map.of("alertname", "HighResponseTime"),
                List.of(new AlertData(a, false)), "http://weir:9093");
    }

    @Test
    void shouldDeliverTheSeedSubjectAndHtmlWithATextPartOverSmtp() throws Exception {
        emailOps().send(data(), "n-1");
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("KeneyApp Alert: High response time (p95)");
        assertThat(m.getFrom()[0].toString()).isEqualTo("alerts@isdataconsulting.com");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ops@isdataconsulting.com");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(GreenMailUtil.getBody(parts.getBodyPart(0))).contains("[FIRING:1] HighResponseTime");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        String html = GreenMailUtil.getBody(parts.getBodyPart(1));
        assertThat(html).contains("<h3>High response time (p95)</h3>")
                .contains("<strong>Severity:</strong> high")
                .contains("95th percentile response time is 2.3s");
    }

    @Test
    void shouldFailWhenTheSmtpServerRejectsTheCredentials() {
        SMTP.setUser("alerts@isdataconsulting.com", "alerts@isdataconsulting.com", "another-password");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> emailOps().send(data(), "n-1"))
                .isInstanceOf(DeliveryException.class).hasMessageContaining("Authentication");
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }
}
