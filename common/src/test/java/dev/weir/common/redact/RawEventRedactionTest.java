package dev.weir.common.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@link Redactor#redactRawEvent}: the whole text of a rejected event, JSON, broken JSON or not JSON. */
class RawEventRedactionTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Redactor redactor = new Redactor(BuiltInRules.all(), registry);

    private String redact(String text) {
        return redactor.redactRawEvent(text, new Redactor.Tally());
    }

    @Test
    void shouldReplaceTheValueOfEveryMemberNamedAsASecretAtAnyDepth() {
        String out = redact("{\"@timestamp\":\"yesterday\",\"db_password\":\"s3cr3t-one\",\"user\":{\"password\":\"s3cr3t-two\"},"
                + "\"client.secret\":\"s3cr3t-three\",\"token\":12345678,\"region\":\"eu\"}");

        assertThat(out).doesNotContain("s3cr3t", "12345678").contains("\"db_password\":\"[REDACTED]\"", "\"region\":\"eu\"");
    }

    @Test
    void shouldReplaceASecretOnlyTheNameSaysIsOneCutOffByTheEndOfTheText() {
        assertThat(redact("{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"db.secret\":\"AbCdEf0123")).doesNotContain("AbCdEf0123")
                .endsWith("\"db.secret\":\"[REDACTED]\"");
    }

    @Test
    void shouldReplaceASecretCutOffByTheEndOfTheText() {
        assertThat(redact("{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"api_key\":\"AbCdEf0123")).doesNotContain("AbCdEf0123")
                .endsWith("\"api_key\":\"[REDACTED]");
    }

    @Test
    void shouldRedactSecretsInTextThatIsNotJson() {
        assertThat(redact("login failed password=hunter2 for alice@example.com")).doesNotContain("hunter2", "alice@");
    }

    @Test
    void shouldLeaveEscapedQuotesInsideAValueToTheValue() {
        String out = redact("{\"message\":\"he said \\\"hi\\\"\",\"secret\":\"x\\\"y\"}");

        assertThat(out).isEqualTo("{\"message\":\"he said \\\"hi\\\"\",\"secret\":\"[REDACTED]\"}");
    }

    @Test
    void shouldCountEachRedactionUnderItsRule() {
        Redactor.Tally tally = new Redactor.Tally();
        redactor.redactRawEvent("{\"password\":\"a\",\"pwd\":\"b\",\"api_key\":\"c\"}", tally);

        assertThat(tally.count()).isEqualTo(3);
        assertThat(registry.find(Redactor.METER).tag("rule", "password").counter().count()).isEqualTo(2);
        assertThat(registry.find(Redactor.METER).tag("rule", "api_key").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldGetThroughAValueOfAMegabyte() {
        String big = "{\"password\":\"" + "\\\"x".repeat(500_000) + "\",\"next\":1}";

        assertThat(redact(big)).isEqualTo("{\"password\":\"[REDACTED]\",\"next\":1}");
    }
}
