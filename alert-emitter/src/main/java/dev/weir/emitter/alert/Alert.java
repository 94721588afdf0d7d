package dev.weir.emitter.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One alert as routing, grouping, templates and delivery see it, independent of where it came
 * from (a Weir {@code AlertEvent} on Kafka or a Prometheus alert posted to {@code /api/v2/alerts}).
 *
 * @param fingerprint identifies the alert across updates; see {@link Fingerprints#of(Map)}
 * @param labels identifying labels (alertname, severity, service, ...), never null
 * @param annotations descriptive text (summary, description, runbook_url, ...), never null
 * @param startsAt when the alert started firing
 * @param endsAt when it resolved or, for alerts posted without an explicit resolve, when it will be
 *     considered resolved; {@code null} while firing with no known end
 * @param generatorURL link back to what produced the alert; may be empty, never null
 * @param status the state the source reported; see {@link #resolvedAt(Instant)}
 */
public record Alert(String fingerprint, Map<String, String> labels, Map<String, String> annotations,
                    Instant startsAt, Instant endsAt, String generatorURL, Status status) {

    /** The state an alert's source reported. */
    public enum Status { FIRING, RESOLVED }

    public Alert {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(startsAt, "startsAt");
        Objects.requireNonNull(status, "status");
        labels = Map.copyOf(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
        annotations = Map.copyOf(Objects.requireNonNull(annotations, "annotations"));
        generatorURL = generatorURL == null ? "" : generatorURL;
    }

    /**
     * Whether the alert counts as resolved at {@code now}: its source said so, or its
     * {@code endsAt} has passed (Prometheus re-sends firing alerts with an {@code endsAt} a few
     * evaluation intervals ahead; one it stops re-sending resolves by itself, as in Alertmanager).
     *
     * @param now the current time
     * @return true when resolved
     */
    public boolean resolvedAt(Instant now) {
        return status == Status.RESOLVED || (endsAt != null && !endsAt.isAfter(now));
    }

    /** @return the {@code alertname} label, or an empty string */
    public String name() {
        return labels.getOrDefault("alertname", "");
    }
}
