package dev.weir.processor;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic the processor reads or writes, with the serdes of its keys and values, defined once: what
 * {@link ProcessorTopology} wires and what its tests pipe into and read from.
 *
 * @param rawLogs     raw JSON log events from agents: key service (UTF-8 bytes, may be absent), value JSON bytes
 * @param rawRequests raw JSON request events: key service, value JSON bytes; an event without a shape of its own is a
 *                    request when it was read here
 * @param logs        clean, redacted log events: key service, value {@link LogEvent}
 * @param requests    clean, redacted request events: key service, value {@link RequestEvent}
 * @param deadLetters rejected input: the original key and value bytes plus the {@code weir.dlq.*} headers
 * @param errors      error-rate windows: key {@code service} or {@code service|route}, value {@link ErrorRateWindow}
 * @param latency     latency windows: key {@code service} or {@code service|route}, value {@link LatencyWindow}
 * @param logins      login-burst detections: key {@code KIND|key}, value {@link LoginBurstWindow}
 * @param rules       compacted rule files: key file name, value the file's YAML text
 * @param alerts      alert state changes: key alert fingerprint, value {@link AlertEvent}
 */
public record ProcessorTopics(Topic<byte[], byte[]> rawLogs, Topic<byte[], byte[]> rawRequests,
                              Topic<String, LogEvent> logs, Topic<String, RequestEvent> requests,
                              Topic<byte[], byte[]> deadLetters, Topic<String, ErrorRateWindow> errors,
                              Topic<String, LatencyWindow> latency, Topic<String, LoginBurstWindow> logins,
                              Topic<String, String> rules, Topic<String, AlertEvent> alerts) {
    /** Checks that every topic is present. */
    public ProcessorTopics {
        Objects.requireNonNull(rawLogs, "rawLogs");
        Objects.requireNonNull(rawRequests, "rawRequests");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(deadLetters, "deadLetters");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(logins, "logins");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(alerts, "alerts");
    }

    /** @return Weir's topics ({@link Topics}) with the {@link WeirSerdes} serdes */
    public static ProcessorTopics weir() {
        return prefixed("");
    }

    /**
     * @param prefix put before every name of {@link #weir()}, e.g. {@code run-7.}, so that runs on one broker share no topic
     * @return Weir's topics under other names
     */
    public static ProcessorTopics prefixed(String prefix) {
        return new ProcessorTopics(
                new Topic<>(prefix + Topics.RAW_LOGS, Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(prefix + Topics.RAW_REQUESTS, Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(prefix + Topics.LOGS, Serdes.String(), WeirSerdes.logEvent()),
                new Topic<>(prefix + Topics.REQUESTS, Serdes.String(), WeirSerdes.requestEvent()),
                new Topic<>(prefix + Topics.DEADLETTER, Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(prefix + Topics.STATS_ERRORS, Serdes.String(), WeirSerdes.errorRateWindow()),
                new Topic<>(prefix + Topics.STATS_LATENCY, Serdes.String(), WeirSerdes.latencyWindow()),
                new Topic<>(prefix + Topics.STATS_LOGINS, Serdes.String(), WeirSerdes.loginBurstWindow()),
                new Topic<>(prefix + Topics.RULES, Serdes.String(), Serdes.String()),
                new Topic<>(prefix + Topics.ALERTS, Serdes.String(), WeirSerdes.alertEvent()));
    }

    /** @return the names of the raw topics, the processor's inputs from agents */
    public List<String> raw() {
        return List.of(rawLogs.name(), rawRequests.name());
    }
}
