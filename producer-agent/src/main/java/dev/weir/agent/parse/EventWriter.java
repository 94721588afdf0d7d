package dev.weir.agent.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Builds one flat ECS event (dotted keys) with Jackson's streaming generator. Not
 * thread-safe; create one per event.
 */
final class EventWriter {
    static final JsonFactory JSON = new JsonFactory();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    private final JsonGenerator gen;

    EventWriter() {
        try {
            gen = JSON.createGenerator(out);
            gen.writeStartObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    EventWriter string(String key, String value) {
        if (value == null) {
            return this;
        }
        try {
            gen.writeStringField(key, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    EventWriter number(String key, long value) {
        try {
            gen.writeNumberField(key, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    EventWriter timestamp(Instant at) {
        return string("@timestamp", at.toString());
    }

    EventWriter tags(List<String> tags) {
        if (tags.isEmpty()) {
            return this;
        }
        try {
            gen.writeArrayFieldStart("tags");
            for (String t : tags) {
                gen.writeString(t);
            }
            gen.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Adds id, service, environment, host and file position, then closes the object. */
    byte[] finish(Enrichment enrichment, LineOrigin origin) {
        string("event.id", origin.eventId());
        string("service.name", enrichment.serviceName());
        string("service.environment", enrichment.environment());
        string("host.name", enrichment.hostName());
        if (origin.filePath() != null) {
            string("log.file.path", origin.filePath());
            number("log.offset", origin.offset());
        }
        try {
            gen.writeEndObject();
            gen.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
