package dev.weir.processor;

import dev.weir.processor.config.ProcessorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@link ProcessorApp} shares with its {@link ProcessorExtension}s: the things only the App
 * constructs.
 *
 * @param config  the processor configuration
 * @param clock   the clock every part uses
 * @param meters  the registry scraped at {@code /metrics}
 * @param streams the Kafka Streams instance, for interactive queries; available once the topology is
 *                built (calling {@code get()} while parts are still being added throws)
 */
public record ProcessorServices(ProcessorConfig config, Clock clock, MeterRegistry meters, Supplier<KafkaStreams> streams) {
    public ProcessorServices {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(streams, "streams");
    }
}
