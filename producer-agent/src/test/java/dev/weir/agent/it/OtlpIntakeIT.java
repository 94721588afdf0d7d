package dev.weir.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.AgentApp;
import dev.weir.agent.http.HttpSettings;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.Collection;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's OTLP/HTTP intake on a real broker, fed by the official OpenTelemetry Java SDK: its OTLP/HTTP exporters
 * (protobuf, gzip) send logs and spans to {@code /v1/logs} and {@code /v1/traces}; its OTLP JSON encoder (the JSON
 * logging exporters, whose output is an export request) gives the JSON bodies; the raw topics are read back.
 */
@ExtendWith(LocalStackExtension.class)
class OtlpIntakeIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(30);
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    AgentApp agent;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private String start(KafkaBroker kafka, String topic, HttpSettings http) throws Exception {
        agent = IntakeAgent.start(kafka, topic, dir, "agent-default", "staging", "agent-host", http);
        return "http://127.0.0.1:" + agent.httpPort();
    }

    private static String topic(TestInfo info) {
        return "it.otlp." + info.getTestMethod().orElseThrow().getName();
    }

    static Resource resource() {
        return Resource.create(Attributes.builder().put("service.name", "checkout").put("service.version", "2.0.1")
                .put("deployment.environment", "prod").put("host.name", "web-7").put("k8s.pod.name", "checkout-6f7d").build());
    }

    /** Emits two log records, one inside a server span, and two spans (server and client), through the SDK. */
    static Telemetry emit(LogRecordExporter logs, SpanExporter spans) {
        SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource())
                .addSpanProcessor(BatchSpanProcessor.builder(spans).build()).build();
        SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource())
                .addLogRecordProcessor(BatchLogRecordProcessor.builder(logs).build()).build();
        Tracer tracer = tracing.get("it");
        Logger logger = logging.get("com.shop.Checkout");
        Instant start = Instant.now().minusSeconds(1);
        Span server = tracer.spanBuilder("POST /orders").setSpanKind(SpanKind.SERVER).setStartTimestamp(start)
                .setAttribute("http.request.method", "POST").setAttribute("url.path", "/orders/42")
                .setAttribute("http.route", "/orders/{id}").setAttribute(AttributeKey.longKey("http.response.status_code"), 201L)
                .startSpan();
        try (Scope ignored = server.makeCurrent()) {
            logger.logRecordBuilder().setSeverity(Severity.WARN).setSeverityText("WARN").setBody("payment slow")
                    .setAttribute(AttributeKey.stringKey("event.action"), "payment")
                    .setAttribute(AttributeKey.stringKey("order.id"), "A-17").emit();
            tracer.spanBuilder("SELECT orders").setSpanKind(SpanKind.CLIENT).startSpan().end();
        }
        logger.logRecordBuilder().setSeverity(Severity.ERROR).setBody("checkout failed")
                .setAttribute(AttributeKey.stringKey("exception.type"), "java.lang.IllegalStateException")
                .setAttribute(AttributeKey.stringKey("exception.stacktrace"),
                        "java.lang.IllegalStateException: no stock\n\tat com.shop.Cart.pay(Cart.java:12)").emit();
        server.end(start.plusMillis(42));
        CompletableResultCode flushed = CompletableResultCode.ofAll(List.of(tracing.forceFlush(), logging.forceFlush()));
        flushed.join(30, TimeUnit.SECONDS);
        Telemetry t = new Telemetry(server.getSpanContext().getTraceId(), server.getSpanContext().getSpanId(), flushed.isSuccess());
        tracing.shutdown().join(10, TimeUnit.SECONDS);
        logging.shutdown().join(10, TimeUnit.SECONDS);
        return t;
    }

    /** What {@link #emit} sent: the server span's ids and whether every export succeeded. */
    record Telemetry(String traceId, String spanId, boolean exported) {
    }

    private static void assertEventsOnTheRawTopics(KafkaBroker kafka, String topic, Telemetry sent) {
        try (TopicReader logs = new TopicReader(kafka.bootstrapServers(), topic + ".logs");
             TopicReader requests = new TopicReader(kafka.bootstrapServers(), topic + ".requests")) {
            Poll.until(DEADLINE, () -> logs.poll().size() >= 2 && requests.poll().size() >= 1,
                    () -> logs.poll().size() + " log events, " + requests.poll().size() + " request events");
            assertThat(logs.poll()).hasSize(2);
            assertThat(logs.poll()).extracting(TopicReader.Rec::key).containsOnly("checkout");
            JsonNode warn = logs.poll().stream().map(TopicReader.Rec::json).filter(j -> j.path("message").asText().equals("payment slow"))
                    .findFirst().orElseThrow();
            assertThat(warn.get("log.level").asText()).isEqualTo("WARN");
            assertThat(warn.get("trace.id").asText()).isEqualTo(sent.traceId());
            assertThat(warn.get("span.id").asText()).isEqualTo(sent.spanId());
            assertThat(warn.get("service.name").asText()).isEqualTo("checkout");
            assertThat(warn.get("service.version").asText()).isEqualTo("2.0.1");
            assertThat(warn.get("service.environment").asText()).isEqualTo("prod");
            assertThat(warn.get("host.name").asText()).isEqualTo("web-7");
            assertThat(warn.get("log.logger").asText()).isEqualTo("com.shop.Checkout");
            assertThat(warn.get("event.action").asText()).isEqualTo("payment");
            assertThat(warn.get("labels.order_id").asText()).isEqualTo("A-17");
            assertThat(warn.get("labels.k8s_pod_name").asText()).isEqualTo("checkout-6f7d");
            JsonNode error = logs.poll().stream().map(TopicReader.Rec::json).filter(j -> j.path("message").asText().equals("checkout failed"))
                    .findFirst().orElseThrow();
            assertThat(error.get("log.level").asText()).isEqualTo("ERROR");
            assertThat(error.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.get("error.stack_trace").asText()).contains("at com.shop.Cart.pay(Cart.java:12)");
            assertThat(error.has("trace.id")).isFalse();

            assertThat(requests.poll()).hasSize(1); // the client span is no request
            JsonNode request = requests.poll().get(0).json();
            assertThat(requests.poll().get(0).key()).isEqualTo("checkout");
            assertThat(request.get("http.request.method").asText()).isEqualTo("POST");
            assertThat(request.get("url.path").asText()).isEqualTo("/orders/42");
            assertThat(request.get("http.response.status_code").asInt()).isEqualTo(201);
            assertThat(request.get("duration_ms").asDouble()).isEqualTo(42.0);
            assertThat(request.get("trace.id").asText()).isEqualTo(sent.traceId());
            assertThat(request.get("labels.http_route").asText()).isEqualTo("/orders/{id}");
            assertThat(request.get("event.id").asText()).isEqualTo("otlp-" + sent.traceId() + "-" + sent.spanId());
        }
    }

    @Test
    void shouldTakeTheSdksProtobufExportsGzippedAsLogAndRequestEvents(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());

        Telemetry sent = emit(OtlpHttpLogRecordExporter.builder().setEndpoint(url + "/v1/logs").setCompression("gzip").build(),
                OtlpHttpSpanExporter.builder().setEndpoint(url + "/v1/traces").setCompression("gzip").build());

        assertThat(sent.exported()).as("the SDK's exporters got 200 from the agent").isTrue();
        assertEventsOnTheRawTopics(kafka, topic(info), sent);
        assertThat(agent.registry().get("weir.agent.otlp.spans.ignored").tag("reason", "not_server").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheSdksJsonEncodingAsLogAndRequestEvents(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        CollectedLogs collectedLogs = new CollectedLogs();
        CollectedSpans collectedSpans = new CollectedSpans();

        Telemetry sent = emit(collectedLogs, collectedSpans);
        // the public exporters speak protobuf only; these are the marshalers they use for OTLP JSON
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        LogsRequestMarshaler.create(collectedLogs.items).writeJsonTo(logs);
        ByteArrayOutputStream spans = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(collectedSpans.items).writeJsonTo(spans);

        assertThat(spans.toString(StandardCharsets.UTF_8)).contains("\"traceId\":\"" + sent.traceId() + "\"");
        HttpResponse<String> r = post(url + "/v1/logs", gzip(logs.toString(StandardCharsets.UTF_8)), "application/json",
                "Content-Encoding", "gzip");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).has("partialSuccess")).as(r.body()).isFalse();
        r = post(url + "/v1/traces", spans.toByteArray(), "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertEventsOnTheRawTopics(kafka, topic(info), sent);
    }

    /** Keeps what the SDK exports, to encode it as the test pleases. */
    abstract static class Collected<T> {
        final List<T> items = new CopyOnWriteArrayList<>();

        public CompletableResultCode export(Collection<T> batch) {
            items.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    static final class CollectedSpans extends Collected<SpanData> implements SpanExporter {
    }

    static final class CollectedLogs extends Collected<LogRecordData> implements LogRecordExporter {
    }

    @Test
    void shouldCountRejectedRecordsInPartialSuccessAndShipTheOthers(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults());
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder()
                        .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("kept")))
                        .addLogRecords(LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("bad id"))
                                .setTraceId(com.google.protobuf.ByteString.fromHex("abcd"))))).build();

        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url + "/v1/logs"))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-protobuf"));
        ExportLogsServiceResponse response = ExportLogsServiceResponse.parseFrom(r.body());
        assertThat(response.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo("log record 2: trace_id has 2 bytes; an OTLP trace id has 16"
                + " (32 hex digits in JSON)");
        try (TopicReader logs = new TopicReader(kafka.bootstrapServers(), topic(info) + ".logs")) {
            Poll.until(DEADLINE, () -> logs.poll().size() == 1, () -> logs.poll().size() + " log events");
            assertThat(logs.poll().get(0).json().get("message").asText()).isEqualTo("kept");
            assertThat(logs.poll().get(0).key()).isEqualTo("agent-default");
        }
    }

    @Test
    void shouldAnswer400415And413AsOtlpAsks(KafkaBroker kafka, TestInfo info) throws Exception {
        String url = start(kafka, topic(info), HttpSettings.defaults().with(4096, null, Duration.ofSeconds(30)));

        HttpResponse<String> garbage = post(url + "/v1/traces", new byte[] {(byte) 0xff, 0x01, 0x02}, "application/x-protobuf");
        HttpResponse<String> notJson = post(url + "/v1/traces", "{\"resourceSpans\": [".getBytes(StandardCharsets.UTF_8), "application/json");
        HttpResponse<String> text = post(url + "/v1/traces", "hello".getBytes(StandardCharsets.UTF_8), "text/plain");
        HttpResponse<String> big = post(url + "/v1/traces", gzip("{\"resourceSpans\":[]}" + " ".repeat(5000)), "application/json",
                "Content-Encoding", "gzip");

        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).get("message").asText()).startsWith("body is not an OTLP ExportTraceServiceRequest in JSON");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(text.body()).get("message").asText()).contains("text/plain").contains("application/x-protobuf");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(big.body()).get("message").asText()).contains("4096 bytes (agent.http.max-body");
        // Weir's own NDJSON intake keeps /v1/logs for what is not OTLP
        HttpResponse<String> ndjson = post(url + "/v1/logs", "{\"message\":\"plain\"}\n".getBytes(StandardCharsets.UTF_8), "application/json");
        assertThat(ndjson.statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> post(String url, byte[] body, String contentType, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return gz.toByteArray();
    }
}
