package dev.weir.emitter.intake;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** AlertEvents as the stream processor writes them to {@code weir.alerts}. */
public final class AlertEvents {
    private AlertEvents() {}

    /**
     * @param fingerprint the alert's fingerprint
     * @param rule the rule name
     * @param service the service label
     * @param startsAt when it started firing
     * @return a FIRING critical error-rate alert with summary, runbook and Kibana link
     */
    public static AlertEvent firing(String fingerprint, String rule, String service, Instant startsAt) {
        return AlertEvent.newBuilder()
                .setFingerprint(fingerprint)
                .setStatus(AlertStatus.FIRING)
                .setRule(rule)
                .setSeverity("critical")
                .setLabels(Map.of("service", service))
                .setAnnotations(Map.of("summary", "Error rate of " + service + " above 5%",
                        "runbook_url", "https://runbooks.example/" + rule))
                .setValue(0.073)
                .setThreshold(0.05)
                .setStartsAt(startsAt)
                .setEndsAt(null)
                .setKibanaUrl("https://kibana.example/app/discover#/?service=" + service)
                .setExemplarEventIds(List.of("ev-1", "ev-2"))
                .setExemplarTraceIds(List.of())
                .setGenerator("weir-processor")
                .setUpdatedAt(startsAt)
                .build();
    }

    /**
     * @param firing the firing event
     * @param endsAt when it resolved
     * @return its RESOLVED state change
     */
    public static AlertEvent resolved(AlertEvent firing, Instant endsAt) {
        return AlertEvent.newBuilder(firing).setStatus(AlertStatus.RESOLVED).setValue(0.01).setEndsAt(endsAt)
                .setUpdatedAt(endsAt).build();
    }
}
