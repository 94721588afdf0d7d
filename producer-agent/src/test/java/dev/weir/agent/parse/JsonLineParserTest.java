package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JsonLineParserTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Enrichment ENRICH = new Enrichment("checkout", "prod", "web-1");
    private static final LineOrigin FILE = new LineOrigin("f-abc-42", "/var/log/app.json", 42);

    private final JsonLineParser parser = new JsonLineParser(EventKind.LOG, ENRICH, CLOCK);

    @Test
    void shouldPassLogstashEncoderOutputThroughAndAddMissingFields() {
        String line = "{\"@timestamp\":\"2025-06-01T11:59:58.123+02:00\",\"@version\":\"1\",\"message\":\"Order 42 placed\","
                + "\"logger_name\":\"shop.Orders\",\"thread_name\":\"http-nio-8080-exec-3\",\"level\":\"INFO\",\"level_value\":20000,\"orderId\":\"42\"}";

        JsonNode out = Json.read(parser.parse(line, FILE));

        assertThat(out.get("message").asText()).isEqualTo("Order 42 placed");
        assertThat(out.get("level_value").asInt()).isEqualTo(20000);
        assertThat(out.get("orderId").asText()).isEqualTo("42");
        assertThat(out.get("event.id").asText()).isEqualTo("f-abc-42");
        assertThat(out.get("service.name").asText()).isEqualTo("checkout");
        assertThat(out.get("service.environment").asText()).isEqualTo("prod");
        assertThat(out.get("host.name").asText()).isEqualTo("web-1");
        assertThat(out.get("log.file.path").asText()).isEqualTo("/var/log/app.json");
        assertThat(out.get("log.offset").asLong()).isEqualTo(42);
    }

    @Test
    void shouldKeepTheOriginalBytesAsPrefixOfTheOutput() {
        String line = "{\"a\":1.50,\"b\":\"x\"}";

        String out = new String(parser.parse(line, FILE).json(), StandardCharsets.UTF_8);

        assertThat(out).startsWith("{\"a\":1.50,\"b\":\"x\",\"event.id\"");
    }

    @Test
    void shouldNotOverrideNestedEcsFields() {
        String line = "{\"@timestamp\":\"2025-06-01T11:59:58Z\",\"log\":{\"level\":\"error\",\"file\":{\"path\":\"/x\"}},\"message\":\"boom\","
                + "\"service\":{\"name\":\"payments\",\"environment\":\"staging\"},\"event\":{\"id\":\"evt-1\",\"category\":\"authentication\"},"
                + "\"host\":{\"name\":\"db-7\"}}";

        ParsedEvent event = parser.parse(line, FILE);
        JsonNode out = Json.read(event);

        assertThat(out.has("event.id")).isFalse();
        assertThat(out.has("service.name")).isFalse();
        assertThat(out.has("service.environment")).isFalse();
        assertThat(out.has("host.name")).isFalse();
        assertThat(out.has("log.file.path")).isFalse();
        assertThat(out.get("log.offset").asLong()).isEqualTo(42);
        assertThat(event.service()).isEqualTo("payments");
    }

    @Test
    void shouldUseDottedServiceNameAsRecordKey() {
        String line = "{\"@timestamp\":\"2025-06-01T11:59:58Z\",\"log.level\":\"warn\",\"service.name\":\"search\",\"event.id\":\"e-9\",\"message\":\"slow\"}";

        ParsedEvent event = parser.parse(line, FILE);

        assertThat(event.service()).isEqualTo("search");
        assertThat(Json.read(event).get("event.id").asText()).isEqualTo("e-9");
    }

    @Test
    void shouldNotAddItsOwnServiceNameBesideAServiceNameThatIsAnObject() {
        for (String line : new String[] {"{\"message\":\"m\",\"service\":{\"name\":{\"x\":1}}}",
                "{\"message\":\"m\",\"service.name\":[\"a\",\"b\"]}", "{\"message\":\"m\",\"service\":{\"name\":{\"x\":\"\\u00e9\"}}}"}) {
            ParsedEvent e = parser.parse(line.getBytes(StandardCharsets.UTF_8), 0, line.length(), FILE);

            assertThat(new String(e.json(), StandardCharsets.UTF_8)).as(line).doesNotContain("\"service.name\":\"checkout\"")
                    .contains("\"host.name\":\"web-1\"");
            assertThat(e.service()).isEqualTo("checkout");
        }
    }

    @Test
    void shouldKeepConfiguredKindForRequestEvents() {
        JsonLineParser requests = new JsonLineParser(EventKind.REQUEST, ENRICH, CLOCK);

        ParsedEvent event = requests.parse("{\"method\":\"GET\",\"path\":\"/users/1\",\"status\":200,\"duration_ms\":12.5}", LineOrigin.of("h-1"));

        assertThat(event.kind()).isEqualTo(EventKind.REQUEST);
        assertThat(Json.read(event).get("duration_ms").asDouble()).isEqualTo(12.5);
        assertThat(Json.read(event).has("log.offset")).isFalse();
    }

    @Test
    void shouldSpliceExactlyTheMissingFieldsEscapingPathAndId() {
        LineOrigin origin = new LineOrigin("id\"1", "/var/log/a \"b\"\\ü.json", 1234567890123L);

        String out = new String(parser.parse("{\"a\":1} \r", origin).json(), StandardCharsets.UTF_8);

        assertThat(out).isEqualTo("{\"a\":1,\"event.id\":\"id\\\"1\",\"service.name\":\"checkout\",\"service.environment\":\"prod\","
                + "\"host.name\":\"web-1\",\"log.file.path\":\"/var/log/a \\\"b\\\"\\\\ü.json\",\"log.offset\":1234567890123}");
    }

    @Test
    void shouldWriteAFileLinesIdAsItsIdentityAndOffset() {
        LineOrigin origin = LineOrigin.ofFile("9f86d081884c7d65".getBytes(StandardCharsets.US_ASCII), "/var/log/app.json", 4096);

        JsonNode out = Json.read(parser.parse("{\"a\":1}", origin));

        assertThat(out.get("event.id").asText()).isEqualTo("9f86d081884c7d65-4096").isEqualTo(origin.eventId());
        assertThat(out.get("log.offset").asLong()).isEqualTo(4096);
    }

    @Test
    void shouldWriteTheSameOffsetIntoTheIdAndLogOffsetForEveryNumberOfDigits() {
        byte[] identity = "9f86d081884c7d65".getBytes(StandardCharsets.US_ASCII);
        java.util.List<Long> offsets = new java.util.ArrayList<>(java.util.List.of(0L, Long.MAX_VALUE));
        long power = 1;
        for (int digits = 1; digits <= 18; digits++) {
            power *= 10;
            offsets.add(power - 1); // the largest number of this many digits, then the smallest of one more
            offsets.add(power);
        }
        for (long o : offsets) {
            String out = new String(parser.parse("{\"a\":1}", LineOrigin.ofFile(identity, "/a.log", o)).json(), StandardCharsets.UTF_8);

            assertThat(out).as("offset %d", o).isEqualTo("{\"a\":1,\"event.id\":\"9f86d081884c7d65-" + o + "\",\"service.name\":\"checkout\","
                    + "\"service.environment\":\"prod\",\"host.name\":\"web-1\",\"log.file.path\":\"/a.log\",\"log.offset\":" + o + "}");
        }
    }

    @Test
    void shouldWriteTheOffsetAloneWhenTheLineHasItsOwnId() {
        LineOrigin origin = LineOrigin.ofFile("9f86d081884c7d65".getBytes(StandardCharsets.US_ASCII), "/a.log", 1_000_000_007L);

        String out = new String(parser.parse("{\"event.id\":\"mine\"}", origin).json(), StandardCharsets.UTF_8);

        assertThat(out).isEqualTo("{\"event.id\":\"mine\",\"service.name\":\"checkout\",\"service.environment\":\"prod\","
                + "\"host.name\":\"web-1\",\"log.file.path\":\"/a.log\",\"log.offset\":1000000007}");
    }

    @Test
    void shouldUseEachLinesOwnPathWhenLinesAlternateBetweenFiles() {
        JsonNode first = Json.read(parser.parse("{}", new LineOrigin("x-0", "/a.log", 0)));
        JsonNode second = Json.read(parser.parse("{}", new LineOrigin("y-0", "/b.log", 0)));
        JsonNode third = Json.read(parser.parse("{}", new LineOrigin("x-9", "/a.log", 9)));

        assertThat(first.get("log.file.path").asText()).isEqualTo("/a.log");
        assertThat(second.get("log.file.path").asText()).isEqualTo("/b.log");
        assertThat(third.get("log.file.path").asText()).isEqualTo("/a.log");
        assertThat(third.get("log.offset").asLong()).isEqualTo(9);
    }

    @Test
    void shouldAddFieldsToAnEmptyObjectWithoutLeadingComma() {
        JsonNode out = Json.read(parser.parse("  {}  ", FILE));

        assertThat(out.get("event.id").asText()).isEqualTo("f-abc-42");
    }

    @Test
    void shouldTurnTruncatedJsonIntoParseErrorEventWithRawLine() {
        String line = "{\"@timestamp\":\"2025-06-01T11:59:58Z\",\"message\":\"cut off";

        ParsedEvent event = parser.parse(line, FILE);
        JsonNode out = Json.read(event);

        assertThat(event.kind()).isEqualTo(EventKind.LOG);
        assertThat(out.get("message").asText()).isEqualTo(line);
        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
        assertThat(out.get("error.message").asText()).startsWith("malformed JSON");
        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(out.get("event.id").asText()).isEqualTo("f-abc-42");
    }

    @Test
    void shouldTurnPlainTextIntoParseErrorEvent() {
        JsonNode out = Json.read(parser.parse("Exception in thread \"main\" java.lang.NullPointerException", FILE));

        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
    }

    @Test
    void shouldTurnJsonArrayIntoParseErrorEvent() {
        JsonNode out = Json.read(parser.parse("[{\"message\":\"a\"}]", FILE));

        assertThat(out.get("error.message").asText()).isEqualTo("not a JSON object");
    }

    @Test
    void shouldTurnTwoObjectsOnOneLineIntoParseErrorEvent() {
        JsonNode out = Json.read(parser.parse("{\"a\":1}{\"b\":2}", FILE));

        assertThat(out.get("error.message").asText()).isEqualTo("unexpected content after the JSON object");
    }
}
