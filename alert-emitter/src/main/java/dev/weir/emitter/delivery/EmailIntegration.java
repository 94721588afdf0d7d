package dev.weir.emitter.delivery;

import dev.weir.common.config.ConfigException;
import dev.weir.common.tls.TlsContexts;
import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * E-mail over SMTP with Jakarta Mail: STARTTLS (required unless {@code require_tls: false}) or TLS
 * from the start on port 465, the server's certificate checked against the JVM's trust store or
 * {@code tls_config.ca_file} and its name against the smarthost (unless {@code insecure_skip_verify}),
 * AUTH when {@code auth_username} is set, a {@code multipart/alternative} message with the text
 * and HTML parts. Headers ({@code Subject}, {@code To}, {@code From} and any others) are templates.
 */
public final class EmailIntegration implements Integration {
    private final AlertmanagerConfig.Email config;
    private final int index;
    private final Duration timeout;
    private final TemplateFields fields;
    private final TemplateFields headers;
    private final SSLSocketFactory tlsSockets; // null: the JVM's default trust store

    public EmailIntegration(AlertmanagerConfig.Email config, int index, Duration timeout, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.timeout = timeout;
        String where = "receiver '" + receiver + "' email_configs[" + index + "]";
        this.tlsSockets = tlsSockets(config.tls(), where);
        this.fields = new TemplateFields(templates, where).add("html", config.html()).add("text", config.text());
        this.headers = new TemplateFields(templates, where + ".headers");
        config.headers().forEach(headers::add);
    }

    private static SSLSocketFactory tlsSockets(AlertmanagerConfig.TlsConfig tls, String where) {
        if (tls.caFile() == null && tls.certFile() == null && !tls.insecureSkipVerify()) {
            return null;
        }
        try {
            return TlsContexts.client(tls.caFile(), tls.certFile(), tls.keyFile(), !tls.insecureSkipVerify()).getSocketFactory();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value for " + where + ".tls_config: " + e.getMessage());
        }
    }

    @Override
    public String kind() {
        return "email";
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(NotificationData data, String id) throws DeliveryException {
        int colon = config.smarthost().lastIndexOf(':');
        String host = config.smarthost().substring(0, colon);
        String port = config.smarthost().substring(colon + 1);
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", port);
        p.put("mail.smtp.localhost", config.hello());
        p.put("mail.smtp.connectiontimeout", String.valueOf(timeout.toMillis()));
        p.put("mail.smtp.timeout", String.valueOf(timeout.toMillis()));
        p.put("mail.smtp.writetimeout", String.valueOf(timeout.toMillis()));
        if (tlsSockets != null) {
            p.put("mail.smtp.ssl.socketFactory", tlsSockets); // used for STARTTLS too
        }
        // the certificate must name the smarthost, as Alertmanager checks it, unless insecure_skip_verify
        p.put("mail.smtp.ssl.checkserveridentity", String.valueOf(!config.tls().insecureSkipVerify()));
        boolean implicitTls = port.equals("465");
        if (implicitTls) {
            p.put("mail.smtp.ssl.enable", "true");
        } else {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", String.valueOf(config.requireTls()));
        }
        Authenticator auth = null;
        if (config.authUsername() != null && !config.authUsername().isBlank()) {
            p.put("mail.smtp.auth", "true");
            String user = config.authUsername();
            String password = config.authPassword() == null ? "" : config.authPassword();
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, password);
                }
            };
        }
        Session session = Session.getInstance(p, auth);
        try {
            MimeMessage m = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    // the same id when a notification is sent again: mail systems drop the repeat
                    setHeader("Message-ID", "<" + id + "@weir-alert-emitter>");
                }
            };
            for (Map.Entry<String, String> h : config.headers().entrySet()) {
                String value = headers.render(h.getKey(), data);
                switch (h.getKey()) {
                    case "Subject" -> m.setSubject(value, "UTF-8");
                    case "From" -> m.setFrom(new InternetAddress(value));
                    case "To" -> m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(value));
                    default -> m.setHeader(h.getKey(), value);
                }
            }
            m.setSentDate(new Date());
            MimeMultipart alternative = new MimeMultipart("alternative");
            String text = fields.render("text", data);
            if (!text.isBlank()) {
                MimeBodyPart textPart = new MimeBodyPart();
                textPart.setText(text, "UTF-8", "plain");
                alternative.addBodyPart(textPart);
            }
            String html = fields.render("html", data);
            if (!html.isBlank()) {
                MimeBodyPart htmlPart = new MimeBodyPart();
                htmlPart.setText(html, "UTF-8", "html");
                alternative.addBodyPart(htmlPart);
            }
            m.setContent(alternative);
            Transport.send(m);
        } catch (SendFailedException e) {
            throw new DeliveryException("SMTP server " + config.smarthost() + " refused the message: " + e.getMessage(), false, null);
        } catch (MessagingException e) {
            throw new DeliveryException("cannot send e-mail through " + config.smarthost() + ": " + e.getMessage(), true, null);
        }
    }
}
