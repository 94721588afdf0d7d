package dev.weir.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The per-input counters of {@code /metrics}: {@code weir_agent_events_read_total},
 * {@code weir_agent_events_sent_total} (acknowledged by the broker),
 * {@code weir_agent_events_failed_total} (rejected by the broker for good, or refused because the
 * buffer was full), each tagged {@code input}, and {@code weir_agent_events_rejected_total}
 * ({@code input}, {@code reason}: {@code malformed} or {@code too_large}) for what the HTTP intake
 * refused and named in its answer.
 *
 * @param read events read from the input
 * @param sent events the broker acknowledged
 * @param failed events that will not be delivered
 * @param rejectedMalformed HTTP lines that are not one JSON object
 * @param rejectedTooLarge HTTP lines whose event is larger than {@code agent.max-event-size}
 */
public record InputMeters(Counter read, Counter sent, Counter failed, Counter rejectedMalformed, Counter rejectedTooLarge) {
    /** @return the counters of the input named {@code input}, registered in {@code registry} */
    public static InputMeters of(MeterRegistry registry, String input) {
        return new InputMeters(
                Counter.builder("weir.agent.events.read").tag("input", input).description("Events read from the input").register(registry),
                Counter.builder("weir.agent.events.sent").tag("input", input).description("Events acknowledged by the broker").register(registry),
                Counter.builder("weir.agent.events.failed").tag("input", input).description("Events that will not be delivered").register(registry),
                rejected(registry, input, "malformed"), rejected(registry, input, "too_large"));
    }

    private static Counter rejected(MeterRegistry registry, String input, String reason) {
        return Counter.builder("weir.agent.events.rejected").tag("input", input).tag("reason", reason)
                .description("Lines the HTTP intake refused, with the line and reason in its answer").register(registry);
    }
}
