package dev.weir.emitter.inhibit;

import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.config.AlertmanagerConfig.InhibitRule;
import dev.weir.emitter.route.Matcher;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Alertmanager's inhibition: an alert matching a rule's target matchers is muted while a
 * different, firing alert matches the source matchers and has the same values for every label
 * in {@code equal}. Stateless and thread-safe.
 */
public final class Inhibitor {
    private final List<InhibitRule> rules;

    public Inhibitor(List<InhibitRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * @param target the alert that might be muted
     * @param alerts all known alerts
     * @param now the current time
     * @return true when a firing source alert inhibits {@code target}
     */
    public boolean inhibited(Alert target, Collection<Alert> alerts, Instant now) {
        return !inhibitedBy(target, alerts, now, true).isEmpty();
    }

    /**
     * @param target the alert that might be muted
     * @param alerts all known alerts
     * @param now the current time
     * @return the fingerprints of the firing alerts that inhibit {@code target}, sorted; empty when none
     */
    public List<String> inhibitedBy(Alert target, Collection<Alert> alerts, Instant now) {
        return inhibitedBy(target, alerts, now, false);
    }

    private List<String> inhibitedBy(Alert target, Collection<Alert> alerts, Instant now, boolean first) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (InhibitRule rule : rules) {
            if (!Matcher.all(rule.targetMatchers(), target.labels())) {
                continue;
            }
            for (Alert source : alerts) {
                if (source.fingerprint().equals(target.fingerprint()) || source.resolvedAt(now)
                        || !Matcher.all(rule.sourceMatchers(), source.labels())) {
                    continue;
                }
                boolean equal = rule.equal().stream()
                        .allMatch(l -> Objects.equals(source.labels().get(l), target.labels().get(l)));
                if (equal) {
                    out.add(source.fingerprint());
                    if (first) {
                        return List.copyOf(out);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
