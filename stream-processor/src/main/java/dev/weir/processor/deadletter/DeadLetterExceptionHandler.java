package dev.weir.processor.deadletter;

import dev.weir.schemas.DeadLetterHeaders;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record Kafka Streams cannot deserialize (reason {@value DeadLetterCounters#UNDECODABLE},
 * stage {@code deserialize}) or whose processing throws (reason
 * {@value DeadLetterCounters#PROCESSING_ERROR}, stage {@code process}) to the dead-letter topic
 * with its original bytes, and lets the stream continue with the next record. When the dead
 * letter cannot be written the handler answers FAIL: stopping is better than losing the record.
 *
 * <p>Kafka Streams creates the handler by class name; it finds its {@link DeadLetterPublisher}
 * in the Streams properties under {@value #PUBLISHER_CONFIG} (put there by {@code ProcessorApp}).
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Streams property holding the {@link DeadLetterPublisher} instance. */
    public static final String PUBLISHER_CONFIG = "weir.deadletter.publisher";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private DeadLetterPublisher publisher;

    @Override
    public void configure(Map<String, ?> configs) {
        Object p = configs.get(PUBLISHER_CONFIG);
        if (!(p instanceof DeadLetterPublisher publisher)) {
            throw new IllegalStateException("The Streams property " + PUBLISHER_CONFIG + " must hold a DeadLetterPublisher; "
                    + "ProcessorApp sets it, other callers must set it too.");
        }
        this.publisher = publisher;
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        log.warn("Cannot deserialize the record at {}-{}@{}; sending it to the dead-letter topic", record.topic(),
                record.partition(), record.offset(), exception);
        DeadLetterHeaders.Values values = new DeadLetterHeaders.Values(DeadLetterCounters.UNDECODABLE, null,
                DeadLetterCounters.STAGE_DESERIALIZE, record.topic(), record.partition(), record.offset(),
                String.valueOf(exception.getMessage()), publisher.clock().instant());
        return publisher.publish(record.key(), record.value(), record.headers(), values)
                ? DeserializationHandlerResponse.CONTINUE : DeserializationHandlerResponse.FAIL;
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        log.error("Processor {} failed on the record at {}-{}@{}; sending it to the dead-letter topic", context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), exception);
        DeadLetterHeaders.Values values = new DeadLetterHeaders.Values(DeadLetterCounters.PROCESSING_ERROR, null,
                DeadLetterCounters.STAGE_PROCESS, context.topic(), context.partition(), context.offset(),
                "Processor " + context.processorNodeId() + " failed: " + exception, publisher.clock().instant());
        return publisher.publish(context.sourceRawKey(), context.sourceRawValue(), context.headers(), values)
                ? ProcessingHandlerResponse.CONTINUE : ProcessingHandlerResponse.FAIL;
    }
}
