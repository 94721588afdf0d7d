package dev.weir.sink.deadletter;

import dev.weir.schemas.DeadLetterHeaders;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes records the sink cannot index to the dead-letter topic: the original key, value and
 * headers, unchanged, plus the {@code weir.dlq.*} headers with {@code stage} {@code sink} or
 * {@code deserialize}. Thread-safe (the Kafka producer is).
 */
public final class DeadLetterPublisher {
    private final Producer<byte[], byte[]> producer;
    private final String topic;

    /**
     * @param producer a durable producer (acks=all, idempotent); owned by the caller
     * @param topic    the dead-letter topic
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
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
     * @return completes when the broker acknowledged the dead-letter record
     */
    public CompletableFuture<RecordMetadata> publish(ConsumerRecord<byte[], byte[]> r, String reason, String stage,
                                                     String detail, Instant time) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            headers.add(h);
        }
        DeadLetterHeaders.write(headers, new DeadLetterHeaders.Values(reason, null, stage, r.topic(), r.partition(),
                r.offset(), detail, time));
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, null, time.toEpochMilli(), r.key(), r.value(), headers), (md, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(md);
            }
        });
        return done;
    }
}
