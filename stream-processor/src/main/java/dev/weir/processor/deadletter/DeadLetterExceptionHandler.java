package dev.weir.processor.deadletter;

import dev.weir.common.deadletter.DeadLetters;
import dev.weir.schemas.DeadLetterHeaders;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization, processing and production exception handler: one record never
 * stops the processor.
 * <ul>
 *   <li>A record Kafka Streams cannot deserialize (reason {@value DeadLetterCounters#UNDECODABLE},
 *       stage {@code deserialize}), whose processing throws (reason {@value DeadLetterCounters#PROCESSING_ERROR},
 *       stage {@code process}) or whose output cannot be serialized (reason
 *       {@value DeadLetterCounters#PROCESSING_ERROR}, stage {@code produce}) goes to the dead-letter topic with its
 *       original bytes, through {@link DeadLetterPublisher}, and the stream continues. A dead letter that cannot be
 *       written is counted and logged there; the stream continues all the same.</li>
 *   <li>A record an output topic refuses as too large (the topic's {@code max.message.bytes} was lowered while the
 *       processor ran: the normaliser keeps within the limits it knows) cannot be skipped under exactly-once, since
 *       the failed send dooms the transaction. The handler lowers that topic's {@link OutputLimits} below the
 *       record's size and answers FAIL: the stream thread is replaced, its task processes the records since the last
 *       commit again, and the normaliser now sends that event to the dead-letter topic as {@code too_large}.
 *       Counted in {@code weir_records_refused_total{topic}}.</li>
 *   <li>Any other failed send (not about the record) answers FAIL, and an exception from a send that failed earlier
 *       reaching a processor is not blamed on the record being processed: FAIL too. What happens to the thread then
 *       is the uncaught exception handler's decision ({@code StreamFailures}).</li>
 * </ul>
 *
 * <p>Kafka Streams creates the handler by class name; it finds its {@link DeadLetterPublisher}
 * in the Streams properties under {@value #PUBLISHER_CONFIG} (put there by {@code ProcessorApp}).
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {
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
        publisher.publish(record.key(), record.value(), record.headers(), values);
        return DeserializationHandlerResponse.CONTINUE;
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            // Kafka Streams' own failure (a send that failed earlier, a state store), surfacing while this record was
            // processed: not the record's fault, and the thread cannot go on with its transaction
            log.error("Kafka Streams failed while processor {} handled the record at {}-{}@{}; stopping this stream thread",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(), exception);
            return ProcessingHandlerResponse.FAIL;
        }
        log.error("Processor {} failed on the record at {}-{}@{}; sending it to the dead-letter topic", context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), exception);
        DeadLetterHeaders.Values values = new DeadLetterHeaders.Values(DeadLetterCounters.PROCESSING_ERROR, null,
                DeadLetterCounters.STAGE_PROCESS, context.topic(), context.partition(), context.offset(),
                "Processor " + context.processorNodeId() + " failed: " + exception, publisher.clock().instant());
        publisher.publish(context.sourceRawKey(), context.sourceRawValue(), context.headers(), values);
        return ProcessingHandlerResponse.CONTINUE;
    }

    @Override
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
                                                                           ProducerRecord record, Exception exception,
                                                                           SerializationExceptionOrigin origin) {
        if (context.topic() == null || context.sourceRawValue() == null) {
            publisher.counters().failed(DeadLetterCounters.STAGE_PRODUCE).increment();
            log.error("Cannot serialize the {} of a record for {} written by {} outside any input record; it is left out",
                    origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(), context.processorNodeId(), exception);
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        log.error("Cannot serialize the {} of the record for {} made from {}-{}@{}; sending the input record to the "
                        + "dead-letter topic", origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(), context.topic(),
                context.partition(), context.offset(), exception);
        DeadLetterHeaders.Values values = new DeadLetterHeaders.Values(DeadLetterCounters.PROCESSING_ERROR, null,
                DeadLetterCounters.STAGE_PRODUCE, context.topic(), context.partition(), context.offset(),
                "Serializing the output for " + record.topic() + " failed: " + exception, publisher.clock().instant());
        publisher.publish(context.sourceRawKey(), context.sourceRawValue(), context.headers(), values);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        if (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException) {
            int size = DeadLetters.recordBytes(record.key(), record.value(), record.headers());
            int limit = publisher.limits().refused(record.topic(), size);
            publisher.counters().refused(record.topic()).increment();
            log.error("Topic {} refused a record of {} bytes ({}), written while processing {}-{}@{}; records for it are "
                            + "now kept under {} bytes. This stream thread stops and is replaced, and its task processes "
                            + "the records since its last commit again; events too large for the topic become dead letters.",
                    record.topic(), size, exception.getMessage(), context.topic(), context.partition(), context.offset(), limit);
            return ProductionExceptionHandlerResponse.FAIL;
        }
        log.error("Sending a record to {} failed (while processing {}-{}@{}): {}", record.topic(), context.topic(),
                context.partition(), context.offset(), exception.toString());
        return ProductionExceptionHandlerResponse.FAIL;
    }
}
