package dev.weir.processor;

import org.apache.kafka.streams.StreamsBuilder;

/**
 * A piece of the processor's one Kafka Streams application that works on the clean events
 * (measures, rules). {@link ProcessorTopology} builds a single {@link StreamsBuilder}, adds the
 * normaliser, and lets every part add its processors, stores and sinks after it, fed by the
 * normaliser's {@link CleanStreams}; so all parts share one application id, one transaction per
 * commit, one set of stream threads, and the raw topics' tasks.
 *
 * <p>Parts must name every processor, store and repartition topic they add (see STYLE.md), with
 * names unique across parts: prefix them with the part's concept ({@code normalize-…},
 * {@code latency-…}).
 */
public interface TopologyPart {
    /**
     * Adds this part to the processor's builder, reading the events the normaliser hands on.
     *
     * @param builder the application's builder; parts are added in a fixed order
     * @param events  the clean events, already in the tasks that own their services
     */
    void addTo(StreamsBuilder builder, CleanStreams events);

}
