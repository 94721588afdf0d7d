package dev.weir.agent.ship;

import java.util.Objects;

/**
 * One record on its way to Kafka, with whoever waits for its acknowledgement.
 *
 * @param topic e.g. {@code weir.raw.logs}
 * @param key the service name, UTF-8
 * @param value the JSON event, UTF-8
 * @param delivery told when the broker acknowledged
 */
public record OutboundEvent(String topic, byte[] key, byte[] value, Delivery delivery) {
    /** Rough heap cost of one event besides its bytes, used for the buffer bounds. */
    public static final int OVERHEAD_BYTES = 64;

    public OutboundEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(delivery, "delivery");
    }

    /** @return bytes this event counts against buffer bounds */
    public int size() {
        return key.length + value.length + topic.length() + OVERHEAD_BYTES;
    }
}
