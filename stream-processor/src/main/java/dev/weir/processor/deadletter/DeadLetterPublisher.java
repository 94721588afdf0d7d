package dev.weir.processor.deadletter;

import dev.weir.common.deadletter.DeadLetter;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.schemas.DeadLetterHeaders;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters outside a topology, for the exception handlers: records Kafka Streams
 * could not deserialize, whose processing threw, or that could not be serialized. Dead letters
 * found by the normaliser do not come here; they go through the topology, inside its transaction.
 *
 * <p>These sends are not part of the Streams transaction: after a crash a record may be
 * dead-lettered twice (at least once). Each dead letter is cut to what the dead-letter topic takes
 * ({@link DeadLetters}). A send that fails all the same never stops the stream: a record the topic
 * refuses is sent again as headers alone (no key, no value, no original headers); if that fails too,
 * or the broker does not acknowledge within 30 s (the producer keeps trying: its delivery timeout is
 * unbounded), it is counted in {@code weir_deadletter_failures_total{stage}} and logged with the source
 * topic, partition and offset.
 *
 * <p>Thread-safe (Kafka producers are).
 */
public final class DeadLetterPublisher {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final DeadLetterCounters counters;
    private final Clock clock;
    private final OutputLimits limits;
    private final DeadLetters letters;

    /**
     * A publisher that assumes Kafka's default record limits.
     *
     * @param producer a producer of the dead-letter cluster; closed by its owner, not here
     * @param topic    the dead-letter topic
     * @param counters dead-letter counters
     * @param clock    for the {@code weir.dlq.time} header
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, DeadLetterCounters counters, Clock clock) {
        this(producer, topic, counters, clock, OutputLimits.defaults(), new DeadLetters());
    }

    /**
     * @param producer a producer of the dead-letter cluster; closed by its owner, not here
     * @param topic    the dead-letter topic
     * @param counters dead-letter counters
     * @param clock    for the {@code weir.dlq.time} header
     * @param limits   the largest record each topic takes, shared with the topology
     * @param letters  builds the dead-letter records
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, DeadLetterCounters counters, Clock clock,
                               OutputLimits limits, DeadLetters letters) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.letters = Objects.requireNonNull(letters, "letters");
    }

    /**
     * Sends one dead letter and waits up to 30 s for the acknowledgement. Never throws for a failed send.
     *
     * @param key      original key bytes, may be {@code null}
     * @param value    original value bytes, may be {@code null}
     * @param original original headers, may be {@code null}
     * @param values   the dead-letter headers to add
     * @return whether the broker acknowledged the dead letter (counted in {@code weir_deadletters_total}); when not, the
     *         failure has been counted and logged
     */
    public boolean publish(byte[] key, byte[] value, Headers original, DeadLetterHeaders.Values values) {
        DeadLetter letter = letters.build(key, value, original, values, limits.of(topic));
        Exception failure = send(letter);
        if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException) {
            limits.refused(topic, DeadLetters.recordBytes(letter.key(), letter.value(), letter.headers()));
            log.warn("The dead-letter topic {} refused the dead letter for {}-{}@{} ({}); sending its headers alone", topic,
                    values.sourceTopic(), values.sourcePartition(), values.sourceOffset(), failure.toString());
            Headers headersOnly = DeadLetterHeaders.write(new RecordHeaders(), values);
            DeadLetterHeaders.put(headersOnly, DeadLetterHeaders.TRUNCATED, "value,key,headers");
            failure = send(new DeadLetter(null, null, headersOnly));
        }
        if (failure == null) {
            counters.counter(values.reason(), values.stage()).increment();
            return true;
        }
        counters.failed(values.stage()).increment();
        log.error("Could not write the dead letter ({}) for {}-{}@{} to {}: {}", values.reason(), values.sourceTopic(),
                values.sourcePartition(), values.sourceOffset(), topic, failure instanceof TimeoutException
                        ? "no acknowledgement within 30 s; the producer keeps trying" : failure.toString());
        return false;
    }

    /** @return null when acknowledged, else the reason */
    private Exception send(DeadLetter letter) {
        try {
            producer.send(new ProducerRecord<>(topic, null, letter.key(), letter.value(), letter.headers())).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException | RuntimeException e) { // send() itself throws for some errors, e.g. a closed producer
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** @return the dead-letter topic */
    String topic() {
        return topic;
    }

    /** @return the limits shared with the topology */
    OutputLimits limits() {
        return limits;
    }

    /** @return the counters */
    DeadLetterCounters counters() {
        return counters;
    }

    /** @return the clock for dead-letter times */
    Clock clock() {
        return clock;
    }
}
