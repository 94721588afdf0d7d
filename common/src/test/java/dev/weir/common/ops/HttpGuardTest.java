package dev.weir.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.Secret;
import dev.weir.common.tls.Pem;
import dev.weir.common.tls.TlsContexts;
import dev.weir.stack.Certificates;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token guard and HTTPS of every component's server, over real HTTP. */
class HttpGuardTest {
    private final PrometheusMeterRegistry registry = Metrics.newRegistry("test");
    private Javalin app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        registry.close();
    }

    private String start(HttpServerSettings settings) {
        app = OpsServer.create(settings, "test.http", c -> { });
        OpsServer.install(app, registry, Clock.systemUTC(), Map.of());
        app.get("/api/v1/services", ctx -> ctx.result("[]"));
        app.post("/api/v1/write", ctx -> ctx.result("ok"));
        OpsServer.start(app, settings, "test.http");
        return (settings.tls() ? "https" : "http") + "://127.0.0.1:" + app.port();
    }

    private static int status(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void shouldAnswer401WithoutTheTokenAnd200WithIt() throws Exception {
        String base = start(HttpServerSettings.of("127.0.0.1", 0).withToken(Secret.of("s3cret")));
        HttpClient client = HttpClient.newHttpClient();
        assertThat(status(client, base + "/api/v1/services", null)).isEqualTo(401);
        assertThat(status(client, base + "/api/v1/services", "wrong")).isEqualTo(401);
        assertThat(status(client, base + "/api/v1/services", "s3cret")).isEqualTo(200);
        assertThat(status(client, base + "/no/such/route", null)).isEqualTo(401);
        assertThat(status(client, base + "/health/ready", null)).isEqualTo(200);
        assertThat(status(client, base + "/metrics", null)).isEqualTo(200);
    }

    @Test
    void shouldProtectMetricsWhenAsked() throws Exception {
        String base = start(new HttpServerSettings("127.0.0.1", 0, Secret.of("s3cret"), true, null, null));
        HttpClient client = HttpClient.newHttpClient();
        assertThat(status(client, base + "/metrics", null)).isEqualTo(401);
        assertThat(status(client, base + "/metrics", "s3cret")).isEqualTo(200);
        assertThat(status(client, base + "/health/live", null)).isEqualTo(200);
    }

    @Test
    void shouldServeHttpsWithThePemCertificateOnly(@TempDir Path dir) throws Exception {
        Certificates certs = Certificates.generate(dir, "http-test");
        String base = start(new HttpServerSettings("127.0.0.1", 0, null, false, certs.serverCert(), certs.serverKey()));
        HttpClient trusting = HttpClient.newBuilder().sslContext(TlsContexts.trusting(Pem.certificates(certs.ca()))).build();
        assertThat(status(trusting, base + "/api/v1/services", null)).isEqualTo(200);
        assertThatThrownBy(() -> status(HttpClient.newHttpClient(), base + "/api/v1/services", null))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> status(HttpClient.newHttpClient(), base.replace("https", "http") + "/health/live", null))
                .isInstanceOf(java.io.IOException.class);
        HttpClient pinned = HttpClient.newBuilder().sslContext(TlsContexts.trustingFingerprint(certs.caFingerprint())).build();
        assertThat(status(pinned, base + "/health/live", null)).isEqualTo(200);
    }
}
