package dev.weir.console.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SilenceFormTest {
    @Test
    void shouldReadMatchersInAlertmanagersSyntax() {
        assertThat(SilenceForm.matchers("{alertname=\"HighErrorRate\", service=~\"pay.*\", env!=prod, team !~ \"a\\\"b\"}")).containsExactly(
                new SilenceForm.Match("alertname", "=", "HighErrorRate"), new SilenceForm.Match("service", "=~", "pay.*"),
                new SilenceForm.Match("env", "!=", "prod"), new SilenceForm.Match("team", "!~", "a\"b"));
    }

    @Test
    void shouldRejectMatchersWithoutAnOperatorNamingTheField() {
        assertThatThrownBy(() -> SilenceForm.matchers("alertname HighErrorRate")).hasMessageStartingWith(
                "Invalid value alertname HighErrorRate for matchers");
        assertThatThrownBy(() -> SilenceForm.matchers("service=~\"(\"")).hasMessageContaining("not a regular expression");
        assertThatThrownBy(() -> SilenceForm.matchers(" ")).hasMessageContaining("at least one");
    }

    @Test
    void shouldReadDurationsAndRejectTooLongOnes() {
        assertThat(SilenceForm.duration("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(SilenceForm.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> SilenceForm.duration("91d")).hasMessage("Invalid value 91d for duration: at most 90d");
        assertThatThrownBy(() -> SilenceForm.duration("soon")).hasMessageStartingWith("Invalid value soon for duration");
    }

    @Test
    void shouldWriteTheEmittersSilenceBody() {
        String body = SilenceForm.body("alertname=\"X\"", "2h", "deploy", "", Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(body).isEqualTo("{\"matchers\":[{\"name\":\"alertname\",\"value\":\"X\",\"isRegex\":false,\"isEqual\":true}],"
                + "\"startsAt\":\"2025-01-01T00:00:00Z\",\"endsAt\":\"2025-01-01T02:00:00Z\",\"comment\":\"deploy\",\"createdBy\":\"console\"}");
        assertThatThrownBy(() -> SilenceForm.body("a=\"b\"", "2h", " ", null, Instant.EPOCH)).hasMessageContaining("for comment");
    }
}
