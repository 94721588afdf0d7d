package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The secured stack as a client meets it: SCRAM and mutual TLS on Kafka, HTTPS with users and tokens on Elasticsearch. */
class SecuredStackIT {
    private static Path dir;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("weir-secured-stack-");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        stack = LocalStack.startSecured(dir, new LocalStack.Secured(Map.of("weir", "weir-pw-1"), "weir-es", "es-pw-123"), true);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        TempDirs.delete(dir);
    }

    private static Map<String, Object> tls() {
        Map<String, Object> p = new HashMap<>();
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", stack.kafka().security().certificates().ca().toString());
        p.put("request.timeout.ms", 5000);
        p.put("default.api.timeout.ms", 10000);
        return p;
    }

    private static Map<String, Object> scram(String user, String password, String mechanism) {
        Map<String, Object> p = tls();
        p.put("bootstrap.servers", stack.kafka().bootstrapServers());
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", mechanism);
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return p;
    }

    @Test
    void shouldAcceptScramAndPlainUsersOverTls() throws Exception {
        for (String mechanism : List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")) {
            try (Admin admin = Admin.create(scram("weir", "weir-pw-1", mechanism))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).as(mechanism).isNotEmpty();
            }
        }
    }

    @Test
    void shouldRejectAWrongPassword() {
        try (Admin admin = Admin.create(scram("weir", "wrong", "SCRAM-SHA-512"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldAcceptAClientCertificateOnTheMutualTlsListener() throws Exception {
        Map<String, Object> p = tls();
        Certificates c = stack.kafka().security().certificates();
        p.put("bootstrap.servers", stack.kafka().security().mtlsBootstrapServers());
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", Files.readString(c.clientCert()));
        p.put("ssl.keystore.key", Files.readString(c.clientKey()));
        try (Admin admin = Admin.create(p)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
        }
    }

    @Test
    void shouldServeElasticsearchOverHttpsToItsUserAndServiceToken() throws Exception {
        ElasticsearchNode es = stack.elasticsearch();
        ElasticsearchNode.Security s = es.security();
        assertThat(es.httpUrl()).startsWith("https://");
        HttpClient http = HttpClient.newBuilder().sslContext(s.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        URI health = URI.create(es.httpUrl() + "/_cluster/health");
        assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(health).header("Authorization", s.basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(health).header("Authorization", "Bearer " + s.serviceToken()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(health).header("Authorization", "Bearer " + es.accessToken()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpResponse<String> apiKey = http.send(HttpRequest.newBuilder(health).header("Authorization", "ApiKey "
                + java.util.Base64.getEncoder().encodeToString("id:key".getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(apiKey.statusCode()).isEqualTo(401);
        assertThat(apiKey.body()).contains("apikey authentication for id id");
    }
}
