package dev.weir.logback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventEnricherTest {
    private final EventEnricher enricher = new EventEnricher("checkout", "prod", "web-1");

    private String enrich(String json) {
        return new String(enricher.enrich(json.getBytes(StandardCharsets.UTF_8), "l-1"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAddServiceEnvironmentHostAndEventIdBeforeTheClosingBrace() {
        assertThat(enrich("{\"message\":\"hi\"}\n"))
                .isEqualTo("{\"message\":\"hi\",\"service.name\":\"checkout\",\"service.environment\":\"prod\",\"host.name\":\"web-1\",\"event.id\":\"l-1\"}");
    }

    @Test
    void shouldKeepFieldsTheEventCarriesDottedOrNested() {
        String json = "{\"service\":{\"name\":\"billing\",\"environment\":\"dev\"},\"host.name\":\"h\",\"event\":{\"id\":\"x\"}}";

        assertThat(enrich(json + "\r\n")).isEqualTo(json);
    }

    @Test
    void shouldNotTakeADeeperFieldForATopLevelOne() {
        assertThat(enrich("{\"labels\":{\"service.name\":\"other\"}}"))
                .contains("\"service.name\":\"checkout\"");
    }

    @Test
    void shouldEscapeConfiguredValues() {
        EventEnricher quoting = new EventEnricher("a\"b", null, "h");

        assertThat(new String(quoting.enrich("{}".getBytes(StandardCharsets.UTF_8), "l-2"), StandardCharsets.UTF_8))
                .isEqualTo("{\"service.name\":\"a\\\"b\",\"host.name\":\"h\",\"event.id\":\"l-2\"}");
    }

    @Test
    void shouldLeaveOutputThatIsNotAJsonObjectUnchanged() {
        assertThat(enrich("12:00:00 INFO hi\n")).isEqualTo("12:00:00 INFO hi");
        assertThat(enrich("{\"a\":1} {\"b\":2}")).isEqualTo("{\"a\":1} {\"b\":2}");
    }
}
