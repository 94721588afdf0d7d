package dev.weir.agent.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * Passes JSON objects through unchanged except for the fields the agent adds when they are
 * absent: {@code event.id}, {@code service.name}, {@code service.environment},
 * {@code host.name} and, for file input, {@code log.file.path} and {@code log.offset}. Both
 * ECS spellings count as present: dotted keys ({@code "service.name"}) and nested objects
 * ({@code "service":{"name":…}}).
 *
 * <p>The object is scanned in one pass by {@link FastObjectScan} (Jackson's streaming parser
 * decides whatever that scan leaves, including every malformed line) and the missing fields are
 * spliced in before its closing brace, so the original bytes (key order, number formatting, unknown
 * fields) reach the stream-processor as they were written; validating content is the
 * processor's job. Only a line that is not one well-formed JSON object is turned into a
 * {@code parse_error} event.
 *
 * <p>Thread-safe.
 */
public final class JsonLineParser implements LineParser {
    static final int EVENT_ID = 1;
    static final int SERVICE_NAME = 2;
    static final int SERVICE_ENV = 4;
    static final int HOST_NAME = 8;
    static final int LOG_FILE_PATH = 16;
    static final int LOG_OFFSET = 32;
    private static final byte[] EVENT_ID_KEY = "\"event.id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LOG_OFFSET_KEY = "\"log.offset\":".getBytes(StandardCharsets.US_ASCII);

