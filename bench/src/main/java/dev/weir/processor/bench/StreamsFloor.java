package dev.weir.processor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.config.ProcessorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The bare loop's work, consume → Jackson parse → re-serialise → produce from the raw topics to the bare loop's output topic,
 * as a Kafka Streams application with the processor's processing guarantee, stream threads, commit interval and state
 * directory: what Kafka Streams itself costs a pipeline before Weir does anything in it. The goal compares the processor
 * with a plain consumer/producer loop; this run shows how much of the distance is the framework the product is built on
 * (Kafka Streams under exactly_once_v2: the record loop, the transaction per commit, the read_committed fetches) and how
 * much is Weir's own work. No state stores and no internal topics.
 *
 * <p>Timed as a processor run is ({@link ProcessorThroughputBenchmark#eventsPerSecond}): from RUNNING until every raw event
 * was parsed and handed to the sink, leaving out the events done before RUNNING.
 */
final class StreamsFloor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamsFloor() {
    }

    /**
     * @param config the processor's settings of this run: application id, guarantee, stream threads, commit interval and
     *               state directory are taken from it
     * @param output topic the parsed events are written to (the bare loop's)
     * @param total  events in the raw topics
     * @return events per second
     * @throws InterruptedException when interrupted while waiting
     */
    static double run(ProcessorConfig config, String output, long total) throws InterruptedException {
        AtomicLong parsed = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("floor-source"))
                .mapValues(value -> {
                    byte[] out = reserialise(value);
                    parsed.incrementAndGet();
                    return out;
                }, Named.as("floor-parse"))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("floor-sink"));
        Topology topology = builder.build();
        try (KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties())) {
            return ProcessorThroughputBenchmark.eventsPerSecond(() -> start(streams), parsed::get, total,
                    "Kafka Streams floor (" + config.processingGuarantee() + ") parsed");
        }
    }

    private static byte[] reserialise(byte[] value) {
        try {
            return JSON.writeValueAsBytes(JSON.readTree(value));
        } catch (IOException e) {
            throw new UncheckedIOException("A raw benchmark event is not JSON", e);
        }
    }

    /** Starts {@code streams} and returns once it is RUNNING. */
    private static void start(KafkaStreams streams) throws InterruptedException {
        CountDownLatch settled = new CountDownLatch(1);
        AtomicReference<KafkaStreams.State> outcome = new AtomicReference<>();
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR
                    || now == KafkaStreams.State.PENDING_SHUTDOWN || now == KafkaStreams.State.NOT_RUNNING) {
                outcome.compareAndSet(null, now); // the state that ended the wait counts, not one entered after it
                settled.countDown();
            }
        });
        streams.start();
        if (!settled.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Kafka Streams floor was not RUNNING within 2 minutes (state " + streams.state() + ")");
        }
        if (outcome.get() != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("Kafka Streams floor stopped while starting (state " + outcome.get() + ")");
        }
    }
}
