package dev.weir.emitter.template;

import dev.weir.emitter.alert.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The dot of every notification template, Alertmanager's {@code template.Data}:
 * {@code .Receiver}, {@code .Status}, {@code .Alerts}, {@code .GroupLabels},
 * {@code .CommonLabels}, {@code .CommonAnnotations}, {@code .ExternalURL}, plus Weir's
 * {@code .GroupKey}.
 */
public final class NotificationData implements TemplateObject {
    private final String receiver;
    private final String groupKey;
    private final AlertList alerts;
    private final KV groupLabels;
    private final KV commonLabels;
    private final KV commonAnnotations;
    private final String externalURL;

    /**
     * @param receiver the receiver's name
     * @param groupKey the aggregation group's key
     * @param groupLabels the labels the group was formed by
     * @param alerts the alerts to notify about, each with whether it is resolved
     * @param externalURL this emitter's external URL, for links
     */
    public NotificationData(String receiver, String groupKey, Map<String, String> groupLabels,
                            List<AlertData> alerts, String externalURL) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.groupKey = Objects.requireNonNull(groupKey, "groupKey");
        this.alerts = new AlertList(alerts);
        this.groupLabels = new KV(groupLabels);
        this.commonLabels = new KV(common(alerts, true));
        this.commonAnnotations = new KV(common(alerts, false));
        this.externalURL = externalURL == null ? "" : externalURL;
    }

    /** A small, plausible notification used to try every template once at startup. */
    public static NotificationData sample(String receiver) {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        Alert firing = new Alert("0000000000000001", Map.of("alertname", "SampleAlert", "severity", "critical", "service", "api"),
                Map.of("summary", "sample summary", "description", "sample description", "runbook_url", "http://runbook"),
                t, null, "http://weir", Alert.Status.FIRING);
        Alert resolved = new Alert("0000000000000002", Map.of("alertname", "SampleAlert", "severity", "warning", "service", "api"),
                Map.of("summary", "sample summary"), t, t.plusSeconds(60), "http://weir", Alert.Status.RESOLVED);
        return new NotificationData(receiver, "{}:{alertname=\"SampleAlert\"}", Map.of("alertname", "SampleAlert"),
                List.of(new AlertData(firing, false), new AlertData(resolved, true)), "http://localhost:9093");
    }

    private static Map<String, String> common(List<AlertData> alerts, boolean labels) {
        if (alerts.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>(labels ? alerts.get(0).alert().labels() : alerts.get(0).alert().annotations());
        for (AlertData a : alerts.subList(1, alerts.size())) {
            Map<String, String> m = labels ? a.alert().labels() : a.alert().annotations();
            out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        }
        return out;
    }

    public String receiver() {
        return receiver;
    }

    public String groupKey() {
        return groupKey;
    }

    /** {@code firing} when any alert is firing, else {@code resolved}. */
    public String status() {
        return alerts.stream().anyMatch(a -> !a.resolved()) ? "firing" : "resolved";
    }

    public AlertList alerts() {
        return alerts;
    }

    public KV groupLabels() {
        return groupLabels;
    }

    public KV commonLabels() {
        return commonLabels;
    }

    public KV commonAnnotations() {
        return commonAnnotations;
    }

    public String externalURL() {
        return externalURL;
    }

    /** The alerts' underlying records, in order. */
    public List<AlertData> alertData() {
        return new ArrayList<>(alerts);
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Receiver" -> receiver;
            case "Status" -> status();
            case "Alerts" -> alerts;
            case "GroupLabels" -> groupLabels;
            case "CommonLabels" -> commonLabels;
            case "CommonAnnotations" -> commonAnnotations;
            case "ExternalURL" -> externalURL;
            case "GroupKey" -> groupKey;
            default -> throw new TemplateException("can't evaluate field " + name + " in type template.Data");
        };
    }
}
