package dev.weir.agent.http;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.otlp.OtlpRoutes;
import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.JsonLineParser;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.ship.InputMeters;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipException;

/**
 * {@code POST /v1/logs} and {@code POST /v1/requests}: NDJSON (one object per line) or a JSON
 * array of objects, optionally {@code Content-Encoding: gzip}.
 * <ul>
 * <li>202 {@code {"accepted":n,"rejected":m,"errors":[…]}} once the broker acknowledged every
 *     accepted event; lines that are not a JSON object are rejected and listed with their
 *     1-based line number (array element number for arrays) and reason, the others shipped;</li>
 * <li>400 when no event could be accepted (every line rejected, an unreadable array, bad gzip, empty body);</li>
 * <li>413 when the body, decoded, is larger than {@code max-body};</li>
 * <li>503 with {@code Retry-After} when the buffer is full, or when the broker did not
 *     acknowledge within {@code ack-timeout} (the events may still arrive; a retry sends the
 *     same body, and the ids the agent gives are derived from the body, so duplicates carry the
 *     same {@code event.id});</li>
 * </ul>
 * Events without {@code event.id} get {@code h-<sha256(body)[0..16]>-<line>}. An OTLP body sent to
 * {@code /v1/logs} (protobuf, or JSON whose first key is {@code resourceLogs}) is answered by {@link OtlpRoutes}.
 */
public final class IntakeRoutes {
    private static final JsonFactory JSON = new JsonFactory();

    private final Handoff handoff;
    private final Destinations destinations;
    private final HttpSettings settings;
    private final Map<EventKind, JsonLineParser> parsers;
    private final Map<EventKind, InputMeters> meters;
    private final OtlpRoutes otlp;

    /**
     * @param buffer where accepted events go
     * @param destinations topics per kind
     * @param settings limits and timeouts (the token is checked by the server in front, see {@code OpsServer.create})
     * @param logsParser enriches {@code /v1/logs} events
     * @param requestsParser enriches {@code /v1/requests} events
     * @param logsMeters counters of input {@code http_logs}
     * @param requestsMeters counters of input {@code http_requests}
     * @param otlp answers the OTLP bodies sent to {@code /v1/logs}, or null to treat every body as NDJSON
     */
    public IntakeRoutes(EventBuffer buffer, Destinations destinations, HttpSettings settings, JsonLineParser logsParser,
                        JsonLineParser requestsParser, InputMeters logsMeters, InputMeters requestsMeters, OtlpRoutes otlp) {
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.handoff = new Handoff(buffer, destinations, settings.ackTimeout());
        this.parsers = Map.of(EventKind.LOG, logsParser, EventKind.REQUEST, requestsParser);
        this.meters = Map.of(EventKind.LOG, logsMeters, EventKind.REQUEST, requestsMeters);
        this.otlp = otlp;
    }

    /** Adds the two routes to {@code app} (not started yet). */
    public void install(Javalin app) {
        app.post("/v1/logs", ctx -> handle(ctx, EventKind.LOG));
        app.post("/v1/requests", ctx -> handle(ctx, EventKind.REQUEST));
    }

