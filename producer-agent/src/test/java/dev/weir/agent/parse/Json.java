package dev.weir.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads produced events back in tests. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static JsonNode read(ParsedEvent event) {
        try {
            return MAPPER.readTree(event.json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
