package dev.weir.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir up} on the user's own logs, rules and routing: the real {@code weir.jar} with
 * {@code --no-demo --tail auth.log:sshd:bastion --rules … --alertmanager …}. A brute force written
 * to the tailed file becomes an alert of the user's rule, delivered to the user's webhook.
 */
class UpOwnLogsIT {
    private static final String ATTACKER = "198.51.100.77";

    private HttpServer webhook;
    private final List<String> notifications = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startWebhook() throws IOException {
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                notifications.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        webhook.start();
    }

    @AfterEach
    void stopWebhook() {
        webhook.stop(0);
    }

    @Test
    void shouldAlertOnATailedFileWithTheUsersRulesAndRouting(@TempDir Path dir) throws Exception {
        Path authLog = dir.resolve("auth.log");
        Files.writeString(authLog, "");
        Path rules = dir.resolve("rules");
        Files.createDirectories(rules);
        Files.writeString(rules.resolve("security.yml"), """
                rules:
                  - alert: SshBruteForce
                    signal: failed_logins
                    group_by: [service, source_ip]
                    window: 1m
                    threshold: 5
                    severity: critical
                    annotations:
                      summary: "Brute force from {{ $labels.source_ip }} on {{ $labels.service }}"
                """);
        Path alertmanager = dir.resolve("alertmanager.yml");
        Files.writeString(alertmanager, """
                route:
                  receiver: security-team
                  group_by: [alertname, source_ip]
                  group_wait: 0s
                receivers:
                  - name: security-team
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                """.formatted(webhook.getAddress().getPort()));
        Path output = dir.resolve("weir-up.out");
        Process weir = ChildJvm.jar(WeirJar.path(), List.of("up", "--dir", dir.resolve("weir").toString(), "--no-demo",
                "--no-elasticsearch", "--tail", authLog + ":sshd:bastion", "--rules", rules.toString(),
                "--alertmanager", alertmanager.toString(), "--duration", "PT5M", "--status-interval", "PT1S"))
                .jvmOptions(List.of(WeirJar.HEAP)).output(output).start();
        List<ProcessHandle> servers = List.of();
        try {
            Poll.until(Duration.ofMinutes(4), () -> Files.readString(output).contains("Press Ctrl-C") || !weir.isAlive(),
                    () -> "weir up to start; output:\n" + read(output));
            assertThat(weir.isAlive()).as("weir up exited; output:\n%s", read(output)).isTrue();
            servers = weir.descendants().toList();
            assertThat(read(output)).contains("No demo traffic", "tailing        " + authLog + "   (sshd, service bastion)",
                    "routing        " + alertmanager);
            assertThat(get("http://127.0.0.1:8080/api/v1/rules")).as("only the user's rules").contains("SshBruteForce")
                    .doesNotContain("HighErrorRate");
            for (int port : new int[] {8080, 8088, 8090, 9093}) {
                assertThat(listeningAddresses(port)).as("addresses listening on port %d", port).containsOnly("127.0.0.1");
            }

            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                lines.append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                        .append(" bastion-1 sshd[").append(4000 + i).append("]: Failed password for root from ")
                        .append(ATTACKER).append(" port ").append(50000 + i).append(" ssh2\n");
            }
            Files.writeString(authLog, lines, StandardOpenOption.APPEND);

            Poll.until(Duration.ofMinutes(2), () -> notifications.stream().anyMatch(n -> n.contains(ATTACKER)),
                    () -> "a notification about " + ATTACKER + " at the user's webhook; got " + notifications
                            + "; output:\n" + read(output));
            String notification = notifications.stream().filter(n -> n.contains(ATTACKER)).findFirst().orElseThrow();
            assertThat(notification).contains("\"alertname\":\"SshBruteForce\"", "\"service\":\"bastion\"", "\"status\":\"firing\"");
        } finally {
            ChildJvm.terminate(weir); // SIGTERM, as a service manager stops it
            boolean exited = weir.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                weir.destroyForcibly();
            }
            assertThat(exited).as("weir up to exit after SIGTERM; output:\n%s", read(output)).isTrue();
            List<ProcessHandle> children = servers;
            Poll.until(Duration.ofSeconds(30), () -> children.stream().noneMatch(ProcessHandle::isAlive),
                    () -> "the servers to stop with weir up");
        }
        assertThat(read(output)).contains("weir up: stopped");
    }

    /** The local addresses of the sockets listening on a TCP port, from the kernel's tables. */
    private static List<String> listeningAddresses(int port) throws IOException {
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals("0A") && Integer.parseInt(local[1], 16) == port) { // 0A: LISTEN
                    addresses.add(address(local[0]));
                }
            }
        }
        return addresses;
    }

    /** A /proc/net address: 32-bit words in host (little-endian) order. */
    private static String address(String hex) throws java.net.UnknownHostException {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes).getHostAddress();
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
