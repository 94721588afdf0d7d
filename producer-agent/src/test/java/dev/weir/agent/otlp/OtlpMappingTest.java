package dev.weir.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.weir.agent.http.Handoff;
import dev.weir.agent.parse.Enrichment;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.JsonLineParser;
import dev.weir.agent.ship.Destinations;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpMappingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final String TRACE = "5b8efff798038103d269b633813fc60c";
    static final String SPAN = "eee19b7ec3c1b174";
    static final long START = Instant.parse("2026-03-01T09:59:58.5Z").toEpochMilli() * 1_000_000L;

    final OtlpMapping mapping = mapping(64 * 1024);

    static OtlpMapping mapping(int maxEventBytes) {
        Enrichment enrichment = new Enrichment("agent-default", "staging", "agent-host");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new OtlpMapping(new JsonLineParser(EventKind.LOG, enrichment, clock), new JsonLineParser(EventKind.REQUEST, enrichment, clock),
                new Destinations("logs", "requests", maxEventBytes), clock);
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    static Resource resource() {
        return Resource.newBuilder().addAttributes(attr("service.name", "checkout")).addAttributes(attr("service.version", "1.4.2"))
                .addAttributes(attr("deployment.environment", "prod")).addAttributes(attr("host.name", "web-7"))
                .addAttributes(attr("k8s.pod.name", "checkout-6f7d")).build();
    }

    static ExportLogsServiceRequest logs(LogRecord... records) {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().setResource(resource())
                .addScopeLogs(ScopeLogs.newBuilder().setScope(InstrumentationScope.newBuilder().setName("com.shop.Checkout"))
                        .addAllLogRecords(List.of(records)))).build();
    }

    static ExportTraceServiceRequest traces(Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().setResource(resource())
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    }

    static Span.Builder serverSpan() {
        return Span.newBuilder().setName("GET /orders/{id}").setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(SPAN))
                .setStartTimeUnixNano(START).setEndTimeUnixNano(START + 42_500_000L)
                .addAttributes(attr("http.request.method", "GET")).addAttributes(attr("url.path", "/orders/123"))
                .addAttributes(attr("http.route", "/orders/{id}")).addAttributes(attr("http.response.status_code", 503));
    }

    static JsonNode read(Handoff.Numbered n) throws IOException {
        return JSON.readTree(n.event().json());
    }

    @Test
    void shouldPutALogRecordsTraceContextResourceAndSeverityInTheirEcsPlaces() throws IOException {
        LogRecord r = LogRecord.newBuilder().setTimeUnixNano(START).setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN)
                .setSeverityText("Warning").setBody(AnyValue.newBuilder().setStringValue("payment slow"))
                .setTraceId(ByteString.fromHex(TRACE)).setSpanId(ByteString.fromHex(SPAN))
                .addAttributes(attr("event.action", "payment")).addAttributes(attr("user.name", "ada"))
                .addAttributes(attr("order.id", "A-17")).build();

        OtlpMapping.Batch batch = mapping.logs(logs(r), "otlp-abc-");

        assertThat(batch.rejections()).isEmpty();
        assertThat(batch.events()).hasSize(1);
        assertThat(batch.events().get(0).event().kind()).isEqualTo(EventKind.LOG);
        assertThat(batch.events().get(0).event().service()).isEqualTo("checkout");
        JsonNode e = read(batch.events().get(0));
        assertThat(e.get("@timestamp").asText()).isEqualTo("2026-03-01T09:59:58.500Z");
        assertThat(e.get("message").asText()).isEqualTo("payment slow");
        assertThat(e.get("log.level").asText()).isEqualTo("WARN");
        assertThat(e.get("trace.id").asText()).isEqualTo(TRACE);
        assertThat(e.get("span.id").asText()).isEqualTo(SPAN);
        assertThat(e.get("log.logger").asText()).isEqualTo("com.shop.Checkout");
        assertThat(e.get("service.name").asText()).isEqualTo("checkout");
        assertThat(e.get("service.version").asText()).isEqualTo("1.4.2");
        assertThat(e.get("service.environment").asText()).isEqualTo("prod");
        assertThat(e.get("host.name").asText()).isEqualTo("web-7");
        assertThat(e.get("event.action").asText()).isEqualTo("payment");
        assertThat(e.get("user.name").asText()).isEqualTo("ada");
        assertThat(e.get("labels.order_id").asText()).isEqualTo("A-17");
        assertThat(e.get("labels.k8s_pod_name").asText()).isEqualTo("checkout-6f7d");
        assertThat(e.get("event.id").asText()).isEqualTo("otlp-abc-1");
    }

    @Test
    void shouldMoveExceptionAttributesToTheErrorFields() throws IOException {
        LogRecord r = LogRecord.newBuilder().setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
                .setBody(AnyValue.newBuilder().setStringValue("checkout failed"))
                .addAttributes(attr("exception.type", "java.lang.IllegalStateException"))
                .addAttributes(attr("exception.message", "no stock"))
                .addAttributes(attr("exception.stacktrace", "java.lang.IllegalStateException: no stock\n\tat com.shop.Cart.pay(Cart.java:12)"))
                .addAttributes(attr("thread.name", "http-1")).build();

        JsonNode e = read(mapping.logs(logs(r), "p-").events().get(0));

        assertThat(e.get("log.level").asText()).isEqualTo("ERROR");
        assertThat(e.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.get("error.message").asText()).isEqualTo("no stock");
        assertThat(e.get("error.stack_trace").asText()).startsWith("java.lang.IllegalStateException: no stock");
        assertThat(e.get("process.thread.name").asText()).isEqualTo("http-1");
    }

    @Test
    void shouldUseTheObservedTimeThenTheClockAndWriteAStructuredBodyAsJson() throws IOException {
        LogRecord r = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(attr("order", "A-17")).addValues(attr("items", 3)))).build();

        JsonNode e = read(mapping.logs(logs(r), "p-").events().get(0));

        assertThat(e.get("@timestamp").asText()).isEqualTo(NOW.toString());
        assertThat(e.get("message").asText()).isEqualTo("{\"order\":\"A-17\",\"items\":3}");
        assertThat(e.has("log.level")).isFalse();
    }

    @Test
    void shouldAddTheAgentsServiceWhenTheResourceNamesNone() throws IOException {
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setBody(AnyValue.newBuilder().setStringValue("hello"))))).build();

        JsonNode e = read(mapping.logs(request, "p-").events().get(0));

        assertThat(e.get("service.name").asText()).isEqualTo("agent-default");
        assertThat(e.get("service.environment").asText()).isEqualTo("staging");
        assertThat(e.get("host.name").asText()).isEqualTo("agent-host");
    }

    @Test
    void shouldRejectARecordWithAMalformedTraceIdAndKeepTheOthers() {
        LogRecord bad = LogRecord.newBuilder().setTraceId(ByteString.fromHex("0102030405")).build();
        LogRecord good = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("fine")).build();

        OtlpMapping.Batch batch = mapping.logs(logs(good, bad), "p-");

        assertThat(batch.events()).extracting(Handoff.Numbered::line).containsExactly(1);
        assertThat(batch.rejections()).containsExactly("log record 2: trace_id has 5 bytes; an OTLP trace id has 16 (32 hex digits in JSON)");
    }

    @Test
    void shouldRejectAnEventLargerThanTheLimitNamingTheLimit() {
        LogRecord big = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("x".repeat(5000))).build();

        OtlpMapping.Batch batch = mapping(2048).logs(logs(big), "p-");

        assertThat(batch.events()).isEmpty();
        assertThat(batch.rejections()).singleElement().asString().startsWith("log record 1: event of ").contains("agent.max-event-size (2048 bytes");
    }

    @Test
    void shouldTurnAnHttpServerSpanIntoARequestEvent() throws IOException {
        OtlpMapping.Batch batch = mapping.traces(traces(serverSpan().build()), "p-");

        assertThat(batch.rejections()).isEmpty();
        assertThat(batch.events()).hasSize(1);
        assertThat(batch.events().get(0).event().kind()).isEqualTo(EventKind.REQUEST);
        JsonNode e = read(batch.events().get(0));
        assertThat(e.get("@timestamp").asText()).isEqualTo("2026-03-01T09:59:58.500Z");
        assertThat(e.get("http.request.method").asText()).isEqualTo("GET");
        assertThat(e.get("url.path").asText()).isEqualTo("/orders/123");
        assertThat(e.get("http.response.status_code").asInt()).isEqualTo(503);
        assertThat(e.get("duration_ms").asDouble()).isEqualTo(42.5);
        assertThat(e.get("trace.id").asText()).isEqualTo(TRACE);
        assertThat(e.get("event.id").asText()).isEqualTo("otlp-" + TRACE + "-" + SPAN);
        assertThat(e.get("labels.http_route").asText()).isEqualTo("/orders/{id}");
        assertThat(e.get("service.name").asText()).isEqualTo("checkout");
    }

    @Test
    void shouldReadTheOlderHttpAttributeNames() throws IOException {
        Span s = Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER).setTraceId(ByteString.fromHex(TRACE))
                .setSpanId(ByteString.fromHex(SPAN)).setStartTimeUnixNano(START).setEndTimeUnixNano(START + 1_000_000L)
                .addAttributes(attr("http.method", "post")).addAttributes(attr("http.target", "/cart?coupon=x"))
                .addAttributes(attr("http.status_code", 201)).build();

        JsonNode e = read(mapping.traces(traces(s), "p-").events().get(0));

        assertThat(e.get("http.request.method").asText()).isEqualTo("POST");
        assertThat(e.get("url.path").asText()).isEqualTo("/cart");
        assertThat(e.get("http.response.status_code").asInt()).isEqualTo(201);
    }

    @Test
    void shouldIgnoreClientSpansAndServerSpansWithoutHttpCountingThem() {
        Span client = serverSpan().setKind(Span.SpanKind.SPAN_KIND_CLIENT).build();
        Span internal = serverSpan().setKind(Span.SpanKind.SPAN_KIND_INTERNAL).build();
        Span grpc = Span.newBuilder().setKind(Span.SpanKind.SPAN_KIND_SERVER).setStartTimeUnixNano(START).setEndTimeUnixNano(START)
                .addAttributes(attr("rpc.system", "grpc")).build();

        OtlpMapping.Batch batch = mapping.traces(traces(client, internal, grpc, serverSpan().build()), "p-");

        assertThat(batch.events()).extracting(Handoff.Numbered::line).containsExactly(4);
        assertThat(batch.ignored()).containsEntry("not_server", 2).containsEntry("not_http", 1);
        assertThat(batch.rejections()).isEmpty();
    }

    @Test
    void shouldRejectAServerSpanWithoutStatusNamingTheAttribute() {
        Span noStatus = serverSpan().clearAttributes().addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("url.path", "/x")).build();

        OtlpMapping.Batch batch = mapping.traces(traces(noStatus), "p-");

        assertThat(batch.events()).isEmpty();
        assertThat(batch.rejections()).singleElement().asString().startsWith("span 1 (GET /orders/{id}): ")
                .contains("http.response.status_code");
    }

    @Test
    void shouldFallBackToTheRouteWhenNoPathIsGiven() throws IOException {
        Span s = serverSpan().clearAttributes().addAttributes(attr("http.request.method", "GET"))
                .addAttributes(attr("http.route", "/users/{id}")).addAttributes(attr("http.response.status_code", 200)).build();

        JsonNode e = read(mapping.traces(traces(s), "p-").events().get(0));

        assertThat(e.get("url.path").asText()).isEqualTo("/users/{id}");
    }

    @Test
    void shouldDeriveTheLevelFromTheSeverityNumberFirst() {
        assertThat(OtlpMapping.level("Information", 9)).isEqualTo("INFO");
        assertThat(OtlpMapping.level("", 1)).isEqualTo("TRACE");
        assertThat(OtlpMapping.level(null, 24)).isEqualTo("FATAL");
        assertThat(OtlpMapping.level("warning", 0)).isEqualTo("warning");
        assertThat(OtlpMapping.level("", 0)).isNull();
    }

    @Test
    void shouldKeepAnEcsNumberFieldWithTheWrongTypeAsALabel() {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        OtlpMapping.place(out, "http.response.status_code", "two hundred");
        OtlpMapping.place(out, "process.pid", 4711L);

        assertThat(out).containsEntry("labels.http_response_status_code", "two hundred").containsEntry("process.pid", 4711L);
    }
}
