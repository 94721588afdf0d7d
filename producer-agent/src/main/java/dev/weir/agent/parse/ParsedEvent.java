package dev.weir.agent.parse;

import java.util.Objects;

/**
 * One event ready to be shipped: its kind (which topic), the service it belongs to (the
 * Kafka record key) and its ECS-shaped JSON object as UTF-8 bytes.
 *
 * @param kind log or request event
 * @param service the record key; never null
 * @param json one JSON object, UTF-8
 */
public record ParsedEvent(EventKind kind, String service, byte[] json) {
    public ParsedEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(json, "json");
    }
}
