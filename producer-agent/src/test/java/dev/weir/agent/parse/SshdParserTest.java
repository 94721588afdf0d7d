package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SshdParserTest {
    private static final Enrichment ENRICH = new Enrichment("bastion", "prod", "agent-host");
    private static final LineOrigin ORIGIN = new LineOrigin("f-2-100", "/var/log/auth.log", 100);

    private static SshdParser readingAt(String instant) {
        return new SshdParser(ENRICH, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC), ZoneOffset.UTC);
    }

    private final SshdParser parser = readingAt("2025-03-03T15:00:00Z");

    @Test
    void shouldReadFailedPasswordForValidUserAsLoginFailure() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:22:01 web-1 sshd[12345]: Failed password for root from 203.0.113.7 port 51234 ssh2", ORIGIN));

        assertThat(out.get("event.category").asText()).isEqualTo("authentication");
        assertThat(out.get("event.outcome").asText()).isEqualTo("failure");
        assertThat(out.get("event.action").asText()).isEqualTo("ssh_login");
        assertThat(out.get("user.name").asText()).isEqualTo("root");
        assertThat(out.get("source.ip").asText()).isEqualTo("203.0.113.7");
        assertThat(out.get("source.port").asInt()).isEqualTo(51234);
        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-03-03T14:22:01Z");
        assertThat(out.get("host.name").asText()).isEqualTo("web-1");
        assertThat(out.get("process.pid").asLong()).isEqualTo(12345);
    }

    @Test
    void shouldReadFailedPasswordForInvalidUserAsLoginFailure() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:22:03 web-1 sshd[12346]: Failed password for invalid user admin from 2001:db8::7 port 40022 ssh2", ORIGIN));

        assertThat(out.get("event.outcome").asText()).isEqualTo("failure");
        assertThat(out.get("user.name").asText()).isEqualTo("admin");
        assertThat(out.get("source.ip").asText()).isEqualTo("2001:db8::7");
        assertThat(out.get("tags").get(0).asText()).isEqualTo("invalid_user");
    }

    @Test
    void shouldReadInvalidUserLine() {
        JsonNode out = Json.read(parser.parse("Mar  3 14:22:02 web-1 sshd[12346]: Invalid user oracle from 203.0.113.7 port 40022", ORIGIN));

        assertThat(out.get("event.action").asText()).isEqualTo("invalid_user");
        assertThat(out.has("event.outcome")).as("the Failed password line of the same attempt carries the outcome").isFalse();
        assertThat(out.get("user.name").asText()).isEqualTo("oracle");
        assertThat(out.get("source.port").asInt()).isEqualTo(40022);
    }

    @Test
    void shouldReadAcceptedPublickeyAsLoginSuccess() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:30:00 web-1 sshd[2001]: Accepted publickey for alice from 198.51.100.4 port 50022 ssh2: ED25519 SHA256:Zm9vYmFy", ORIGIN));

        assertThat(out.get("event.outcome").asText()).isEqualTo("success");
        assertThat(out.get("ssh.method").asText()).isEqualTo("publickey");
        assertThat(out.get("user.name").asText()).isEqualTo("alice");
    }

    @Test
    void shouldReadAcceptedPasswordAsLoginSuccess() {
        JsonNode out = Json.read(parser.parse("Mar  3 14:31:00 web-1 sshd[2002]: Accepted password for bob from 198.51.100.5 port 50023 ssh2", ORIGIN));

        assertThat(out.get("event.outcome").asText()).isEqualTo("success");
        assertThat(out.get("ssh.method").asText()).isEqualTo("password");
    }

    @Test
    void shouldReadTooManyAuthenticationFailures() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:22:09 web-1 sshd[12345]: Disconnecting authenticating user root 203.0.113.7 port 51234: Too many authentication failures [preauth]", ORIGIN));

        assertThat(out.get("event.action").asText()).isEqualTo("too_many_failures");
        assertThat(out.has("event.outcome")).isFalse();
        assertThat(out.get("user.name").asText()).isEqualTo("root");
        assertThat(out.get("source.ip").asText()).isEqualTo("203.0.113.7");
    }

    @Test
    void shouldReadMaximumAuthenticationAttemptsExceeded() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:22:09 web-1 sshd[12345]: error: maximum authentication attempts exceeded for invalid user test from 203.0.113.7 port 51234 ssh2 [preauth]", ORIGIN));

        assertThat(out.get("event.action").asText()).isEqualTo("too_many_failures");
        assertThat(out.has("event.outcome")).isFalse();
        assertThat(out.get("log.level").asText()).isEqualTo("error");
        assertThat(out.get("user.name").asText()).isEqualTo("test");
    }

    @Test
    void shouldReadPamSessionLineAsSessionEvent() {
        JsonNode out = Json.read(parser.parse(
                "Mar  3 14:22:10 web-1 sshd[12345]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)", ORIGIN));

        assertThat(out.get("event.category").asText()).isEqualTo("session");
        assertThat(out.get("event.action").asText()).isEqualTo("session_opened");
        assertThat(out.get("user.name").asText()).isEqualTo("alice");
        assertThat(out.has("event.outcome")).isFalse();
        assertThat(out.get("message").asText()).startsWith("pam_unix(sshd:session)");
        assertThat(out.has("tags")).isFalse();
    }

    @Test
    void shouldReadOtherSshdLineAsPlainLogEventAtInfo() {
        JsonNode out = Json.read(parser.parse("Mar  3 14:22:10 web-1 sshd[880]: Server listening on 0.0.0.0 port 22.", ORIGIN));

        assertThat(out.has("event.category")).isFalse();
        assertThat(out.get("log.level").asText()).isEqualTo("info");
        assertThat(out.get("process.name").asText()).isEqualTo("sshd");
        assertThat(out.get("log.syslog.appname").asText()).isEqualTo("sshd");
        assertThat(out.get("log.syslog.procid").asText()).isEqualTo("880");
        assertThat(out.get("event.dataset").asText()).isEqualTo("system.auth");
        assertThat(out.get("event.module").asText()).isEqualTo("system");
        assertThat(out.get("weir.format").asText()).isEqualTo("sshd");
    }

    @Test
    void shouldReadRfc3339Timestamp() {
        JsonNode out = Json.read(parser.parse(
                "2025-03-03T14:22:01.123456+01:00 web-1 sshd[77]: Failed password for root from 203.0.113.7 port 1 ssh2", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-03-03T13:22:01.123456Z");
    }

    @Test
    void shouldDateDecemberLineReadInJanuaryToPreviousYear() {
        SshdParser january = readingAt("2025-01-01T00:00:05Z");

        JsonNode out = Json.read(january.parse("Dec 31 23:59:59 web-1 sshd[1]: Connection closed by 203.0.113.7 port 1 [preauth]", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2024-12-31T23:59:59Z");
    }

    @Test
    void shouldDateLineFromEarlierThisYearToCurrentYear() {
        JsonNode out = Json.read(parser.parse("Jan 15 08:00:00 web-1 sshd[1]: Server listening on 0.0.0.0 port 22.", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-01-15T08:00:00Z");
    }

    @Test
    void shouldDateLineLaterInTheYearThanNowToPreviousYear() {
        JsonNode out = Json.read(parser.parse("Mar  4 09:00:00 web-1 sshd[1]: Server listening on 0.0.0.0 port 22.", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2024-03-04T09:00:00Z");
    }

    @Test
    void shouldDateFebruary29ToTheLatestLeapYear() {
        JsonNode out = Json.read(parser.parse("Feb 29 10:00:00 web-1 sshd[1]: Server listening on 0.0.0.0 port 22.", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2024-02-29T10:00:00Z");
    }

    @Test
    void shouldReadBsdTimestampInConfiguredZone() {
        SshdParser berlin = new SshdParser(ENRICH, Clock.fixed(Instant.parse("2025-03-03T15:00:00Z"), ZoneOffset.UTC), ZoneId.of("Europe/Berlin"));

        JsonNode out = Json.read(berlin.parse("Mar  3 14:22:01 web-1 sshd[1]: Connection closed", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-03-03T13:22:01Z");
    }

    @Test
    void shouldTurnNonSyslogLineIntoParseErrorEvent() {
        JsonNode out = Json.read(parser.parse("this is not syslog", ORIGIN));

        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
        assertThat(out.get("message").asText()).isEqualTo("this is not syslog");
        assertThat(out.get("host.name").asText()).isEqualTo("agent-host");
    }

    @Test
    void shouldTurnImpossibleMonthIntoParseErrorEvent() {
        JsonNode out = Json.read(parser.parse("Foo  3 14:22:01 web-1 sshd[1]: Failed password for root from 1.2.3.4 port 1 ssh2", ORIGIN));

        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
    }
}
