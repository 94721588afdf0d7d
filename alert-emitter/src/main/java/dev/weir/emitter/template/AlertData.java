package dev.weir.emitter.template;

import dev.weir.emitter.alert.Alert;
import java.time.Instant;

/**
 * One alert inside a notification, as {@code .Alerts} items: {@code .Status}, {@code .Labels},
 * {@code .Annotations}, {@code .StartsAt}, {@code .EndsAt}, {@code .GeneratorURL},
 * {@code .Fingerprint}.
 */
public final class AlertData implements TemplateObject {
    /** Go's zero time, which Alertmanager prints for a firing alert's EndsAt. */
    public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    private final Alert alert;
    private final boolean resolved;

    public AlertData(Alert alert, boolean resolved) {
        this.alert = alert;
        this.resolved = resolved;
    }

    public Alert alert() {
        return alert;
    }

    public boolean resolved() {
        return resolved;
    }

    public String status() {
        return resolved ? "resolved" : "firing";
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Status" -> status();
            case "Labels" -> new KV(alert.labels());
            case "Annotations" -> new KV(alert.annotations());
            case "StartsAt" -> alert.startsAt();
            case "EndsAt" -> resolved && alert.endsAt() != null ? alert.endsAt() : ZERO_TIME;
            case "GeneratorURL" -> alert.generatorURL();
            case "Fingerprint" -> alert.fingerprint();
            default -> throw new TemplateException("can't evaluate field " + name + " in type template.Alert");
        };
    }
}
