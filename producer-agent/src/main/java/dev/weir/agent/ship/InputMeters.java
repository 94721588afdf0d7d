package dev.weir.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-input counters of {@code /metrics}: {@code weir_agent_events_read_total},
 * {@code weir_agent_events_sent_total} (acknowledged by the broker) and
 * {@code weir_agent_events_failed_total} (rejected by the broker for good, or refused because the
 * buffer was full), each tagged {@code input}.
 *
 * @param read events read from the input
 * @param sent events the broker acknowledged
 * @param failed events that will not be delivered
 */
public record InputMeters(Counter read, Counter sent, Counter failed) {
    /** @return the counters of the input named {@code input}, registered in {@code registry} */
    public static InputMeters of(MeterRegistry registry, String input) {
        return new InputMeters(
                Counter.builder("weir.agent.events.read").tag("input", input).description("Events read from the input").register(registry),
                Counter.builder("weir.agent.events.sent").tag("input", input).description("Events acknowledged by the broker").register(registry),
                Counter.builder("weir.agent.events.failed").tag("input", input).description("Events that will not be delivered").register(registry));
    }
}
