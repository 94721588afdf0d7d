package dev.weir.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One probe run against real local servers: an HTTPS server with a certificate about to expire, TCP ports open and closed. */
class ProbeCheckTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private static ProbeDefinition probe(String yaml) {
        return ProbeSet.parse(Map.of("p.yml", yaml)).probes().values().iterator().next();
    }

    /** A key pair and a self-signed certificate for 127.0.0.1, valid for {@code days}, made by the JDK's keytool. */
    private KeyStore keyStore(int days) throws Exception {
        Path file = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "probe", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", Integer.toString(days), "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(file.toFile())) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    @Test
    void shouldWarnOfACertificateThatExpiresWithinTheWarningAndStillCountAsUp() throws Exception {
        KeyStore ks = keyStore(5);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("probe", ks.getCertificate("probe"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext clientTls = SSLContext.getInstance("TLS");
            clientTls.init(null, tmf.getTrustManagers(), null);
            ProbeCheck check = new ProbeCheck(HttpClient.newBuilder().sslContext(clientTls).build(), Clock.systemUTC());
            ProbeDefinition p = probe("""
                    probes:
                      - {name: tls, url: "https://127.0.0.1:%d/health", tls: {expiry_warning: 14d}, expect: {json: '$.status == "healthy"'}}
                    """.formatted(server.getAddress().getPort()));

            ProbeResult result = check.run(p, Instant.now());

            Instant notAfter = ((X509Certificate) ks.getCertificate("probe")).getNotAfter().toInstant();
            assertThat(result.up()).isTrue();
            assertThat(result.certNotAfter()).isEqualTo(notAfter);
            assertThat(result.reason()).startsWith("the TLS certificate expires in 4 days");
            assertThat(new String(result.toJson(null, "h"), StandardCharsets.UTF_8))
                    .contains("\"log.level\":\"warn\"", "\"event.outcome\":\"success\"", "\"probe_warning\":\"the TLS certificate expires in 4 days",
                            "\"tls.server.not_after\":\"" + notAfter + "\"");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldFindATcpPortOpenAndAClosedOneDown() throws Exception {
        ProbeCheck check = new ProbeCheck(HttpClient.newHttpClient(), Clock.systemUTC());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (ServerSocket open = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            ProbeResult up = check.run(probe("probes:\n  - {name: db, address: \"127.0.0.1:" + open.getLocalPort() + "\", timeout: 2s}\n"),
                    Instant.now());
            ProbeResult down = check.run(probe("probes:\n  - {name: db, address: \"127.0.0.1:" + closed + "\", timeout: 2s}\n"),
                    Instant.now());

            assertThat(up.up()).isTrue();
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).startsWith("connection failed: ");
        }
    }
}
