package dev.weir.agent.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

/**
 * Passes JSON objects through unchanged except for the fields the agent adds when they are
 * absent: {@code event.id}, {@code service.name}, {@code service.environment},
 * {@code host.name} and, for file input, {@code log.file.path} and {@code log.offset}. Both
 * ECS spellings count as present: dotted keys ({@code "service.name"}) and nested objects
 * ({@code "service":{"name":…}}).
 *
 * <p>The object is scanned with Jackson's streaming parser and the missing fields are spliced
 * in before its closing brace, so the original bytes (key order, number formatting, unknown
 * fields) reach the stream-processor as they were written; validating content is the
 * processor's job. Only a line that is not one well-formed JSON object is turned into a
 * {@code parse_error} event.
 *
 * <p>Thread-safe.
 */
public final class JsonLineParser implements LineParser {
    private static final int EVENT_ID = 1;
    private static final int SERVICE_NAME = 2;
    private static final int SERVICE_ENV = 4;
    private static final int HOST_NAME = 8;
    private static final int LOG_FILE_PATH = 16;
    private static final int LOG_OFFSET = 32;

    private final EventKind kind;
    private final Enrichment enrichment;
    private final Clock clock;
    private final byte[] serviceField;
    private final byte[] environmentField;
    private final byte[] hostField;

    /**
     * @param kind the kind of every event read by this parser (the input's {@code events} setting)
     * @param enrichment fields added when absent
     * @param clock the time of reading, for parse-error events
     */
    public JsonLineParser(EventKind kind, Enrichment enrichment, Clock clock) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serviceField = field("service.name", enrichment.serviceName());
        this.environmentField = enrichment.environment() == null ? null : field("service.environment", enrichment.environment());
        this.hostField = field("host.name", enrichment.hostName());
    }

    @Override
    public ParsedEvent parse(byte[] line, int offset, int length, LineOrigin origin) {
        Attempt a = attempt(line, offset, length, origin);
        return a.event() != null ? a.event() : ParseErrors.event(line, offset, length, a.error(), enrichment, origin, clock);
    }

    /**
     * Parses without turning failures into events; for HTTP intake, which rejects what is not JSON.
     *
     * @return the enriched event, or the reason the bytes are not one JSON object
     */
    public Attempt attempt(byte[] line, int offset, int length, LineOrigin origin) {
        Scan scan = new Scan();
        try (JsonParser p = EventWriter.JSON.createParser(line, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Attempt.failed("not a JSON object");
            }
            scanObject(p, "", 1, scan);
            if (p.nextToken() != null) {
                return Attempt.failed("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            return Attempt.failed("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return Attempt.failed("unreadable JSON: " + e.getMessage());
        }
        int end = offset + length - 1;
        while (line[end] != '}') {
            end--; // trailing whitespace after the closing brace
        }
        return new Attempt(new ParsedEvent(kind, scan.service == null ? enrichment.serviceName() : scan.service,
                splice(line, offset, end, scan, origin)), null);
    }

    /**
     * The outcome of {@link #attempt}: exactly one of the two is set.
     *
     * @param event the enriched event, or null
     * @param error why the bytes are not a JSON object, or null
     */
    public record Attempt(ParsedEvent event, String error) {
        static Attempt failed(String error) {
            return new Attempt(null, error);
        }
    }

    private byte[] splice(byte[] line, int offset, int closingBrace, Scan scan, LineOrigin origin) {
        int missing = ~scan.found;
        if (origin.filePath() == null) {
            missing &= ~(LOG_FILE_PATH | LOG_OFFSET);
        }
        if (environmentField == null) {
            missing &= ~SERVICE_ENV;
        }
        if ((missing & 63) == 0) {
            byte[] out = new byte[closingBrace + 1 - offset];
            System.arraycopy(line, offset, out, 0, out.length);
            return out;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(closingBrace - offset + 160);
        out.write(line, offset, closingBrace - offset);
        boolean first = !scan.anyField;
        if ((missing & EVENT_ID) != 0) {
            first = append(out, first, field("event.id", origin.eventId()));
        }
        if ((missing & SERVICE_NAME) != 0) {
            first = append(out, first, serviceField);
        }
        if ((missing & SERVICE_ENV) != 0) {
            first = append(out, first, environmentField);
        }
        if ((missing & HOST_NAME) != 0) {
            first = append(out, first, hostField);
        }
        if ((missing & LOG_FILE_PATH) != 0) {
            first = append(out, first, field("log.file.path", origin.filePath()));
        }
        if ((missing & LOG_OFFSET) != 0) {
            append(out, first, ("\"log.offset\":" + origin.offset()).getBytes(StandardCharsets.US_ASCII));
        }
        out.write('}');
        return out.toByteArray();
    }

    private static boolean append(ByteArrayOutputStream out, boolean first, byte[] field) {
        if (!first) {
            out.write(',');
        }
        out.write(field, 0, field.length);
        return false;
    }

    private static byte[] field(String key, String value) {
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        byte[] k = ("\"" + key + "\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[k.length + quoted.length + 1];
        System.arraycopy(k, 0, out, 0, k.length);
        System.arraycopy(quoted, 0, out, k.length, quoted.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static void scanObject(JsonParser p, String prefix, int depth, Scan scan) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            if (depth == 1) {
                scan.anyField = true;
            }
            String name = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                if (depth < 3 && isPrefix(name)) {
                    scanObject(p, name, depth + 1, scan);
                } else {
                    p.skipChildren();
                }
            } else if (value == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (value != JsonToken.VALUE_NULL) {
                scan.mark(name, p);
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unbalanced object at " + t);
        }
    }

    private static boolean isPrefix(String name) {
        return switch (name) {
            case "event", "service", "host", "log", "log.file" -> true;
            default -> false;
        };
    }

    /** What the scan of one object found. */
    private static final class Scan {
        int found;
        boolean anyField;
        String service;

        void mark(String name, JsonParser p) throws IOException {
            switch (name) {
                case "event.id" -> found |= EVENT_ID;
                case "service.name" -> {
                    found |= SERVICE_NAME;
                    String s = p.getValueAsString();
                    if (s != null && !s.isBlank()) {
                        service = s;
                    }
                }
                case "service.environment" -> found |= SERVICE_ENV;
                case "host.name" -> found |= HOST_NAME;
                case "log.file.path" -> found |= LOG_FILE_PATH;
                case "log.offset" -> found |= LOG_OFFSET;
                default -> { }
            }
        }
    }
}
