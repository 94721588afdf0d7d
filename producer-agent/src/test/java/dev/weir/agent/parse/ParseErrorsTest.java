package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ParseErrorsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T10:00:00Z"), ZoneOffset.UTC);
    private static final Enrichment ENRICHMENT = new Enrichment("shop", "prod", "web-1");
    private static final int LIMIT = 64 * 1024;

    @Test
    void shouldKeepAnEventWithinTheLimit() {
        byte[] line = "{\"message\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        ParsedEvent event = new JsonLineParser(EventKind.LOG, ENRICHMENT, CLOCK).parse(line, 0, line.length, LineOrigin.of("x-1"));

        assertThat(ParseErrors.within(event, line, 0, line.length, LIMIT, ENRICHMENT, LineOrigin.of("x-1"), CLOCK)).isSameAs(event);
    }

    @Test
    void shouldCutALineWhoseEventIsLargerThanTheLimitAndSaySo() {
        byte[] line = ("{\"message\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        ParsedEvent event = new JsonLineParser(EventKind.LOG, ENRICHMENT, CLOCK).parse(line, 0, line.length, LineOrigin.of("x-2"));

        ParsedEvent cut = ParseErrors.within(event, line, 0, line.length, LIMIT, ENRICHMENT, LineOrigin.of("x-2"), CLOCK);

        assertThat(cut.json().length).isLessThanOrEqualTo(LIMIT);
        var json = Json.read(cut);
        assertThat(json.get("tags").get(0).asText()).isEqualTo(ParseErrors.TAG);
        assertThat(json.get("error.message").asText()).contains("agent.max-event-size (" + LIMIT + " bytes)");
        assertThat(json.get("event.id").asText()).isEqualTo("x-2");
        assertThat(new String(line, StandardCharsets.UTF_8)).startsWith(json.get("message").asText());
    }

    @Test
    void shouldCutALineOfControlCharactersThatGrowsSixfoldWhenEscaped() {
        byte[] line = new byte[LIMIT - 100];
        java.util.Arrays.fill(line, (byte) 1);
        ParsedEvent event = new AccessLogParser(AccessLogParser.Flavor.NGINX, ENRICHMENT, CLOCK).parse(line, 0, line.length, LineOrigin.of("x-3"));

        ParsedEvent cut = ParseErrors.within(event, line, 0, line.length, LIMIT, ENRICHMENT, LineOrigin.of("x-3"), CLOCK);

        assertThat(event.json().length).isGreaterThan(LIMIT);
        assertThat(cut.json().length).isLessThanOrEqualTo(LIMIT);
    }
}
