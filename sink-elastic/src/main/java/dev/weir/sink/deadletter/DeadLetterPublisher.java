package dev.weir.sink.deadletter;

import dev.weir.common.deadletter.DeadLetter;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.kafka.RecordLimits;
import dev.weir.schemas.DeadLetterHeaders;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes records the sink cannot index to the dead-letter topic: the original key, value and
 * headers, plus the {@code weir.dlq.*} headers with {@code stage} {@code sink} or
 * {@code deserialize}, cut to what the topic takes ({@link DeadLetters}). A dead letter the topic
 * refuses for its size all the same (its limit was lowered while the sink ran) is sent again as
 * headers alone. Thread-safe (the Kafka producer is).
 */
public final class DeadLetterPublisher {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final int maxRecordBytes;
    private final DeadLetters letters;

    /**
     * A publisher that assumes Kafka's default record limits.
     *
     * @param producer a durable producer (acks=all, idempotent); owned by the caller
     * @param topic    the dead-letter topic
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic) {
        this(producer, topic, RecordLimits.maxRecordBytes(RecordLimits.DEFAULT_MAX_REQUEST_SIZE,
                RecordLimits.DEFAULT_MAX_MESSAGE_BYTES), new DeadLetters());
    }

    /**
     * @param producer       a durable producer (acks=all, idempotent); owned by the caller
     * @param topic          the dead-letter topic
     * @param maxRecordBytes the largest record the producer and the topic take ({@link RecordLimits})
     * @param letters        builds the dead-letter records
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, int maxRecordBytes, DeadLetters letters) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.maxRecordBytes = maxRecordBytes;
        this.letters = Objects.requireNonNull(letters, "letters");
    }

    /** @return the dead-letter topic */
    public String topic() {
        return topic;
    }

    /**
     * @param r      the rejected record
     * @param reason reason code
     * @param stage  {@code sink} or {@code deserialize}
     * @param detail a sentence for humans
     * @param time   when it was rejected
     * @return completes when the broker acknowledged the dead-letter record; fails when it refused it (the producer
     *         retries everything else without end)
     */
    public CompletableFuture<RecordMetadata> publish(ConsumerRecord<byte[], byte[]> r, String reason, String stage,
                                                     String detail, Instant time) {
        DeadLetterHeaders.Values values = new DeadLetterHeaders.Values(reason, null, stage, r.topic(), r.partition(),
                r.offset(), detail, time);
        DeadLetter letter = letters.build(r.key(), r.value(), r.headers(), values, maxRecordBytes);
        return send(letter, time).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException) {
                RecordHeaders headersOnly = new RecordHeaders();
                DeadLetterHeaders.write(headersOnly, values);
                DeadLetterHeaders.put(headersOnly, DeadLetterHeaders.TRUNCATED, "value,key,headers");
                return send(new DeadLetter(null, null, headersOnly), time);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<RecordMetadata> send(DeadLetter letter, Instant time) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, time.toEpochMilli(), letter.key(), letter.value(), letter.headers()),
                    (md, e) -> {
                        if (e != null) {
                            done.completeExceptionally(e);
                        } else {
                            done.complete(md);
                        }
                    });
        } catch (RuntimeException e) { // send() itself throws for some errors, e.g. a closed producer
            done.completeExceptionally(e);
        }
        return done;
    }
}
