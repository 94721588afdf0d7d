package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UvicornParserTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Enrichment ENRICH = new Enrichment("orders-api", "prod", "api-1");
    private static final LineOrigin ORIGIN = new LineOrigin("f-1-0", "/var/log/orders/access.log", 0);

    private final UvicornParser parser = new UvicornParser(ENRICH, CLOCK, ZoneId.of("Europe/Berlin"));

    @Test
    void shouldReadUvicornsOwnAccessLineStampedWithTheTimeOfReading() {
        String line = "INFO:     203.0.113.7:52114 - \"GET /orders/1042?page=2 HTTP/1.1\" 200 OK";

        ParsedEvent event = parser.parse(line, ORIGIN);
        JsonNode out = Json.read(event);

        assertThat(event.kind()).isEqualTo(EventKind.REQUEST);
        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-06-01T12:00:00Z");
        assertThat(out.get("source.ip").asText()).isEqualTo("203.0.113.7");
        assertThat(out.get("source.port").asInt()).isEqualTo(52114);
        assertThat(out.get("http.request.method").asText()).isEqualTo("GET");
        assertThat(out.get("url.path").asText()).isEqualTo("/orders/1042");
        assertThat(out.get("url.query").asText()).isEqualTo("page=2");
        assertThat(out.get("http.version").asText()).isEqualTo("1.1");
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(200);
        assertThat(out.get("log.level").asText()).isEqualTo("info");
        assertThat(out.get("weir.format").asText()).isEqualTo("uvicorn");
        assertThat(out.get("event.original").asText()).isEqualTo(line);
    }

    @Test
    void shouldReadGunicornWrappedLineWithItsTimeAndPid() {
        JsonNode out = Json.read(parser.parse(
                "[2025-06-01 13:59:58 +0200] [4242] [INFO] 198.51.100.23:40022 - \"POST /login HTTP/1.1\" 401", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-06-01T11:59:58Z");
        assertThat(out.get("process.pid").asLong()).isEqualTo(4242);
        assertThat(out.get("http.request.method").asText()).isEqualTo("POST");
        assertThat(out.get("url.path").asText()).isEqualTo("/login");
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(401);
    }

    @Test
    void shouldReadAsctimeInTheConfiguredZone() {
        JsonNode out = Json.read(parser.parse(
                "2025-06-01 13:59:58,589 - uvicorn.access - INFO - 198.51.100.23:40022 - \"GET /health HTTP/1.1\" 404 Not Found", ORIGIN));

        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-06-01T11:59:58.589Z");
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(404);
    }

    @Test
    void shouldReadIpv6Client() {
        JsonNode out = Json.read(parser.parse("INFO:     ::1:52114 - \"GET / HTTP/1.1\" 200 OK", ORIGIN));

        assertThat(out.get("source.ip").asText()).isEqualTo("::1");
    }

    @Test
    void shouldTurnOtherUvicornLinesIntoParseErrorEvents() {
        JsonNode out = Json.read(parser.parse("INFO:     Application startup complete.", ORIGIN));

        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
    }
}
