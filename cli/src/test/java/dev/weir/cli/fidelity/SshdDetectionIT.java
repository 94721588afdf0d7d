package dev.weir.cli.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import dev.weir.agent.tail.FileInputSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An sshd auth log written the way OpenSSH (with PAM) and rsyslog write one, tailed by the real agent and run
 * through the real processor with the default rule pack, on a real broker: a brute force (with rsyslog's
 * {@code message repeated} lines and PAM's lines beside sshd's), a password spraying IP trying invalid users, a
 * success right after a burst of failures, one user failing from five addresses, quiet IPs, and the lines that
 * describe attempts without being one (invalid user, PAM, too many failures, disconnects). Each IP's failures are
 * counted exactly once per attempt, by the query API and in the clean events, and exactly the expected alerts fire.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(600)
class SshdDetectionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String SERVICE = "bastion-fidelity";
    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private static final String BRUTE = "203.0.113.10";
    private static final String SPRAYER = "198.51.100.77";
    private static final String SUCCEEDS = "192.0.2.44";
    private static final String QUIET_FAILS = "192.0.2.10";
    private static final String QUIET_OK = "192.0.2.11";
    private static final String QUIET_V6 = "2001:db8::5";
    private static final String SCANNER = "203.0.113.99";

    /** The log, line by line, and what it should count. */
    private static final class AuthLog {
        final List<String> lines = new ArrayList<>();
        final Instant base;
        int pid = 4000;

        AuthLog(Instant base) {
            this.base = base;
        }

        void at(int second, String message) {
            lines.add(SYSLOG.format(base.plusSeconds(second)) + " bastion-1 sshd[" + pid + "]: " + message);
        }

        void other(int second, String program, String message) {
            lines.add(SYSLOG.format(base.plusSeconds(second)) + " bastion-1 " + program + ": " + message);
        }
    }

    private static AuthLog authLog(Instant base) {
        AuthLog log = new AuthLog(base);
        log.at(0, "Server listening on 0.0.0.0 port 22.");
        // A brute force on root from one address: 2 connections of MaxAuthTries 6, 12 password failures
        log.pid = 4101;
        log.at(1, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" + BRUTE + "  user=root");
        log.at(2, "Failed password for root from " + BRUTE + " port 40001 ssh2");
        log.at(9, "message repeated 5 times: [ Failed password for root from " + BRUTE + " port 40001 ssh2]");
        log.at(9, "error: maximum authentication attempts exceeded for root from " + BRUTE + " port 40001 ssh2 [preauth]");
        log.at(9, "Disconnecting authenticating user root " + BRUTE + " port 40001: Too many authentication failures [preauth]");
        log.at(9, "PAM 5 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=" + BRUTE + "  user=root");
        log.pid = 4102;
        for (int i = 0; i < 6; i++) {
            log.at(20 + 2 * i, "Failed password for root from " + BRUTE + " port 40002 ssh2");
        }
        log.at(32, "Connection closed by authenticating user root " + BRUTE + " port 40002 [preauth]");
        // Password spraying: 12 invalid users from one address, 3 failures each
        for (int u = 0; u < 12; u++) {
            log.pid = 4200 + u;
            String user = new String[] {"admin", "test", "oracle1", "ubuntu", "guest", "postgres", "git", "deploy2", "user", "ftp",
                "support", "pi"}[u];
            int t = 60 + 10 * u;
            log.at(t, "Invalid user " + user + " from " + SPRAYER + " port " + (41000 + u));
            log.at(t, "pam_unix(sshd:auth): check pass; user unknown");
            log.at(t, "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=" + SPRAYER);
            log.at(t + 2, "Failed password for invalid user " + user + " from " + SPRAYER + " port " + (41000 + u) + " ssh2");
            log.at(t + 6, "message repeated 2 times: [ Failed password for invalid user " + user + " from " + SPRAYER + " port "
                    + (41000 + u) + " ssh2]");
            log.at(t + 7, "Connection closed by invalid user " + user + " " + SPRAYER + " port " + (41000 + u) + " [preauth]");
        }
        // A success right after a burst: 10 failures, then the password is right
        log.pid = 4301;
        log.at(300, "Failed password for deploy from " + SUCCEEDS + " port 42001 ssh2");
        log.at(305, "message repeated 4 times: [ Failed password for deploy from " + SUCCEEDS + " port 42001 ssh2]");
        log.at(306, "Connection closed by authenticating user deploy " + SUCCEEDS + " port 42001 [preauth]");
        log.pid = 4302;
        log.at(310, "Failed password for deploy from " + SUCCEEDS + " port 42002 ssh2");
        log.at(318, "message repeated 4 times: [ Failed password for deploy from " + SUCCEEDS + " port 42002 ssh2]");
        log.at(320, "Accepted password for deploy from " + SUCCEEDS + " port 42002 ssh2");
        log.at(320, "pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)");
        // One user failing from five addresses, twice each
        for (int i = 1; i <= 5; i++) {
            log.pid = 4400 + i;
            log.at(400 + 10 * i, "Failed password for oracle from 198.51.100." + i + " port " + (43000 + i) + " ssh2");
            log.at(402 + 10 * i, "Failed password for oracle from 198.51.100." + i + " port " + (43000 + i) + " ssh2");
            log.at(403 + 10 * i, "Received disconnect from 198.51.100." + i + " port " + (43000 + i) + ":11: Bye Bye [preauth]");
        }
        // Quiet addresses: a typo then a key, a key, an unknown user over IPv6, a scanner that never authenticates
        log.pid = 4501;
        log.at(500, "Failed password for alice from " + QUIET_FAILS + " port 44001 ssh2");
        log.at(504, "Failed password for alice from " + QUIET_FAILS + " port 44001 ssh2");
        log.at(506, "Accepted publickey for alice from " + QUIET_FAILS + " port 44001 ssh2: ED25519 SHA256:bWFkZS11cCBrZXk");
        log.pid = 4502;
        log.at(510, "Accepted publickey for bob from " + QUIET_OK + " port 44002 ssh2: RSA SHA256:YW5vdGhlciBrZXk");
        log.at(510, "pam_unix(sshd:session): session opened for user bob(uid=1002) by (uid=0)");
        log.at(540, "Received disconnect from " + QUIET_OK + " port 44002:11: disconnected by user");
        log.at(540, "Disconnected from user bob " + QUIET_OK + " port 44002");
        log.at(540, "pam_unix(sshd:session): session closed for user bob");
        log.pid = 4503;
        log.at(520, "Invalid user test from " + QUIET_V6 + " port 44003");
        log.at(522, "Failed password for invalid user test from " + QUIET_V6 + " port 44003 ssh2");
        log.at(523, "Disconnected from invalid user test " + QUIET_V6 + " port 44003 [preauth]");
        log.pid = 4504;
        log.at(530, "error: kex_exchange_identification: Connection closed by remote host");
        log.at(530, "Connection closed by " + SCANNER + " port 44004 [preauth]");
        log.other(550, "CRON[4600]", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)");
        return log;
    }

    /** Failed password attempts per source address, as the log has them. */
    private static final Map<String, Long> EXPECTED_FAILURES = new TreeMap<>(Map.of(BRUTE, 12L, SPRAYER, 36L, SUCCEEDS, 10L,
            "198.51.100.1", 2L, "198.51.100.2", 2L, "198.51.100.3", 2L, "198.51.100.4", 2L, "198.51.100.5", 2L,
            QUIET_FAILS, 2L, QUIET_V6, 1L));

    @Test
    void shouldCountEachAttemptOnceAndFireExactlyTheBurstSprayingSuccessAndManySourcesAlerts(KafkaBroker kafka, @TempDir Path dir)
            throws Exception {
        Instant base = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        AuthLog log = authLog(base);
        Path authLog = dir.resolve("auth.log");
        Files.writeString(authLog, String.join("\n", log.lines) + "\n", StandardCharsets.UTF_8);

        ProcessorApp processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withApplicationId("weir-sshd-fidelity-it"), Clock.systemUTC());
        AgentApp agent = null;
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(),
                "sshd-fidelity-reader"), new StringDeserializer(), new ByteArrayDeserializer())) {
            processor.start();
            FileInputSettings input = new FileInputSettings("auth", List.of(authLog.toString()), List.of(), ParserType.SSHD,
                    EventKind.LOG, SERVICE, ZoneOffset.UTC, 1024, Duration.ofMillis(200), Duration.ofMillis(100),
                    Duration.ofMinutes(1), Duration.ofMinutes(5), 512 * 1024, false);
            agent = new AgentApp(AgentSettings.of(SERVICE, kafka.bootstrapServers(), dir.resolve("agent"), List.of(input))
                    .withHttp(HttpSettings.defaults().at("127.0.0.1", 0)), Clock.systemUTC());
            agent.start();

            // Every line becomes one clean event; the alerts of those events are in the same transactions
            reader.subscribe(List.of(Topics.LOGS, Topics.ALERTS));
            List<LogEvent> events = new ArrayList<>();
            List<AlertEvent> alerts = new ArrayList<>();
            Poll.until(DEADLINE, () -> {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.LOGS)) {
                        LogEvent e = WeirSerdes.logEvent().deserialize(r.topic(), r.value());
                        if (e.getService().equals(SERVICE)) {
                            events.add(e);
                        }
                    } else {
                        AlertEvent a = WeirSerdes.alertEvent().deserialize(r.topic(), r.value());
                        if (SERVICE.equals(a.getLabels().get("service"))) {
                            alerts.add(a);
                        }
                    }
                }
                return events.size() >= log.lines.size();
            }, () -> events.size() + " of " + log.lines.size() + " events");
            // whatever else those transactions wrote to weir.alerts is readable now
            for (int i = 0; i < 5; i++) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.ALERTS)) {
                        AlertEvent a = WeirSerdes.alertEvent().deserialize(r.topic(), r.value());
                        if (SERVICE.equals(a.getLabels().get("service"))) {
                            alerts.add(a);
                        }
                    }
                }
            }
            assertThat(events).hasSize(log.lines.size());

            // Failures per source address in the clean events, each event standing for its count
            Map<String, Long> counted = new TreeMap<>();
            for (LogEvent e : events) {
                if (e.getEvent() != null && "authentication".equals(e.getEvent().getCategory())
                        && "failure".equals(e.getEvent().getOutcome())) {
                    counted.merge(e.getSourceIp(), e.getCount(), Long::sum);
                }
            }
            assertThat(counted).isEqualTo(EXPECTED_FAILURES);
            assertThat(events).filteredOn(e -> "sshd".equals(String.valueOf(e.getEcs().get("process.name"))))
                    .as("every sshd line has a level").allSatisfy(e -> assertThat(e.getLevel()).isNotEqualTo(LogLevel.UNKNOWN));

            // The same counts from the query API over the whole replayed span (the log is half an hour old)
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Long> queried = new TreeMap<>();
            Poll.until(DEADLINE, () -> {
                queried.clear();
                JsonNode body = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.httpPort()
                        + "/api/v1/security/logins?window=all&limit=1000")).build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode s : body.path("sources")) {
                    if (EXPECTED_FAILURES.containsKey(s.path("key").asText()) || Set.of(QUIET_OK, SCANNER).contains(s.path("key").asText())) {
                        queried.put(s.path("key").asText(), s.path("failures").asLong());
                    }
                }
                return queried.equals(EXPECTED_FAILURES);
            }, () -> "the query API's failures per address: " + queried);
            assertThat(queried).isEqualTo(EXPECTED_FAILURES);

            // Exactly these alerts fire, each once
            Set<String> errorFingerprints = new TreeSet<>();
            for (LogEvent e : events) {
                if (e.getLevel() == LogLevel.ERROR) {
                    errorFingerprints.add(e.getError().getFingerprint());
                }
            }
            assertThat(errorFingerprints).as("maximum attempts exceeded; kex_exchange_identification").hasSize(2);
            List<String> fired = alerts.stream().filter(a -> a.getStatus() == AlertStatus.FIRING).map(SshdDetectionIT::describe)
                    .sorted().toList();
            List<String> expected = new ArrayList<>(List.of(
                    "FailedLoginBurst source_ip=" + BRUTE,
                    "FailedLoginBurst source_ip=" + SPRAYER,
                    "PasswordSpraying source_ip=" + SPRAYER,
                    "LoginSuccessAfterFailures source_ip=" + SUCCEEDS,
                    "LoginFailuresFromManySources user_name=oracle"));
            errorFingerprints.forEach(f -> expected.add("NewErrorType fingerprint=" + f));
            assertThat(fired).containsExactlyInAnyOrderElementsOf(expected);

            AlertEvent success = alerts.stream().filter(a -> a.getRule().equals("LoginSuccessAfterFailures")).findFirst().orElseThrow();
            assertThat(success.getValue()).as("failures before the success").isEqualTo(10);
            assertThat(success.getStartsAt()).isEqualTo(base.plusSeconds(320));
            assertThat(success.getExemplarEventIds()).isNotEmpty();
            AlertEvent spraying = alerts.stream().filter(a -> a.getRule().equals("PasswordSpraying")).findFirst().orElseThrow();
            assertThat(spraying.getValue()).as("distinct users when it crossed 10").isEqualTo(11);
            assertThat(spraying.getStartsAt()).as("on the 11th user's first failure").isEqualTo(base.plusSeconds(60 + 100 + 2));
            AlertEvent burst = alerts.stream().filter(a -> a.getRule().equals("FailedLoginBurst")
                    && BRUTE.equals(a.getLabels().get("source_ip"))).findFirst().orElseThrow();
            assertThat(burst.getStartsAt()).as("on the 11th failure").isEqualTo(base.plusSeconds(28));
        } finally {
            if (agent != null) {
                agent.close();
            }
            processor.close();
        }
    }

    private static String describe(AlertEvent a) {
        Map<String, String> l = a.getLabels();
        String key = l.containsKey("fingerprint") ? "fingerprint=" + l.get("fingerprint")
                : l.containsKey("user_name") ? "user_name=" + l.get("user_name") : "source_ip=" + l.get("source_ip");
        return a.getRule() + " " + key;
    }
}
