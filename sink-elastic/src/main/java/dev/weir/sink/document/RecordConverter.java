package dev.weir.sink.document;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.AvroSerde;
import dev.weir.schemas.serde.WeirSerdes;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns a consumed record of one of the sink's topics into the document to create. Thread-safe.
 */
public final class RecordConverter {
    private final EcsDocuments ecs;
    private final DeadLetterDocuments deadLetters;
    private final EcsTranscoder transcoder;
    private final AvroSerde<LogEvent> logs = WeirSerdes.logEvent();
    private final AvroSerde<RequestEvent> requests = WeirSerdes.requestEvent();
    private final AvroSerde<AlertEvent> alerts = WeirSerdes.alertEvent();

    /**
     * @param ecs         builds the documents of events and alerts
     * @param deadLetters builds the documents of dead letters
     */
    public RecordConverter(EcsDocuments ecs, DeadLetterDocuments deadLetters) {
        this.ecs = Objects.requireNonNull(ecs, "ecs");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.transcoder = new EcsTranscoder(ecs.streams());
    }

    /**
     * @param r a record of {@code weir.logs}, {@code weir.requests}, {@code weir.alerts} or {@code weir.deadletter}
     * @return its document, or {@code null} for a tombstone (nothing to index)
     * @throws UndecodableRecordException when the value cannot be read; the record belongs in the dead letters
     */
    public IndexDoc convert(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return switch (r.topic()) {
                // The transcoder writes current-schema records straight from their bytes; it returns null
                // for anything else (older writer schemas, malformed bodies), which the decoder then reads
                // or rejects with a reason.
                case Topics.LOGS -> {
                    IndexDoc doc = transcoder.log(r.value());
                    yield doc != null ? doc : ecs.log(logs.deserialize(r.topic(), r.value()));
                }
                case Topics.REQUESTS -> {
                    IndexDoc doc = transcoder.request(r.value());
                    yield doc != null ? doc : ecs.request(requests.deserialize(r.topic(), r.value()));
                }
                case Topics.ALERTS -> ecs.alert(alerts.deserialize(r.topic(), r.value()));
                case Topics.DEADLETTER -> deadLetters.fromTopic(r);
                default -> throw new IllegalArgumentException("The sink does not index topic " + r.topic());
            };
        } catch (SerializationException | org.apache.avro.AvroRuntimeException | NullPointerException e) {
            // NullPointerException: a required field decoded as null cannot happen with a valid writer schema,
            // but a corrupt body must still end up in the dead letters rather than stop the sink.
            throw new UndecodableRecordException(e.getClass().getName(), e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /** The record's value is not a readable event. */
    public static final class UndecodableRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String errorType;

        UndecodableRecordException(String errorType, String message, Throwable cause) {
            super(message, cause);
            this.errorType = errorType;
        }

        /** @return the class name of the underlying failure */
        public String errorType() {
            return errorType;
        }
    }
}
