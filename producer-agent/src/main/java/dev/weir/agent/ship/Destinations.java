package dev.weir.agent.ship;

import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParsedEvent;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The topics raw events go to, and the conversion of a parsed event into an outbound record.
 *
 * @param logs topic of log events, by default {@code weir.raw.logs}
 * @param requests topic of request events, by default {@code weir.raw.requests}
 */
public record Destinations(String logs, String requests) {
    public Destinations {
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(requests, "requests");
    }

    /** @return the topic for events of {@code kind} */
    public String topic(EventKind kind) {
        return kind == EventKind.REQUEST ? requests : logs;
    }

    /** @return the record for {@code event}, keyed by its service */
    public OutboundEvent outbound(ParsedEvent event, Delivery delivery) {
        return new OutboundEvent(topic(event.kind()), event.service().getBytes(StandardCharsets.UTF_8), event.json(), delivery);
    }
}