    private void handle(Context ctx, EventKind kind) throws InterruptedException {
        byte[] body;
        try {
            body = Handoff.readBody(ctx, settings.maxBodyBytes());
        } catch (ZipException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "body is not valid gzip: " + e.getMessage()));
            return;
        } catch (IOException e) {
            ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "cannot read body: " + e.getMessage()));
            return;
        }
        if (body == null) {
            tooLarge(ctx);
            return;
        }
        if (kind == EventKind.LOG && otlp != null && OtlpRoutes.isOtlpLogs(ctx.contentType(), body)) {
            otlp.logs(ctx, body);
            return;
        }
        String bodyId = Handoff.bodyId("h-", body);
        List<Handoff.Numbered> events = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        JsonLineParser parser = parsers.get(kind);
        int first = firstNonWhitespace(body);
        if (first >= 0 && body[first] == '[') {
            String arrayError = readArray(body, parser, bodyId, events, errors, meters.get(kind));
            if (arrayError != null) {
                ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("accepted", 0, "error", arrayError));
                return;
            }
        } else {
            readLines(body, parser, bodyId, events, errors, meters.get(kind));
        }
        meters.get(kind).read().increment(events.size());
        if (events.isEmpty()) {
            ctx.status(HttpStatus.BAD_REQUEST).json(result(0, errors.isEmpty() ? List.of(error(0, "body holds no events")) : errors));
            return;
        }
        Handoff.Outcome outcome = handoff.ship(events, meters.get(kind));
        if (outcome.result() == Handoff.Result.BUFFER_FULL) {
            unavailable(ctx, "buffer full; the broker is slow or away");
            return;
        }
        if (outcome.result() == Handoff.Result.TIMED_OUT) {
            unavailable(ctx, "the broker did not acknowledge within " + settings.ackTimeout() + "; retry the same body");
            return;
        }
        List<Handoff.Failure> failures = outcome.failures();
        for (Handoff.Failure f : failures) {
            errors.add(error(f.line(), "rejected by Kafka: " + f.cause()));
        }
        errors.sort(java.util.Comparator.comparingInt(e -> (Integer) e.get("line")));
        int accepted = events.size() - failures.size();
        ctx.status(accepted > 0 ? HttpStatus.ACCEPTED : HttpStatus.BAD_REQUEST).json(result(accepted, errors));
    }

    private static Map<String, Object> result(int accepted, List<Map<String, Object>> errors) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", accepted);
        out.put("rejected", errors.size());
        out.put("errors", errors);
        return out;
    }

    private static Map<String, Object> error(int line, String reason) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("line", line);
        e.put("reason", reason);
        return e;
    }

    private void tooLarge(Context ctx) {
        ctx.status(HttpStatus.CONTENT_TOO_LARGE)
                .json(Map.of("error", "body larger than " + settings.maxBodyBytes() + " bytes (agent.http.max-body); split it"));
    }

    private void unavailable(Context ctx, String why) {
        ctx.header("Retry-After", Long.toString(Math.max(1, settings.retryAfter().toSeconds())))
                .status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", why));
    }

    private void readLines(byte[] body, JsonLineParser parser, String bodyId,
                           List<Handoff.Numbered> events, List<Map<String, Object>> errors, InputMeters meters) {
        int start = 0;
        int line = 1;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                if (firstNonWhitespace(body, start, end) >= 0) {
                    add(parser.attempt(body, start, end - start, LineOrigin.of(bodyId + line)), line, events, errors, meters);
                }
                start = i + 1;
                line++;
            }
        }
    }

    private String readArray(byte[] body, JsonLineParser parser, String bodyId,
                             List<Handoff.Numbered> events, List<Map<String, Object>> errors, InputMeters meters) {
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken(); // START_ARRAY
            int element = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    return "JSON array is not closed";
                }
                element++;
                int start = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                int end = (int) p.currentLocation().getByteOffset();
                if (t != JsonToken.START_OBJECT) {
                    meters.rejectedMalformed().increment();
                    errors.add(error(element, "not a JSON object"));
                    continue;
                }
                add(parser.attempt(body, start, end - start, LineOrigin.of(bodyId + element)), element, events, errors, meters);
            }
            if (p.nextToken() != null) {
                return "unexpected content after the JSON array";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "malformed JSON array: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "unreadable JSON array: " + e.getMessage();
        }
    }

    private void add(JsonLineParser.Attempt a, int line, List<Handoff.Numbered> events, List<Map<String, Object>> errors,
                     InputMeters meters) {
        if (a.error() != null) {
            meters.rejectedMalformed().increment();
            errors.add(error(line, a.error()));
        } else if (!destinations.fits(a.event())) {
            meters.rejectedTooLarge().increment();
            errors.add(error(line, destinations.tooLarge(a.event())));
        } else {
            events.add(new Handoff.Numbered(a.event(), line));
        }
    }

    private static int firstNonWhitespace(byte[] b) {
        return firstNonWhitespace(b, 0, b.length);
    }

    private static int firstNonWhitespace(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                return i;
            }
        }
        return -1;
    }
}
