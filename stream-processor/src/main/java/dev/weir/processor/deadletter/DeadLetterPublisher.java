package dev.weir.processor.deadletter;

import dev.weir.schemas.DeadLetterHeaders;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters outside a topology, for the exception handlers: records Kafka Streams
 * could not deserialize or whose processing threw. Dead letters found by the normaliser do not
 * come here; they go through the topology, inside its transaction.
 *
 * <p>These sends are not part of the Streams transaction: after a crash a record may be
 * dead-lettered twice (at least once), never lost, because {@link #publish} waits for the
 * broker's acknowledgement and reports failure to the handler, which then stops the thread.
 *
 * <p>Thread-safe (Kafka producers are).
 */
public final class DeadLetterPublisher {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final DeadLetterCounters counters;
    private final Clock clock;

    /**
     * @param producer a producer of the dead-letter cluster; closed by its owner, not here
     * @param topic    the dead-letter topic
     * @param counters dead-letter counters
     * @param clock    for the {@code weir.dlq.time} header
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, DeadLetterCounters counters, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends one dead letter and waits for the acknowledgement.
     *
     * @param key      original key bytes, may be {@code null}
     * @param value    original value bytes, may be {@code null}
     * @param original original headers, may be {@code null}
     * @param values   the dead-letter headers to add
     * @return whether the broker acknowledged the record
     */
    public boolean publish(byte[] key, byte[] value, Headers original, DeadLetterHeaders.Values values) {
        Headers headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!h.key().startsWith("weir.dlq.")) {
                    headers.add(h);
                }
            }
        }
        DeadLetterHeaders.write(headers, values);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
            counters.counter(values.reason(), values.stage()).increment();
            return true;
        } catch (ExecutionException | TimeoutException e) {
            log.error("Could not write a dead letter for {}-{}@{} to {}", values.sourceTopic(), values.sourcePartition(),
                    values.sourceOffset(), topic, e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the clock for dead-letter times */
    Clock clock() {
        return clock;
    }
}
