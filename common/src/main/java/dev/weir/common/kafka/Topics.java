package dev.weir.common.kafka;

import java.util.List;

/**
 * Every Kafka topic Weir reads or writes, defined once. Values and keys are described in
 * {@code schemas/README.md}.
 */
public final class Topics {
    /** Raw JSON log events from agents; key = service name. */
    public static final String RAW_LOGS = "weir.raw.logs";
    /** Raw JSON request events from agents; key = service name. */
    public static final String RAW_REQUESTS = "weir.raw.requests";
    /** Clean, redacted Avro LogEvent; key = service name. */
    public static final String LOGS = "weir.logs";
    /** Clean, redacted Avro RequestEvent; key = service name. */
    public static final String REQUESTS = "weir.requests";
    /** Rejected input: original bytes plus {@code weir.dlq.*} reason headers. */
    public static final String DEADLETTER = "weir.deadletter";
    /** Avro ErrorRateWindow per closed window. */
    public static final String STATS_ERRORS = "weir.stats.errors";
    /** Avro LatencyWindow per closed window. */
    public static final String STATS_LATENCY = "weir.stats.latency";
    /** Avro LoginBurstWindow per detection. */
    public static final String STATS_LOGINS = "weir.stats.logins";
    /** Avro AlertEvent; key = alert fingerprint. */
    public static final String ALERTS = "weir.alerts";
    /** Compacted: the rule set, key = rule file name. */
    public static final String RULES = "weir.rules";
    /**
     * Compacted: the probe definitions, key = probe name, value = the probe's YAML. Partitioned like
     * event topics: agents share its partitions in one consumer group, so each probe runs on one agent.
     */
    public static final String PROBES = "weir.probes";
    /** Compacted: alert-emitter's notification log, key = receiver/group/state. */
    public static final String NOTIFICATIONS = "weir.notifications";
    /** Compacted: alert-emitter's silences, key = silence id. */
    public static final String SILENCES = "weir.silences";
    /** Compacted: alert-emitter's acknowledgements, key = alert fingerprint and firing start. */
    public static final String ACKS = "weir.acks";

    /**
     * The largest raw event (a value of {@link #RAW_LOGS} or {@link #RAW_REQUESTS}), in bytes, by default: the
     * stream-processor dead-letters larger ones as {@code too_large} (its {@code limits.max-event-size}) and the agent
     * refuses to send them (its {@code max-event-size}). One default for both, so that what the agent accepts the
     * processor takes; change both together. 1 MiB.
     */
    public static final int RAW_EVENT_MAX_BYTES = 1024 * 1024;

    /** Topics that {@code weir up} and the tests create up front, with their partition counts. */
    public static final List<String> ALL = List.of(RAW_LOGS, RAW_REQUESTS, LOGS, REQUESTS, DEADLETTER,
            STATS_ERRORS, STATS_LATENCY, STATS_LOGINS, ALERTS, RULES, PROBES, NOTIFICATIONS, SILENCES, ACKS);

    /** Topics whose records are state, not events: compacted, never deleted by age. */
    public static final List<String> COMPACTED = List.of(RULES, PROBES, NOTIFICATIONS, SILENCES, ACKS);

    /** Compacted topics that still get the event topics' partition count: their work is shared by partition. */
    public static final List<String> PARTITIONED_STATE = List.of(PROBES);

    private Topics() {}
}
