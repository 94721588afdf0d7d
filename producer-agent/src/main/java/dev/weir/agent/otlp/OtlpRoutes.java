package dev.weir.agent.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.weir.agent.http.Handoff;
import dev.weir.agent.http.HttpSettings;
import dev.weir.agent.ship.InputMeters;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * OTLP/HTTP intake: {@code POST /v1/traces}, and {@code POST /v1/logs} when the body is OTLP (Weir's own NDJSON
 * intake keeps the other bodies of that path, see {@link #isOtlpLogs}). Bodies are {@code application/x-protobuf} or
 * {@code application/json} (OTLP's JSON encoding: lowerCamelCase keys, hex trace and span ids), optionally
 * {@code Content-Encoding: gzip}. Answers as the OTLP specification asks, in the request's encoding:
 * <ul>
 * <li>200 with {@code ExportLogsServiceResponse} / {@code ExportTraceServiceResponse} once the broker acknowledged
 *     every accepted event; records that could not be taken are counted in {@code partial_success} (rejected log
 *     records or spans) with a message naming each record and the reason;</li>
 * <li>400 with a {@code google.rpc.Status} when the body is not an export request of that signal (or not gzip);</li>
 * <li>413 above {@code max-body} (decoded), 415 for another content type;</li>
 * <li>503 with {@code Retry-After} when the buffer is full or the broker did not answer within {@code ack-timeout}
 *     (OTLP clients retry those; ids derived from the content keep a retry from counting twice).</li>
 * </ul>
 * Thread-safe.
 */
public final class OtlpRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-fA-F]{2})+");
    /** At most this many rejections are named in a partial-success message; the count covers them all. */
    static final int MAX_NAMED = 10;
    private static final int INVALID_ARGUMENT = 3;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int UNAVAILABLE = 14;

    /** The two encodings OTLP/HTTP defines. */
    enum Encoding {
        PROTOBUF("application/x-protobuf"), JSON("application/json");

        final String contentType;

        Encoding(String contentType) {
            this.contentType = contentType;
        }

        /** @return the encoding a Content-Type header names, or null */
        static Encoding of(String contentType) {
            if (contentType == null) {
                return null;
            }
            String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return switch (type) {
                case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
                case "application/json" -> JSON;
                default -> null;
            };
        }
    }

    private final OtlpMapping mapping;
    private final Handoff handoff;
    private final HttpSettings settings;
    private final InputMeters logsMeters;
    private final InputMeters tracesMeters;
    private final Map<String, Counter> ignored;

    /**
     * @param mapping  turns requests into events
     * @param handoff  ships them and waits for the broker
     * @param settings body limit, Retry-After
     * @param registry where the counters of inputs {@code otlp_logs} and {@code otlp_traces} and
     *                 {@code weir_agent_otlp_spans_ignored_total} go
     */
    public OtlpRoutes(OtlpMapping mapping, Handoff handoff, HttpSettings settings, MeterRegistry registry) {
        this.mapping = Objects.requireNonNull(mapping, "mapping");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.logsMeters = InputMeters.of(registry, "otlp_logs");
        this.tracesMeters = InputMeters.of(registry, "otlp_traces");
        this.ignored = Map.of("not_server", ignoredCounter(registry, "not_server"), "not_http", ignoredCounter(registry, "not_http"));
    }

    private static Counter ignoredCounter(MeterRegistry registry, String reason) {
        return Counter.builder("weir.agent.otlp.spans.ignored").tag("reason", reason)
                .description("OTLP spans that are no HTTP server span, so no request event").register(registry);
    }

    /** Adds {@code POST /v1/traces} to {@code app}; {@code /v1/logs} is shared with the NDJSON intake, which calls {@link #logs}. */
    public void install(Javalin app) {
        app.post("/v1/traces", this::traces);
    }

    /**
     * @param contentType the request's Content-Type
     * @param body        its decoded body
     * @return whether a body sent to {@code /v1/logs} is OTLP: protobuf, or a JSON object whose first key is
     *         {@code resourceLogs} (an NDJSON log line never starts so)
     */
    public static boolean isOtlpLogs(String contentType, byte[] body) {
        Encoding encoding = Encoding.of(contentType);
        if (encoding == Encoding.PROTOBUF) {
            return true;
        }
        if (encoding != Encoding.JSON) {
            return false;
        }
        try (JsonParser p = JSON.getFactory().createParser(body)) {
            return p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
                    && Set.of("resourceLogs", "resource_logs").contains(p.currentName());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Answers an OTLP logs export whose body was read already.
     *
     * @param ctx  the request
     * @param body its decoded body
     * @throws InterruptedException when interrupted while waiting for the broker
     */
    public void logs(Context ctx, byte[] body) throws InterruptedException {
        Encoding encoding = Encoding.of(ctx.contentType());
        ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
        if (!decode(ctx, encoding, body, request, "ExportLogsServiceRequest")) {
            return;
        }
        OtlpMapping.Batch batch = mapping.logs(request.build(), Handoff.bodyId("otlp-", body));
        List<String> rejected = ship(ctx, encoding, batch, logsMeters);
        if (rejected != null) {
            ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
            if (!rejected.isEmpty()) {
                response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(rejected.size())
                        .setErrorMessage(message(rejected)));
            }
            respond(ctx, encoding, response.build());
        }
    }

    private void traces(Context ctx) throws InterruptedException {
        Encoding encoding = Encoding.of(ctx.contentType());
        if (encoding == null) {
            status(ctx, Encoding.JSON, HttpStatus.UNSUPPORTED_MEDIA_TYPE, INVALID_ARGUMENT, "Content-Type " + ctx.contentType()
                    + " is not OTLP/HTTP; send application/x-protobuf or application/json");
            return;
        }
        byte[] body;
        try {
            body = Handoff.readBody(ctx, settings.maxBodyBytes());
        } catch (ZipException e) {
            status(ctx, encoding, HttpStatus.BAD_REQUEST, INVALID_ARGUMENT, "body is not valid gzip: " + e.getMessage());
            return;
        } catch (IOException e) {
            status(ctx, encoding, HttpStatus.BAD_REQUEST, INVALID_ARGUMENT, "cannot read body: " + e.getMessage());
            return;
        }
        if (body == null) {
            status(ctx, encoding, HttpStatus.CONTENT_TOO_LARGE, RESOURCE_EXHAUSTED, "body larger than " + settings.maxBodyBytes()
                    + " bytes (agent.http.max-body, after gzip decoding); export smaller batches");
            return;
        }
        ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
        if (!decode(ctx, encoding, body, request, "ExportTraceServiceRequest")) {
            return;
        }
        OtlpMapping.Batch batch = mapping.traces(request.build(), Handoff.bodyId("otlp-", body));
        batch.ignored().forEach((reason, n) -> ignored.get(reason).increment(n));
        List<String> rejected = ship(ctx, encoding, batch, tracesMeters);
        if (rejected != null) {
            ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
            if (!rejected.isEmpty()) {
                response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(rejected.size())
                        .setErrorMessage(message(rejected)));
            }
            respond(ctx, encoding, response.build());
        }
    }

    /** @return whether {@code body} was merged into {@code builder}; otherwise a 400 was answered */
    private boolean decode(Context ctx, Encoding encoding, byte[] body, Message.Builder builder, String type) {
        try {
            if (encoding == Encoding.PROTOBUF) {
                builder.mergeFrom(body);
            } else {
                mergeJson(body, builder);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            status(ctx, encoding, HttpStatus.BAD_REQUEST, INVALID_ARGUMENT, "body is not an OTLP " + type + " in "
                    + (encoding == Encoding.PROTOBUF ? "protobuf" : "JSON") + ": " + e.getMessage());
            return false;
        }
    }

    /**
     * Ships the batch's events and adds the broker's refusals to its rejections.
     *
     * @return why each rejected record was not taken, or null when a 503 was answered
     */
    private List<String> ship(Context ctx, Encoding encoding, OtlpMapping.Batch batch, InputMeters meters) throws InterruptedException {
        meters.read().increment(batch.events().size());
        meters.rejectedMalformed().increment(batch.rejections().size());
        List<String> rejections = new ArrayList<>(batch.rejections());
        if (!batch.events().isEmpty()) {
            Handoff.Outcome outcome = handoff.ship(batch.events(), meters);
            if (outcome.result() != Handoff.Result.ACKNOWLEDGED) {
                ctx.header("Retry-After", Long.toString(Math.max(1, settings.retryAfter().toSeconds())));
                status(ctx, encoding, HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, outcome.result() == Handoff.Result.BUFFER_FULL
                        ? "buffer full; the broker is slow or away" : "the broker did not acknowledge within " + settings.ackTimeout()
                        + "; retry the same export");
                return null;
            }
            for (Handoff.Failure f : outcome.failures()) {
                rejections.add("record " + f.line() + ": rejected by Kafka: " + f.cause());
            }
        }
        return rejections;
    }

    /** @return the first {@value #MAX_NAMED} rejections, and how many more */
    static String message(List<String> rejections) {
        List<String> named = new ArrayList<>(rejections.subList(0, Math.min(MAX_NAMED, rejections.size())));
        if (rejections.size() > MAX_NAMED) {
            named.add("and " + (rejections.size() - MAX_NAMED) + " more");
        }
        return String.join("; ", named);
    }

    private static void respond(Context ctx, Encoding encoding, Message response) {
        ctx.status(HttpStatus.OK);
        if (encoding == Encoding.PROTOBUF) {
            ctx.contentType(encoding.contentType).result(response.toByteArray());
        } else {
            try {
                ctx.contentType(encoding.contentType).result(JsonFormat.printer().print(response));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an export response always prints as JSON", e);
            }
        }
    }

    /** Answers a {@code google.rpc.Status} (code and message), as OTLP/HTTP asks of failures. */
    private static void status(Context ctx, Encoding encoding, HttpStatus http, int code, String message) {
        ctx.status(http);
        if (encoding == Encoding.PROTOBUF) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                CodedOutputStream c = CodedOutputStream.newInstance(out);
                c.writeInt32(1, code);
                c.writeString(2, message);
                c.flush();
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory does not fail", e);
            }
            ctx.contentType(encoding.contentType).result(out.toByteArray());
        } else {
            ctx.json(Map.of("code", code, "message", message));
        }
    }

    /**
     * Reads OTLP's JSON encoding: protobuf's JSON mapping, except that trace and span ids are hex instead of base64.
     * Unknown fields are ignored, as OTLP asks of receivers.
     */
    static void mergeJson(byte[] body, Message.Builder builder) throws IOException {
        JsonNode tree = JSON.readTree(body);
        if (tree == null || !tree.isObject()) {
            throw new InvalidProtocolBufferException("the body is not a JSON object");
        }
        hexIdsToBase64(tree);
        JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(tree), builder);
    }

    private static void hexIdsToBase64(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            List<String> ids = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (ID_FIELDS.contains(f.getKey()) && f.getValue().isTextual() && HEX.matcher(f.getValue().textValue()).matches()) {
                    ids.add(f.getKey());
                } else {
                    hexIdsToBase64(f.getValue());
                }
            }
            for (String id : ids) {
                o.put(id, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(o.get(id).textValue())));
            }
        } else if (node.isArray()) {
            node.forEach(OtlpRoutes::hexIdsToBase64);
        }
    }
}
