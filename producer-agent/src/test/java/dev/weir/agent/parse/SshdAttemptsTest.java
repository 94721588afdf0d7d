package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Realistic runs of the lines OpenSSH (with {@code UsePAM yes}) and rsyslog write for one connection: each
 * password attempt must count once, however many lines describe it.
 */
class SshdAttemptsTest {
    private static final Enrichment ENRICH = new Enrichment("bastion", null, "agent-host");
    private final SshdParser parser = new SshdParser(ENRICH, Clock.fixed(Instant.parse("2025-03-03T15:00:00Z"), ZoneOffset.UTC),
            ZoneOffset.UTC);

    /** Failed logins as the processor counts them: authentication events with outcome failure, each weir.count times. */
    private long failures(String... lines) {
        return count(lines, "failure");
    }

    private long count(String[] lines, String outcome) {
        long n = 0;
        for (int i = 0; i < lines.length; i++) {
            JsonNode e = Json.read(parser.parse(lines[i], new LineOrigin("f-" + i, "/var/log/auth.log", i * 100L)));
            if ("authentication".equals(e.path("event.category").asText()) && outcome.equals(e.path("event.outcome").asText())) {
                n += e.has("weir.count") ? e.get("weir.count").asLong() : 1;
            }
        }
        return n;
    }

    @Test
    void shouldCountOneFailureForAnInvalidUsersPasswordAttempt() {
        assertThat(failures(
                "Mar  3 14:22:01 bastion-1 sshd[4242]: Invalid user admin from 203.0.113.9 port 40022",
                "Mar  3 14:22:01 bastion-1 sshd[4242]: pam_unix(sshd:auth): check pass; user unknown",
                "Mar  3 14:22:01 bastion-1 sshd[4242]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9",
                "Mar  3 14:22:03 bastion-1 sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 40022 ssh2",
                "Mar  3 14:22:04 bastion-1 sshd[4242]: Connection closed by invalid user admin 203.0.113.9 port 40022 [preauth]"))
                .isEqualTo(1);
    }

    @Test
    void shouldCountEachAttemptOfAValidUserUpToMaxAuthTriesOnce() {
        assertThat(failures(
                "Mar  3 14:23:00 bastion-1 sshd[4300]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root",
                "Mar  3 14:23:02 bastion-1 sshd[4300]: Failed password for root from 203.0.113.9 port 40100 ssh2",
                "Mar  3 14:23:05 bastion-1 sshd[4300]: Failed password for root from 203.0.113.9 port 40100 ssh2",
                "Mar  3 14:23:08 bastion-1 sshd[4300]: Failed password for root from 203.0.113.9 port 40100 ssh2",
                "Mar  3 14:23:08 bastion-1 sshd[4300]: error: maximum authentication attempts exceeded for root from 203.0.113.9 port 40100 ssh2 [preauth]",
                "Mar  3 14:23:08 bastion-1 sshd[4300]: Disconnecting authenticating user root 203.0.113.9 port 40100: Too many authentication failures [preauth]",
                "Mar  3 14:23:08 bastion-1 sshd[4300]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root"))
                .isEqualTo(3);
    }

    @Test
    void shouldCountMessageRepeatedNTimesAsN() {
        assertThat(failures(
                "Mar  3 14:24:00 bastion-1 sshd[4400]: Failed password for root from 198.51.100.20 port 50000 ssh2",
                "Mar  3 14:24:09 bastion-1 sshd[4400]: message repeated 5 times: [ Failed password for root from 198.51.100.20 port 50000 ssh2]",
                "Mar  3 14:24:10 bastion-1 sshd[4400]: Connection closed by authenticating user root 198.51.100.20 port 50000 [preauth]"))
                .isEqualTo(6);
    }

    @Test
    void shouldCarryTheInnerMessageAndCountOfARepeatedLine() {
        JsonNode e = Json.read(parser.parse(
                "Mar  3 14:24:09 bastion-1 sshd[4400]: message repeated 5 times: [ Failed password for invalid user test from 198.51.100.20 port 50000 ssh2]",
                new LineOrigin("f-1", "/var/log/auth.log", 0)));

        assertThat(e.get("message").asText()).isEqualTo("Failed password for invalid user test from 198.51.100.20 port 50000 ssh2");
        assertThat(e.get("weir.count").asLong()).isEqualTo(5);
        assertThat(e.get("user.name").asText()).isEqualTo("test");
        assertThat(e.get("tags").get(0).asText()).isEqualTo("invalid_user");
    }

    @Test
    void shouldNotCountProbesDisconnectsOrPamLinesOfKeyboardInteractiveAttempts() {
        assertThat(failures(
                "Mar  3 14:25:00 bastion-1 sshd[4500]: Failed none for invalid user guest from 192.0.2.33 port 41000 ssh2",
                "Mar  3 14:25:01 bastion-1 sshd[4500]: error: PAM: Authentication failure for illegal user guest from 192.0.2.33",
                "Mar  3 14:25:01 bastion-1 sshd[4500]: Failed keyboard-interactive/pam for invalid user guest from 192.0.2.33 port 41000 ssh2",
                "Mar  3 14:25:02 bastion-1 sshd[4500]: Received disconnect from 192.0.2.33 port 41000:11: Bye Bye [preauth]",
                "Mar  3 14:25:02 bastion-1 sshd[4500]: Disconnected from invalid user guest 192.0.2.33 port 41000 [preauth]"))
                .isEqualTo(1);
    }

