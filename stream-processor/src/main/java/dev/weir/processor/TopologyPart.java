package dev.weir.processor;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * A piece of the processor's one Kafka Streams application. {@code ProcessorApp} builds a single
 * {@link StreamsBuilder} and lets every part add its sources, processors, stores and sinks, so all
 * parts share one application id, one transaction per commit and one set of stream threads.
 *
 * <p>Parts must name every processor, store and repartition topic they add (see STYLE.md), with
 * names unique across parts: prefix them with the part's concept ({@code normalize-…},
 * {@code latency-…}).
 */
@FunctionalInterface
public interface TopologyPart {
    /**
     * Adds this part to the builder.
     *
     * @param builder the application's builder; parts are added in a fixed order
     */
    void addTo(StreamsBuilder builder);

    /** @return this part alone as a topology, e.g. for {@code TopologyTestDriver} */
    default Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder);
        return builder.build();
    }
}
