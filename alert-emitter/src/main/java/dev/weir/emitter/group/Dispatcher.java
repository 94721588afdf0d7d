package dev.weir.emitter.group;

import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.template.AlertData;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes alerts into aggregation groups and flushes the groups with Alertmanager's timing:
 * a new group waits {@code group_wait} (or flushes at once when its alert is older than that),
 * then flushes every {@code group_interval}; the notification log decides at each flush whether
 * anything changed or {@code repeat_interval} has passed. Silenced and inhibited firing alerts
 * are left out, but resolved alerts never are, so a group notified as firing always gets its
 * resolve. A route with {@code escalate_after}/{@code escalate_to} also notifies the
 * escalation receiver once a firing group stays unacknowledged that long.
 *
 * <p>Time comes only from the {@link Clock}; nothing here sleeps or starts threads. The owner
 * calls {@link #processDue()} when {@link #nextDue()} has come (tests do so after advancing a
 * clock). All methods are synchronized.
 */
public final class Dispatcher {
    private final Route root;
    private final Clock clock;
    private final Notifier notifier;
    private final Silences silences;
    private final Inhibitor inhibitor;
    private final String externalUrl;
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** Alerts resolved and let go of, newest last; at most {@link #RECENTLY_RESOLVED} of them. */
    private final Map<String, Alert> resolved = new LinkedHashMap<>();
    private final Runnable wakeUp;

    /**
     * @param root the routing tree
     * @param clock the only source of time
     * @param notifier sends notifications
     * @param silences the silences
     * @param inhibitor the inhibition rules
     * @param externalUrl this emitter's URL for links in messages
     * @param wakeUp called when {@link #nextDue()} may have moved earlier (the run loop's signal)
     */
    public Dispatcher(Route root, Clock clock, Notifier notifier, Silences silences, Inhibitor inhibitor,
                      String externalUrl, Runnable wakeUp) {
        this.root = root;
        this.clock = clock;
        this.notifier = notifier;
        this.silences = silences;
        this.inhibitor = inhibitor;
        this.externalUrl = externalUrl;
        this.wakeUp = wakeUp;
    }

    private static final class Group {
        final Route route;
        final String key;
        final Map<String, String> labels;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        Instant nextFlush;
        Instant firingSince;
        boolean escalated;

        Group(Route route, String key, Map<String, String> labels, Instant nextFlush) {
            this.route = route;
            this.key = key;
            this.labels = labels;
            this.nextFlush = nextFlush;
        }
    }

    /**
     * Adds or updates an alert (same fingerprint replaces).
     *
     * @param alert the alert
     */
    public synchronized void put(Alert alert) {
        Instant now = clock.instant();
        alerts.put(alert.fingerprint(), alert);
        for (Route route : root.match(alert.labels())) {
            Map<String, String> groupLabels = route.groupLabels(alert.labels());
            String key = route.groupKey(groupLabels);
            Group g = groups.get(key);
            if (g == null) {
                Instant first = now.plus(route.groupWait());
                // Alertmanager flushes at once when the alert has already waited out group_wait
                // (e.g. replayed after a restart); the notification log keeps that from repeating.
                if (alert.startsAt().plus(route.groupWait()).isBefore(now)) {
                    first = now;
                }
                g = new Group(route, key, groupLabels, first);
                groups.put(key, g);
            }
            g.alerts.put(alert.fingerprint(), alert);
        }
        wakeUp.run();
    }

    /** Marks a firing alert acknowledged: it no longer drives escalation. */
    public synchronized boolean acknowledge(String fingerprint) {
        if (!alerts.containsKey(fingerprint)) {
            return false;
        }
        acknowledged.add(fingerprint);
        return true;
    }

    /** @return when the next group is due, if any group exists */
    public synchronized Optional<Instant> nextDue() {
        return groups.values().stream().map(g -> g.nextFlush).min(Instant::compareTo);
    }

    /** Flushes every group that is due at the clock's current time. */
    public synchronized void processDue() {
        Instant now = clock.instant();
        for (Group g : new ArrayList<>(groups.values())) {
            if (!g.nextFlush.isAfter(now)) {
                flush(g, now);
            }
        }
        collectGarbage(now);
    }

    private void flush(Group g, Instant now) {
        List<AlertData> unmuted = new ArrayList<>();
        Set<String> resolvedNow = new HashSet<>();
        boolean anyFiring = false;
        boolean unackedFiring = false;
        for (Alert a : g.alerts.values()) {
            boolean resolved = a.resolvedAt(now);
            if (resolved) {
                resolvedNow.add(a.fingerprint());
                unmuted.add(new AlertData(a, true));
                continue;
            }
            anyFiring = true;
            if (!acknowledged.contains(a.fingerprint())) {
                unackedFiring = true;
            }
            if (muted(a, now)) {
                continue;
            }
            unmuted.add(new AlertData(a, false));
        }
        notifier.notify(g.route.receiver(), g.key, g.labels, unmuted, g.route.repeatInterval(), externalUrl);
        if (g.route.escalateTo() != null) {
            if (anyFiring && g.firingSince == null) {
                g.firingSince = now;
            }
            if (!g.escalated && unackedFiring && g.firingSince != null
                    && !g.firingSince.plus(g.route.escalateAfter()).isAfter(now)) {
                g.escalated = true;
            }
            if (g.escalated) {
                notifier.notify(g.route.escalateTo(), g.key, g.labels, unmuted, g.route.repeatInterval(), externalUrl);
            }
        }
        resolvedNow.forEach(g.alerts::remove);
        if (g.alerts.isEmpty()) {
            groups.remove(g.key);
            return;
        }
        Instant next = now.plus(g.route.groupInterval());
        if (g.route.escalateTo() != null && !g.escalated && g.firingSince != null) {
            Instant escalation = g.firingSince.plus(g.route.escalateAfter());
            if (escalation.isBefore(next) && escalation.isAfter(now)) {
                next = escalation;
            }
        }
        g.nextFlush = next;
    }

    private boolean muted(Alert a, Instant now) {
        return !silences.mutedBy(a.labels(), now).isEmpty() || inhibitor.inhibited(a, alerts.values(), now);
    }

    private void collectGarbage(Instant now) {
        Set<String> held = new HashSet<>();
        groups.values().forEach(g -> held.addAll(g.alerts.keySet()));
        alerts.values().removeIf(a -> {
            boolean gone = a.resolvedAt(now) && !held.contains(a.fingerprint());
            if (gone) {
                resolved.remove(a.fingerprint());
                resolved.put(a.fingerprint(), a);
            }
            return gone;
        });
        while (resolved.size() > RECENTLY_RESOLVED) {
            resolved.remove(resolved.keySet().iterator().next());
        }
        acknowledged.retainAll(alerts.keySet());
    }

    /** How many resolved alerts {@link #recentlyResolved()} remembers. */
    public static final int RECENTLY_RESOLVED = 200;

    /**
     * @return the alerts resolved and no longer held by any group, newest first, at most
     *         {@link #RECENTLY_RESOLVED}; kept in memory only, so empty after a restart
     */
    public synchronized List<Alert> recentlyResolved() {
        List<Alert> out = new ArrayList<>(resolved.values());
        java.util.Collections.reverse(out);
        return out;
    }

    /** @return the aggregation groups as they are now, each with the fingerprints of its alerts */
    public synchronized List<GroupView> groups() {
        List<GroupView> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(new GroupView(g.key, g.route.receiver(), Map.copyOf(g.labels), List.copyOf(g.alerts.keySet())));
        }
        return out;
    }

