package dev.weir.agent.ship;

import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The topics raw events go to, the largest event they take, and the conversion of a parsed event into
 * an outbound record.
 *
 * @param logs topic of log events, by default {@code weir.raw.logs}
 * @param requests topic of request events, by default {@code weir.raw.requests}
 * @param maxEventBytes the largest event sent, in bytes ({@code max-event-size}); the stream-processor's
 *                      {@code limits.max-event-size} must not be smaller, or it dead-letters what the agent sent
 */
public record Destinations(String logs, String requests, int maxEventBytes) {
    public Destinations {
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(requests, "requests");
        if (maxEventBytes < 1024) {
            throw new IllegalArgumentException("Invalid value " + maxEventBytes + " for maxEventBytes: must be at least 1024");
        }
    }

    /**
     * Events up to {@link Topics#RAW_EVENT_MAX_BYTES}, the processor's default limit.
     *
     * @param logs topic of log events
     * @param requests topic of request events
     */
    public Destinations(String logs, String requests) {
        this(logs, requests, Topics.RAW_EVENT_MAX_BYTES);
    }

    /** @return whether the event is small enough to send */
    public boolean fits(ParsedEvent event) {
        return event.json().length <= maxEventBytes;
    }

    /** @return why the event is not sent: its size and the limit */
    public String tooLarge(ParsedEvent event) {
        return "event of " + event.json().length + " bytes is larger than agent.max-event-size (" + maxEventBytes
                + " bytes, which the stream-processor's limits.max-event-size must allow too); split it";
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
