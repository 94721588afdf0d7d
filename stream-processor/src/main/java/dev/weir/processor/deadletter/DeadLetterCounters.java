package dev.weir.processor.deadletter;

import dev.weir.schemas.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * {@code weir_deadletters_total{reason, stage}}: records sent to the dead-letter topic. The
 * counters of every {@link DeadLetterReason} at stage {@code normalize} and of the exception
 * handler reasons exist from the start, at 0, so a dashboard shows them before the first one.
 * Also {@code weir_deadletter_failures_total{stage}} (dead letters that could not be written) and
 * {@code weir_records_refused_total{topic}} (records an output topic refused).
 *
 * <p>Thread-safe.
 */
public final class DeadLetterCounters {
    /** Counter name; Prometheus shows it as {@code weir_deadletters_total}. */
    public static final String METER = "weir.deadletters";
    /** Stage of records rejected by the normaliser. */
    public static final String STAGE_NORMALIZE = "normalize";
    /** Stage of records a deserializer could not read. */
    public static final String STAGE_DESERIALIZE = "deserialize";
    /** Stage of records whose processing threw. */
    public static final String STAGE_PROCESS = "process";
    /** Stage of records whose output could not be serialized. */
    public static final String STAGE_PRODUCE = "produce";
    /** Counter name of dead letters that could not be written; Prometheus shows {@code weir_deadletter_failures_total}. */
    public static final String FAILURES_METER = "weir.deadletter.failures";
    /** Counter name of records an output topic refused; Prometheus shows {@code weir_records_refused_total}. */
    public static final String REFUSED_METER = "weir.records.refused";
    /** Reason of records a deserializer could not read (not a {@link DeadLetterReason}: readers accept unknown codes). */
    public static final String UNDECODABLE = "undecodable";
    /** Reason of records whose processing threw an unexpected exception (a bug). */
    public static final String PROCESSING_ERROR = "processing_error";

    private final MeterRegistry registry;

    /** @param registry where the counters live */
    public DeadLetterCounters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (DeadLetterReason r : DeadLetterReason.values()) {
            counter(r.code(), STAGE_NORMALIZE);
        }
        counter(PROCESSING_ERROR, STAGE_NORMALIZE);
        counter(UNDECODABLE, STAGE_DESERIALIZE);
        counter(PROCESSING_ERROR, STAGE_PROCESS);
        counter(PROCESSING_ERROR, STAGE_PRODUCE);
        for (String stage : new String[] {STAGE_NORMALIZE, STAGE_DESERIALIZE, STAGE_PROCESS, STAGE_PRODUCE}) {
            failed(stage);
        }
    }

    /**
     * @param reason reason code
     * @param stage  stage name
     * @return the counter (created on first use)
     */
    public Counter counter(String reason, String stage) {
        return Counter.builder(METER).description("Records sent to the dead-letter topic, per reason and stage")
                .tag("reason", reason).tag("stage", stage).register(registry);
    }

    /**
     * @param stage the stage whose dead letter could not be written
     * @return {@code weir_deadletter_failures_total{stage}}
     */
    public Counter failed(String stage) {
        return Counter.builder(FAILURES_METER).description("Dead letters that could not be written to the dead-letter topic")
                .tag("stage", stage).register(registry);
    }

    /**
     * @param topic an output topic
     * @return {@code weir_records_refused_total{topic}}: records the topic refused (too large), each making the
     *         processor judge its source record again
     */
    public Counter refused(String topic) {
        return Counter.builder(REFUSED_METER).description("Records an output topic refused, per topic")
                .tag("topic", topic).register(registry);
    }
}
