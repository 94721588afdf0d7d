package dev.weir.processor;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.util.Objects;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The normalised events as the measures and rules read them, inside the one Streams application:
 * key = service, record time = event time, and every event of a service in the task that owns
 * the service, so that per-service state needs no repartition.
 *
 * <p>In the processor they come straight from the normaliser in the raw topics' tasks
 * ({@code NormalizeTopology#addTo(StreamsBuilder, int)}); a part added on its own (a
 * {@code TopologyTestDriver} test) reads them from {@code weir.requests} and {@code weir.logs}.
 *
 * @param requests request events
 * @param logs     log events
 */
public record CleanStreams(KStream<String, RequestEvent> requests, KStream<String, LogEvent> logs) {
    /** Checks both are present. */
    public CleanStreams {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(logs, "logs");
    }
}
