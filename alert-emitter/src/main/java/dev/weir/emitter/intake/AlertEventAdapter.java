package dev.weir.emitter.intake;

import dev.weir.emitter.alert.Alert;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a Weir {@link AlertEvent} (a value of {@code weir.alerts}) into the {@link Alert} that
 * routing, templates and delivery see, so that a message can say what is wrong, how bad, and
 * where to look:
 *
 * <ul>
 *   <li>labels: the event's labels, plus {@code alertname} = rule and {@code severity} when the
 *       event's labels lack them (routing matchers and {@code group_by} use these);
 *   <li>annotations: the event's annotations, plus, when not already set, {@code kibana_url},
 *       {@code value}, {@code threshold}, {@code exemplar_event_ids} and
 *       {@code exemplar_trace_ids} (comma-separated), and {@code runbook} as a copy of
 *       {@code runbook_url} (templates written for Prometheus rules often say
 *       {@code .Annotations.runbook});
 *   <li>{@code .GeneratorURL}: the Kibana link (the logs behind the alert), else the event's
 *       {@code generator} when it is a URL (alerts that came from Prometheus), else empty;
 *   <li>a RESOLVED event resolves at its {@code ends_at} (or {@code updated_at} when missing); a
 *       FIRING event has no end: Weir rules send an explicit resolve.
 * </ul>
 */
public final class AlertEventAdapter {
    private AlertEventAdapter() {}

    /**
     * @param event a value of {@code weir.alerts}
     * @return the alert
     * @throws IllegalArgumentException when the event has an empty fingerprint
     */
    public static Alert toAlert(AlertEvent event) {
        Objects.requireNonNull(event, "event");
        String fingerprint = event.getFingerprint().toString();
        if (fingerprint.isBlank()) {
            throw new IllegalArgumentException("AlertEvent for rule " + event.getRule() + " has an empty fingerprint");
        }
        Map<String, String> labels = strings(event.getLabels());
        labels.putIfAbsent("alertname", event.getRule().toString());
        labels.putIfAbsent("severity", event.getSeverity().toString());

        Map<String, String> annotations = strings(event.getAnnotations());
        String kibana = event.getKibanaUrl() == null ? null : event.getKibanaUrl().toString();
        if (kibana != null && !kibana.isBlank()) {
            annotations.putIfAbsent("kibana_url", kibana);
        }
        annotations.putIfAbsent("value", number(event.getValue()));
        annotations.putIfAbsent("threshold", number(event.getThreshold()));
        putJoined(annotations, "exemplar_event_ids", event.getExemplarEventIds());
        putJoined(annotations, "exemplar_trace_ids", event.getExemplarTraceIds());
        if (annotations.containsKey("runbook_url")) {
            annotations.putIfAbsent("runbook", annotations.get("runbook_url"));
        }

        String generator = event.getGenerator() == null ? "" : event.getGenerator().toString();
        String generatorUrl = kibana != null && !kibana.isBlank() ? kibana
                : generator.startsWith("http://") || generator.startsWith("https://") ? generator : "";

        boolean resolved = event.getStatus() == AlertStatus.RESOLVED;
        Instant endsAt = null;
        if (resolved) {
            endsAt = event.getEndsAt() != null ? event.getEndsAt() : event.getUpdatedAt();
        }
        return new Alert(fingerprint, labels, annotations, event.getStartsAt(), endsAt, generatorUrl,
                resolved ? Alert.Status.RESOLVED : Alert.Status.FIRING);
    }

    private static Map<String, String> strings(Map<? extends CharSequence, ? extends CharSequence> in) {
        Map<String, String> out = new HashMap<>();
        if (in != null) {
            in.forEach((k, v) -> out.put(k.toString(), v == null ? "" : v.toString()));
        }
        return out;
    }

    private static void putJoined(Map<String, String> annotations, String key, List<? extends CharSequence> values) {
        if (values != null && !values.isEmpty()) {
            annotations.putIfAbsent(key, String.join(",", values));
        }
    }

    /** 0.073 as "0.073", 12.0 as "12": what a reader expects, and what humanize functions parse. */
    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