    /**
     * An aggregation group as {@code GET /api/v2/alerts/groups} shows it.
     *
     * @param key the group's key (route and group labels)
     * @param receiver the receiver its notifications go to
     * @param labels the group labels ({@code group_by})
     * @param fingerprints the group's alerts
     */
    public record GroupView(String key, String receiver, Map<String, String> labels, List<String> fingerprints) {}

    /** A snapshot of the known alerts with their mute state, for the API. */
    public synchronized List<AlertView> alerts() {
        Instant now = clock.instant();
        List<AlertView> out = new ArrayList<>();
        for (Alert a : alerts.values()) {
            List<String> silencedBy = silences.mutedBy(a.labels(), now);
            boolean inhibited = inhibitor.inhibited(a, alerts.values(), now);
            List<String> receivers = root.match(a.labels()).stream().map(Route::receiver).distinct().toList();
            out.add(new AlertView(a, a.resolvedAt(now), silencedBy, inhibited, acknowledged.contains(a.fingerprint()), receivers));
        }
        return out;
    }

    /** @return every alert currently known, for inhibition checks by others */
    public synchronized Collection<Alert> rawAlerts() {
        return List.copyOf(alerts.values());
    }

    /**
     * An alert as {@code GET /api/v2/alerts} shows it.
     *
     * @param alert the alert
     * @param resolved whether it is resolved now
     * @param silencedBy ids of silences muting it
     * @param inhibited whether an inhibition rule mutes it
     * @param acknowledged whether someone acknowledged it
     * @param receivers the receivers its routes lead to
     */
    public record AlertView(Alert alert, boolean resolved, List<String> silencedBy, boolean inhibited,
                            boolean acknowledged, List<String> receivers) {}
}