    @Test
    void shouldCountOneSuccessForAnAcceptedLoginAndItsSession() {
        String[] lines = {
                "Mar  3 14:26:00 bastion-1 sshd[4600]: Accepted password for deploy from 198.51.100.20 port 50100 ssh2",
                "Mar  3 14:26:00 bastion-1 sshd[4600]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)",
                "Mar  3 14:27:00 bastion-1 sshd[4600]: Received disconnect from 198.51.100.20 port 50100:11: disconnected by user",
                "Mar  3 14:27:00 bastion-1 sshd[4600]: Disconnected from user deploy 198.51.100.20 port 50100",
                "Mar  3 14:27:00 bastion-1 sshd[4600]: pam_unix(sshd:session): session closed for user deploy"};
        assertThat(count(lines, "success")).isEqualTo(1);
        assertThat(count(lines, "failure")).isZero();
    }

    @Test
    void shouldKeepSourceAndUserOnLinesThatDoNotCount() {
        JsonNode pam = Json.read(parser.parse("Mar  3 14:23:00 bastion-1 sshd[4300]: pam_unix(sshd:auth): authentication failure; "
                + "logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root", new LineOrigin("f-1", null, 0)));
        JsonNode closed = Json.read(parser.parse("Mar  3 14:23:09 bastion-1 sshd[4300]: Connection closed by authenticating user root "
                + "203.0.113.9 port 40100 [preauth]", new LineOrigin("f-2", null, 0)));

        assertThat(List.of(pam.get("source.ip").asText(), pam.get("user.name").asText(), pam.get("log.level").asText()))
                .containsExactly("203.0.113.9", "root", "notice");
        assertThat(pam.get("event.action").asText()).isEqualTo("pam_authentication_failure");
        assertThat(List.of(closed.get("source.ip").asText(), closed.get("user.name").asText(), closed.get("source.port").asText()))
                .containsExactly("203.0.113.9", "root", "40100");
        assertThat(closed.has("event.category")).isFalse();
    }

    @Test
    void shouldPutAHostNameWhereAnAddressBelongsInSourceDomain() {
        JsonNode e = Json.read(parser.parse("Mar  3 14:28:00 bastion-1 sshd[4700]: Failed password for root from scanner.example.net port 2222 ssh2",
                new LineOrigin("f-1", null, 0)));

        assertThat(e.has("source.ip")).isFalse();
        assertThat(e.get("source.domain").asText()).isEqualTo("scanner.example.net");
        assertThat(e.get("event.outcome").asText()).isEqualTo("failure");
    }

    @Test
    void shouldReadSeverityAndFacilityFromAPriority() {
        JsonNode e = Json.read(parser.parse("<38>Mar  3 14:29:00 bastion-1 sshd[4800]: Failed password for root from 203.0.113.9 port 1 ssh2",
                new LineOrigin("f-1", null, 0)));

        assertThat(e.get("log.syslog.priority").asInt()).isEqualTo(38);
        assertThat(e.get("log.syslog.facility.code").asInt()).isEqualTo(4);
        assertThat(e.get("log.syslog.severity.code").asInt()).isEqualTo(6);
        assertThat(e.get("log.syslog.severity.name").asText()).isEqualTo("Informational");
        assertThat(e.get("log.level").asText()).isEqualTo("info");
    }

    @Test
    void shouldReadRfc5424Lines() {
        JsonNode e = Json.read(parser.parse("<86>1 2025-03-03T14:30:00.123Z bastion-1 sshd 4900 - - Accepted publickey for alice from "
                + "198.51.100.4 port 50022 ssh2: ED25519 SHA256:Zm9v", new LineOrigin("f-1", null, 0)));

        assertThat(e.get("@timestamp").asText()).isEqualTo("2025-03-03T14:30:00.123Z");
        assertThat(e.get("event.outcome").asText()).isEqualTo("success");
        assertThat(e.get("process.pid").asLong()).isEqualTo(4900);
        assertThat(e.get("log.syslog.severity.name").asText()).isEqualTo("Informational");
    }

    @Test
    void shouldNotParseOtherProgramsLinesAsSshLogins() {
        JsonNode e = Json.read(parser.parse("Mar  3 14:31:00 bastion-1 CRON[5000]: Failed password for root from 203.0.113.9 port 1 ssh2",
                new LineOrigin("f-1", null, 0)));

        assertThat(e.has("event.outcome")).isFalse();
        assertThat(e.has("log.level")).as("the program says nothing about its severity").isFalse();
    }
}
