package dev.weir.agent.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AccessLogParserTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Enrichment ENRICH = new Enrichment("shop", "prod", "edge-1");
    private static final LineOrigin ORIGIN = new LineOrigin("f-1-0", "/var/log/nginx/access.log", 0);

    private final AccessLogParser nginx = new AccessLogParser(AccessLogParser.Flavor.NGINX, ENRICH, CLOCK);
    private final AccessLogParser apache = new AccessLogParser(AccessLogParser.Flavor.APACHE, ENRICH, CLOCK);

    @Test
    void shouldReadNginxCombinedLineIntoRequestEvent() {
        String line = "203.0.113.9 - - [01/Jun/2025:13:59:58 +0200] \"GET /api/orders/42?expand=items HTTP/1.1\" 200 5123 "
                + "\"https://shop.example/cart\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\"";

        ParsedEvent event = nginx.parse(line, ORIGIN);
        JsonNode out = Json.read(event);

        assertThat(event.kind()).isEqualTo(EventKind.REQUEST);
        assertThat(out.get("@timestamp").asText()).isEqualTo("2025-06-01T11:59:58Z");
        assertThat(out.get("source.ip").asText()).isEqualTo("203.0.113.9");
        assertThat(out.get("http.request.method").asText()).isEqualTo("GET");
        assertThat(out.get("url.path").asText()).isEqualTo("/api/orders/42");
        assertThat(out.get("url.query").asText()).isEqualTo("expand=items");
        assertThat(out.get("http.version").asText()).isEqualTo("1.1");
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(200);
        assertThat(out.get("http.response.body.bytes").asLong()).isEqualTo(5123);
        assertThat(out.get("http.request.referrer").asText()).isEqualTo("https://shop.example/cart");
        assertThat(out.get("user_agent.original").asText()).startsWith("Mozilla/5.0");
        assertThat(out.has("event.duration")).isFalse();
        assertThat(out.has("user.name")).isFalse();
        assertThat(out.get("event.original").asText()).isEqualTo(line);
        assertThat(out.has("message")).as("a request's message is made by the sink").isFalse();
        assertThat(out.get("weir.format").asText()).isEqualTo("nginx");
        assertThat(out.get("service.name").asText()).isEqualTo("shop");
    }

    @Test
    void shouldReadNginxRequestTimeInSecondsAsDurationInNanoseconds() {
        String line = "10.0.0.5 - alice [01/Jun/2025:12:00:00 +0000] \"POST /login HTTP/2.0\" 401 73 \"-\" \"curl/8.5.0\" \"198.51.100.1\" 0.245";

        JsonNode out = Json.read(nginx.parse(line, ORIGIN));

        assertThat(out.get("event.duration").asLong()).isEqualTo(245_000_000L);
        assertThat(out.get("user.name").asText()).isEqualTo("alice");
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(401);
        assertThat(out.has("http.request.referrer")).isFalse();
    }

    @Test
    void shouldReadRequestTimeWrittenAsKeyValue() {
        String line = "10.0.0.5 - - [01/Jun/2025:12:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"kube-probe/1.29\" rt=0.002 uct=\"0.000\"";

        JsonNode out = Json.read(nginx.parse(line, ORIGIN));

        assertThat(out.get("event.duration").asLong()).isEqualTo(2_000_000L);
    }

    @Test
    void shouldReadApacheRequestTimeInMicroseconds() {
        String line = "192.168.1.20 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
                + "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\" 1532";

        JsonNode out = Json.read(apache.parse(line, ORIGIN));

        assertThat(out.get("event.duration").asLong()).isEqualTo(1_532_000L);
        assertThat(out.get("@timestamp").asText()).isEqualTo("2000-10-10T20:55:36Z");
        assertThat(out.get("event.dataset").asText()).isEqualTo("apache.access");
    }

    @Test
    void shouldReadDashBytesAsZero() {
        String line = "192.168.1.20 - - [10/Oct/2000:13:55:36 -0700] \"HEAD / HTTP/1.1\" 304 - \"-\" \"-\"";

        JsonNode out = Json.read(apache.parse(line, ORIGIN));

        assertThat(out.get("http.response.body.bytes").asLong()).isZero();
        assertThat(out.has("user_agent.original")).isFalse();
    }

    @Test
    void shouldUnescapeQuotesInUserAgent() {
        String line = "10.0.0.5 - - [01/Jun/2025:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"evil \\\"agent\\\"\"";

        JsonNode out = Json.read(nginx.parse(line, ORIGIN));

        assertThat(out.get("user_agent.original").asText()).isEqualTo("evil \"agent\"");
    }

    @Test
    void shouldKeepTlsHandshakeOnHttpPortAsMalformedRequest() {
        String line = "45.227.254.8 - - [01/Jun/2025:12:00:00 +0000] \"\\x16\\x03\\x01\\x00\\xEE\\x01\" 400 157 \"-\" \"-\"";

        ParsedEvent event = nginx.parse(line, ORIGIN);
        JsonNode out = Json.read(event);

        assertThat(event.kind()).isEqualTo(EventKind.REQUEST);
        assertThat(out.has("http.request.method")).isFalse();
        assertThat(out.get("http.response.status_code").asInt()).isEqualTo(400);
        assertThat(out.get("tags").get(0).asText()).isEqualTo("malformed_request");
    }

    @Test
    void shouldTurnErrorLogLineIntoParseErrorLogEvent() {
        String line = "2025/06/01 12:00:00 [error] 31#31: *1 open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file or directory)";

        ParsedEvent event = nginx.parse(line, ORIGIN);
        JsonNode out = Json.read(event);

        assertThat(event.kind()).isEqualTo(EventKind.LOG);
        assertThat(out.get("message").asText()).isEqualTo(line);
        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
        assertThat(out.get("event.id").asText()).isEqualTo("f-1-0");
    }

    @Test
    void shouldTurnImpossibleDateIntoParseErrorEvent() {
        String line = "10.0.0.5 - - [31/Feb/2025:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"";

        JsonNode out = Json.read(nginx.parse(line, ORIGIN));

        assertThat(out.get("tags").get(0).asText()).isEqualTo("parse_error");
    }

    @Test
    void shouldReadGunicornDefaultLineWithMicrosecondsOrSeconds() {
        AccessLogParser gunicorn = new AccessLogParser(AccessLogParser.Flavor.GUNICORN, ENRICH, CLOCK);
        String base = "198.51.100.7 - - [01/Jun/2025:11:59:58 +0000] \"POST /api/v1/orders HTTP/1.1\" 201 87 \"-\" \"python-requests/2.32.3\"";

        JsonNode micros = Json.read(gunicorn.parse(base + " 15230", ORIGIN));
        JsonNode seconds = Json.read(gunicorn.parse(base + " 0.015230", ORIGIN));
        JsonNode none = Json.read(gunicorn.parse(base, ORIGIN));

        assertThat(micros.get("event.duration").asLong()).isEqualTo(15_230_000L);
        assertThat(seconds.get("event.duration").asLong()).isEqualTo(15_230_000L);
        assertThat(none.has("event.duration")).isFalse();
        assertThat(micros.get("weir.format").asText()).isEqualTo("gunicorn");
        assertThat(micros.get("event.dataset").asText()).isEqualTo("gunicorn.access");
        assertThat(micros.get("http.request.method").asText()).isEqualTo("POST");
        assertThat(micros.get("http.response.status_code").asInt()).isEqualTo(201);
    }
}
