package dev.weir.logback;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Adds {@code service.name}, {@code service.environment}, {@code host.name} and {@code event.id}
 * (dotted keys) before the closing brace of an encoded JSON object when the object has none of
 * its own, dotted ({@code "service.name"}) or nested ({@code "service":{"name":…}}); the
 * encoder's bytes are otherwise kept as they are.
 *
 * <p>Not thread-safe: one instance belongs to the appender's sender thread.
 */
final class EventEnricher {
    private static final JsonFactory JSON = new JsonFactory();

    private final byte[] service;
    private final byte[] environment;
    private final byte[] host;

    /**
     * @param service value of {@code service.name}; not null
     * @param environment value of {@code service.environment}; null to add none
     * @param host value of {@code host.name}; not null
     */
    EventEnricher(String service, String environment, String host) {
        this.service = field("service.name", Objects.requireNonNull(service, "service"));
        this.environment = environment == null ? null : field("service.environment", environment);
        this.host = field("host.name", Objects.requireNonNull(host, "host"));
    }

    private static byte[] field(String name, String value) {
        return ("\"" + name + "\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param encoded one JSON object as the encoder wrote it, possibly followed by a line separator
     * @param eventId the id to add when the object has no {@code event.id}
     * @return the object with the missing fields added and without trailing whitespace; the
     *     trimmed input unchanged when it is not a JSON object
     */
    byte[] enrich(byte[] encoded, String eventId) {
        int end = encoded.length;
        while (end > 0 && isWhitespace(encoded[end - 1])) {
            end--;
        }
        Present present = scan(encoded, end);
        if (present == null) {
            return end == encoded.length ? encoded : Arrays.copyOf(encoded, end);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + 160);
        out.write(encoded, 0, end - 1); // everything before the closing brace
        boolean comma = !present.empty;
        if (!present.serviceName) {
            comma = append(out, service, comma);
        }
        if (!present.environment && environment != null) {
            comma = append(out, environment, comma);
        }
        if (!present.hostName) {
            comma = append(out, host, comma);
        }
        if (!present.eventId) {
            append(out, field("event.id", eventId), comma);
        }
        out.write('}');
        return out.toByteArray();
    }

    private static boolean append(ByteArrayOutputStream out, byte[] field, boolean comma) {
        if (comma) {
            out.write(',');
        }
        out.writeBytes(field);
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == '\n' || b == '\r' || b == ' ' || b == '\t';
    }

    /** Which of the added fields the object already has; {@code empty} when it has no field at all. */
    private static final class Present {
        boolean empty = true;
        boolean serviceName;
        boolean environment;
        boolean hostName;
        boolean eventId;
    }

    /** @return what the object carries, or null when the bytes are not exactly one JSON object */
    private static Present scan(byte[] bytes, int length) {
        if (length < 2 || bytes[length - 1] != '}') {
            return null;
        }
        try (JsonParser p = JSON.createParser(bytes, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Present present = new Present();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                present.empty = false;
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "service.name" -> present.serviceName = true;
                    case "service.environment" -> present.environment = true;
                    case "host.name" -> present.hostName = true;
                    case "event.id" -> present.eventId = true;
                    case "service", "host", "event" -> {
                        if (value == JsonToken.START_OBJECT) {
                            nested(p, name, present);
                            continue;
                        }
                    }
                    default -> { }
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return present;
        } catch (IOException e) {
            return null;
        }
    }

    private static void nested(JsonParser p, String parent, Present present) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (parent + "." + name) {
                case "service.name" -> present.serviceName = true;
                case "service.environment" -> present.environment = true;
                case "host.name" -> present.hostName = true;
                case "event.id" -> present.eventId = true;
                default -> { }
            }
            p.skipChildren();
        }
    }
}