    private final EventKind kind;
    private final Enrichment enrichment;
    private final Clock clock;
    private final byte[] serviceField;
    private final byte[] environmentField;
    private final byte[] hostField;
    private volatile PathField lastPath;

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
        if (!FastObjectScan.scan(line, offset, length, scan)) {
            scan = new Scan();
            String error = jacksonScan(line, offset, length, scan);
            if (error != null) {
                return Attempt.failed(error);
            }
        }
        int end = offset + length - 1;
        while (line[end] != '}') {
            end--; // trailing whitespace after the closing brace
        }
        return new Attempt(new ParsedEvent(kind, scan.service == null ? enrichment.serviceName() : scan.service,
                splice(line, offset, end, scan, origin)), null);
    }

    /**
     * The reference scan, for what {@link FastObjectScan} leaves to Jackson.
     *
     * @return null when the bytes are one JSON object (its fields are in {@code scan}), else why not
     */
    static String jacksonScan(byte[] line, int offset, int length, Scan scan) {
        try (JsonParser p = EventWriter.JSON.createParser(line, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            scanObject(p, "", 1, scan);
            if (p.nextToken() != null) {
                return "unexpected content after the JSON object";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "unreadable JSON: " + e.getMessage();
        }
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
        int body = closingBrace - offset;
        if ((missing & 63) == 0) {
            return Arrays.copyOfRange(line, offset, closingBrace + 1);
        }
        // One exactly sized array per event: this runs for every line the agent reads.
        byte[] id = (missing & EVENT_ID) != 0 && origin.idPrefix() == null ? idBytes(origin.eventId()) : null;
        byte[] idPrefix = (missing & EVENT_ID) != 0 ? origin.idPrefix() : null;
        byte[] pathField = (missing & LOG_FILE_PATH) != 0 ? pathField(origin.filePath()) : null;
        boolean withOffset = (missing & LOG_OFFSET) != 0;
        // The offset's digits are counted once and written once: the id and log.offset share them.
        int offsetDigits = idPrefix != null || withOffset ? digits(origin.offset()) : 0;
        int count = 0;
        int size = body + 1;
        if (id != null) {
            size += id.length;
            count++;
        } else if (idPrefix != null) {
            size += EVENT_ID_KEY.length + idPrefix.length + 1 + offsetDigits + 1;
            count++;
        }
        if ((missing & SERVICE_NAME) != 0) {
            size += serviceField.length;
            count++;
        }
        if ((missing & SERVICE_ENV) != 0) {
            size += environmentField.length;
            count++;
        }
        if ((missing & HOST_NAME) != 0) {
            size += hostField.length;
            count++;
        }
        if (pathField != null) {
            size += pathField.length;
            count++;
        }
        if (withOffset) {
            size += LOG_OFFSET_KEY.length + offsetDigits;
            count++;
        }
        size += scan.anyField ? count : count - 1; // commas
        byte[] out = new byte[size];
        System.arraycopy(line, offset, out, 0, body);
        int pos = body;
        boolean first = !scan.anyField;
        int offsetAt = -1; // where the offset's digits were written already
        if (id != null) {
            pos = put(out, comma(out, pos, first), id);
            first = false;
        } else if (idPrefix != null) {
            pos = put(out, comma(out, pos, first), EVENT_ID_KEY);
            pos = put(out, pos, idPrefix);
            out[pos++] = '-';
            offsetAt = pos;
            pos = writeLong(out, pos, origin.offset(), offsetDigits);
            out[pos++] = '"';
            first = false;
        }
        if ((missing & SERVICE_NAME) != 0) {
            pos = put(out, comma(out, pos, first), serviceField);
            first = false;
        }
        if ((missing & SERVICE_ENV) != 0) {
            pos = put(out, comma(out, pos, first), environmentField);
            first = false;
        }
        if ((missing & HOST_NAME) != 0) {
            pos = put(out, comma(out, pos, first), hostField);
            first = false;
        }
        if (pathField != null) {
            pos = put(out, comma(out, pos, first), pathField);
            first = false;
        }
        if (withOffset) {
            pos = put(out, comma(out, pos, first), LOG_OFFSET_KEY);
            if (offsetAt >= 0) {
                System.arraycopy(out, offsetAt, out, pos, offsetDigits);
                pos += offsetDigits;
            } else {
                pos = writeLong(out, pos, origin.offset(), offsetDigits);
            }
        }
        out[pos] = '}';
        return out;
    }

    /** The {@code log.file.path} field of the last path seen: lines come in runs from one file. */
    private byte[] pathField(String path) {
        PathField cached = lastPath;
        if (cached == null || !cached.path.equals(path)) {
            cached = new PathField(path, field("log.file.path", path));
            lastPath = cached;
        }
        return cached.field;
    }

    private record PathField(String path, byte[] field) { }

    /** @return the whole {@code "event.id":"…"} field */
    private static byte[] idBytes(String id) {
        int n = id.length();
        byte[] out = new byte[EVENT_ID_KEY.length + n + 1];
        System.arraycopy(EVENT_ID_KEY, 0, out, 0, EVENT_ID_KEY.length);
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return field("event.id", id); // not the agent's own ids: let Jackson quote it
            }
            out[EVENT_ID_KEY.length + i] = (byte) c;
        }
        out[out.length - 1] = '"';
        return out;
    }

    private static int comma(byte[] out, int pos, boolean first) {
        if (!first) {
            out[pos++] = ',';
        }
        return pos;
    }

    private static int put(byte[] out, int pos, byte[] bytes) {
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
    }

    /** @return the number of characters of {@code v} in decimal, with its sign */
    private static int digits(long v) {
        if (v < 0) {
            return Long.toString(v).length();
        }
        // Comparisons, not divisions: this runs for every file line.
        long bound = 10;
        for (int n = 1; n < 19; n++) {
            if (v < bound) {
                return n;
            }
            bound *= 10;
        }
        return 19;
    }

    /** Writes {@code v}, which has {@code digits} characters ({@link #digits}), at {@code pos}; returns the position after it. */
    private static int writeLong(byte[] out, int pos, long v, int digits) {
        if (v < 0) {
            return put(out, pos, Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        }
        int end = pos + digits;
        int i = end;
        while (v >= 100) { // two digits per division
            long q = v / 100;
            int r = (int) (v - q * 100);
            out[--i] = DIGIT_PAIRS[2 * r + 1];
            out[--i] = DIGIT_PAIRS[2 * r];
            v = q;
        }
        if (v >= 10) {
            out[--i] = DIGIT_PAIRS[2 * (int) v + 1];
            out[--i] = DIGIT_PAIRS[2 * (int) v];
        } else {
            out[--i] = (byte) ('0' + v);
        }
        return end;
    }

    /** "00", "01", … "99" back to back. */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
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
                    scan.present(name);
                    p.skipChildren();
                }
            } else if (value == JsonToken.START_ARRAY) {
                scan.present(name);
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
    static final class Scan {
        int found;
        boolean anyField;
        String service;

        /**
         * A field the agent adds is there, but holds an object or an array: the agent adds none of its own (the
         * processor judges the event as it came), and the service is the configured one.
         */
        void present(String name) {
            switch (name) {
                case "event.id" -> found |= EVENT_ID;
                case "service.name" -> found |= SERVICE_NAME;
                case "service.environment" -> found |= SERVICE_ENV;
                case "host.name" -> found |= HOST_NAME;
                case "log.file.path" -> found |= LOG_FILE_PATH;
                case "log.offset" -> found |= LOG_OFFSET;
                default -> { }
            }
        }

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
