package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.RedactionRule;
import dev.weir.common.redact.RedactionSettings;
import dev.weir.schemas.LogEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedactionTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;
    NormalizeDriver d;

    @BeforeEach
    void setUp() {
        d = new NormalizeDriver(NormalizeSettings.DEFAULTS, stateDir);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    /** rule, text with a secret, the secret, what must be there instead. */
    static Stream<Arguments> secrets() {
        return Stream.of(
                Arguments.of("password", "login failed with password=hunter2 for bob", "hunter2", "password=[REDACTED]"),
                Arguments.of("password", "payload {\"user\":\"bob\",\"password\":\"correct horse\"}", "correct horse",
                        "\"password\":\"[REDACTED]\""),
                Arguments.of("url_credentials", "connecting to https://admin:S3cr3tPass@db.internal:5432/app", "S3cr3tPass",
                        "https://admin:[REDACTED]@db.internal"),
                Arguments.of("bearer_token", "sent Authorization: Bearer abcDEF123456ghiJKL789 upstream", "abcDEF123456ghiJKL789",
                        "Bearer [REDACTED]"),
                Arguments.of("bearer_token", "header Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==",
                        "Basic [REDACTED]"),
                Arguments.of("jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok",
                        "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "[REDACTED_JWT]"),
                Arguments.of("aws_access_key", "using key AKIAIOSFODNN7EXAMPLE now", "AKIAIOSFODNN7EXAMPLE", "[REDACTED_AWS_KEY]"),
                Arguments.of("github_token", "cloned with ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok",
                        "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "[REDACTED_GITHUB_TOKEN]"),
                Arguments.of("slack_token", "posting with xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "[REDACTED_SLACK_TOKEN]"),
                Arguments.of("stripe_key", "charging via sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                        "[REDACTED_STRIPE_KEY]"),
                Arguments.of("api_key", "GET /v1/data?api_key=9f8e7d6c5b4a3210 failed", "9f8e7d6c5b4a3210", "api_key=[REDACTED]"),
                Arguments.of("card_number", "card 4111 1111 1111 1111 declined", "4111 1111 1111 1111", "[REDACTED_CARD]"),
                Arguments.of("card_number", "card 5500-0000-0000-0004 declined", "5500-0000-0000-0004", "[REDACTED_CARD]"),
                Arguments.of("email", "welcome mail sent to alice.smith@example.com", "alice.smith@example.com", "a***@example.com"));
    }

    private void logWithMessage(String message) {
        ObjectNode n = JSON.createObjectNode().put("@timestamp", "2025-03-14T09:26:53Z").put("message", message);
        d.log(n.toString());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("secrets")
    void shouldRedactSecretInMessage(String rule, String text, String secret, String replacement) {
        logWithMessage(text);
        LogEvent e = d.onlyLog();
        assertThat(e.getMessage()).doesNotContain(secret).contains(replacement);
        assertThat(e.getRedactions()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("secrets")
    void shouldCountRedactionUnderItsRule(String rule, String text, String secret, String replacement) {
        logWithMessage(text);
        assertThat(d.counter("weir.redactions", "rule", rule)).isEqualTo(1);
    }

    @Test
    void shouldHaveATestCaseForEveryBuiltInRule() {
        Set<String> tested = secrets().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        assertThat(tested).containsExactlyInAnyOrderElementsOf(BuiltInRules.all().stream().map(RedactionRule::name).toList());
    }

    @Test
    void shouldRedactErrorMessageStackTraceAndLabels() {
        ObjectNode n = JSON.createObjectNode().put("@timestamp", "2025-03-14T09:26:53Z").put("message", "m")
                .put("error.message", "auth failed for bob@corp.example")
                .put("error.stack_trace", "java.lang.RuntimeException: password=hunter2\n\tat dev.x.Y.z(Y.java:1)")
                .put("labels.contact", "carol@corp.example")
                .put("db_password", "tiger");
        d.log(n.toString());
        LogEvent e = d.onlyLog();
        assertThat(e.getError().getMessage()).doesNotContain("bob@corp.example").contains("b***@corp.example");
        assertThat(e.getError().getStackTrace()).doesNotContain("hunter2");
        assertThat(e.getLabels()).containsEntry("contact", "c***@corp.example").containsEntry("db_password", "[REDACTED]");
        assertThat(e.getRedactions()).isEqualTo(4);
    }

    @Test
    void shouldLeaveNumbersThatFailTheLuhnCheck() {
        logWithMessage("order 4111 1111 1111 1112 shipped");
        assertThat(d.onlyLog().getMessage()).contains("4111 1111 1111 1112");
    }

    @Test
    void shouldLeaveWordPasswordWithoutValue() {
        logWithMessage("Password reset requested");
        assertThat(d.onlyLog().getMessage()).isEqualTo("Password reset requested");
    }

    @Test
    void shouldNotApplyDisabledRule() {
        d.close();
        NormalizeSettings s = NormalizeSettings.DEFAULTS;
        d = new NormalizeDriver(new NormalizeSettings(s.limits(), s.routes(), new RedactionSettings(Set.of("email"), List.of()),
                s.fingerprint()), stateDir.resolve("disabled"));
        logWithMessage("mail to alice@example.com");
        assertThat(d.onlyLog().getMessage()).contains("alice@example.com");
    }

    @Test
    void shouldApplyCustomRuleAndCountIt() {
        d.close();
        NormalizeSettings s = NormalizeSettings.DEFAULTS;
        d = new NormalizeDriver(new NormalizeSettings(s.limits(), s.routes(), new RedactionSettings(Set.of(),
                List.of(new RedactionSettings.Custom("ssn", "\\b\\d{3}-\\d{2}-\\d{4}\\b", "[SSN]"))), s.fingerprint()),
                stateDir.resolve("custom"));
        logWithMessage("ssn 123-45-6789 on file");
        assertThat(d.onlyLog().getMessage()).isEqualTo("ssn [SSN] on file");
        assertThat(d.counter("weir.redactions", "rule", "ssn")).isEqualTo(1);
    }

    @Test
    void shouldRedactEmailInRequestPath() {
        d.request("{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"service\":\"a\",\"method\":\"GET\",\"path\":\"/users/dave@example.com\",\"status\":200}");
        assertThat(d.onlyRequest().getPath()).isEqualTo("/users/d***@example.com");
    }

    @Test
    void shouldRedactAMessageWhoseQuotedPasswordNeverEnds() throws Exception {
        ObjectNode event = JSON.createObjectNode().put("@timestamp", "2025-03-14T09:26:53Z")
                .put("message", "body {\"password\":\"" + "x".repeat(20_000) + " and more");
        d.log(JSON.writeValueAsString(event));
        assertThat(d.onlyLog().getMessage()).startsWith("body {\"password\":\"[REDACTED]").doesNotContain("xxxx");
    }

    @Test
    void shouldRedactAMessageWithThousandsOfEscapesInAQuotedPassword() throws Exception {
        ObjectNode event = JSON.createObjectNode().put("@timestamp", "2025-03-14T09:26:53Z")
                .put("message", "body {\"password\":\"" + "\\\"x".repeat(10_000) + "\"}");
        d.log(JSON.writeValueAsString(event));
        assertThat(d.onlyLog().getMessage()).doesNotContain("\\\"x\\\"x");
    }

    @Test
    void shouldDeadLetterAnEventWhoseConfiguredRuleOverflowsTheStackAndGoOn() throws Exception {
        d.close();
        NormalizeSettings s = NormalizeSettings.DEFAULTS;
        d = new NormalizeDriver(new NormalizeSettings(s.limits(), s.routes(), new RedactionSettings(Set.of(),
                List.of(new RedactionSettings.Custom("recursive", "(?:a|b)*c", "[X]"))), s.fingerprint()), stateDir);
        d.log(JSON.writeValueAsString(JSON.createObjectNode().put("@timestamp", "2025-03-14T09:26:53Z")
                .put("message", "a".repeat(200_000))));
        d.log("{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"message\":\"fine\"}");
        assertThat(d.deadLetters.readRecordsToList()).singleElement().satisfies(r ->
                assertThat(dev.weir.schemas.DeadLetterHeaders.read(r.headers()).reason()).isEqualTo("processing_error"));
        assertThat(d.logs.readValuesToList()).extracting(LogEvent::getMessage).containsExactly("fine");
    }
}
