package dev.weir.emitter.group;

import dev.weir.emitter.ack.Acks;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.cluster.Ownership;
import dev.weir.emitter.config.AlertmanagerConfig.Escalation;
import dev.weir.emitter.delivery.Notifier;
import dev.weir.emitter.inhibit.Inhibitor;
import dev.weir.emitter.route.Route;
import dev.weir.emitter.silence.Silences;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.timeinterval.TimeIntervals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Routes alerts into aggregation groups and flushes the groups with Alertmanager's timing:
 * a new group waits {@code group_wait} (or flushes at once when its alert is older than that),
 * then flushes every {@code group_interval}; the notification log decides at each flush whether
 * anything changed or {@code repeat_interval} has passed. Silenced and inhibited firing alerts
 * are left out, but resolved alerts never are, so a group notified as firing always gets its
 * resolve: a resolved alert stays in its group until the notification log holds its resolve for
 * every integration (also while the route is muted by {@code mute_time_intervals} or outside its
 * {@code active_time_intervals}, so the due notifications go out when the window ends).
 *
 * <p><b>Escalation.</b> A route's escalation policy notifies step {@code i} once an alert of the
 * group has been firing unacknowledged for the sum of the steps' {@code escalate_after} up to
 * {@code i}, and, with {@code repeat}, again every pass through the policy, until every firing
 * alert is acknowledged or resolved. The escalation clock is the earliest {@code startsAt} of the
 * unacknowledged firing alerts, and what was sent is in the notification log, so an instance
 * that takes a group over carries on where the previous one stopped.
 *
 * <p><b>Several instances.</b> Every instance keeps every alert and every group; only the owner
 * of a group ({@link Ownership}) notifies. Elsewhere a resolved alert leaves its group at the next
 * flush, but is kept (for {@link #RETAIN_RESOLVED}) so that {@link #adopt} can put it back
 * when this instance takes the group over.
 *
 * <p>Time comes only from the {@link Clock}; nothing here sleeps or starts threads. The owner
 * calls {@link #processDue()} when {@link #nextDue()} has come (tests do so after advancing a
 * clock). All methods are synchronized.
 */
public final class Dispatcher {
    /** How long a resolved alert that left its groups is kept for an instance that takes a group over. */
    public static final Duration RETAIN_RESOLVED = Duration.ofHours(1);
    /** How many resolved alerts {@link #recentlyResolved()} remembers. */
    public static final int RECENTLY_RESOLVED = 200;

    private final Route root;
    private final Clock clock;
    private final Notifier notifier;
    private final Silences silences;
    private final Inhibitor inhibitor;
    private final Acks acks;
    private final TimeIntervals timeIntervals;
    private final Ownership ownership;
    private final String externalUrl;
    private final Map<String, Alert> alerts = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    /** Alerts resolved and let go of, newest last; at most {@link #RECENTLY_RESOLVED} of them. */
    private final Map<String, Alert> resolved = new LinkedHashMap<>();
    private final Runnable wakeUp;

    /**
     * What a dispatcher works with.
     *
     * @param root the routing tree
     * @param clock the only source of time
     * @param notifier sends notifications
     * @param silences the silences
     * @param inhibitor the inhibition rules
     * @param acks the acknowledgements
     * @param timeIntervals the named time intervals routes refer to
     * @param ownership which groups this instance notifies
     * @param externalUrl this emitter's URL for links in messages
     */
    public record Parts(Route root, Clock clock, Notifier notifier, Silences silences, Inhibitor inhibitor, Acks acks,
                        TimeIntervals timeIntervals, Ownership ownership, String externalUrl) {}

    /**
     * @param parts what it works with
     * @param wakeUp called when {@link #nextDue()} may have moved earlier (the run loop's signal)
     */
    public Dispatcher(Parts parts, Runnable wakeUp) {
        this.root = parts.root();
        this.clock = parts.clock();
        this.notifier = parts.notifier();
        this.silences = parts.silences();
        this.inhibitor = parts.inhibitor();
        this.acks = parts.acks();
        this.timeIntervals = parts.timeIntervals();
        this.ownership = parts.ownership();
        this.externalUrl = parts.externalUrl();
        this.wakeUp = wakeUp;
    }

    private static final class Group {
        final Route route;
        final String key;
        final Map<String, String> labels;
        final Map<String, Alert> alerts = new LinkedHashMap<>();
        Instant nextFlush;

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
        alerts.put(alert.fingerprint(), alert);
        insert(alert, p -> true, clock.instant());
        wakeUp.run();
    }

    private void insert(Alert alert, IntPredicate partitions, Instant now) {
        for (Route route : root.match(alert.labels())) {
            Map<String, String> groupLabels = route.groupLabels(alert.labels());
            String key = route.groupKey(groupLabels);
            if (!partitions.test(ownership.partitionOf(key))) {
                continue;
            }
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
    }

    /**
     * Puts every known alert (resolved ones kept for {@link #RETAIN_RESOLVED} included) back into
     * the groups of the given partitions, which this instance has just taken over: a resolve the
     * previous owner had not delivered is delivered, and a notification it left in doubt is sent
     * again with its id.
     *
     * @param partitions the partitions taken over
     */
    public synchronized void adopt(IntPredicate partitions) {
        Instant now = clock.instant();
        for (Alert a : alerts.values()) {
            insert(a, partitions, now);
        }
        for (Group g : groups.values()) {
            if (partitions.test(ownership.partitionOf(g.key)) && g.nextFlush.isAfter(now)
                    && g.alerts.values().stream().allMatch(a -> !a.startsAt().plus(g.route.groupWait()).isAfter(now))) {
                g.nextFlush = now;
            }
        }
        wakeUp.run();
    }

    /** @return the alert with this fingerprint, if known (firing, or resolved and still kept) */
    public synchronized Optional<Alert> alert(String fingerprint) {
        return Optional.ofNullable(alerts.get(fingerprint));
    }

    /** @return when the next group is due, if any group exists */
    public synchronized Optional<Instant> nextDue() {
        return groups.values().stream().map(g -> g.nextFlush).min(Instant::compareTo);
    }

    /**
     * Flushes every group that is due at the clock's current time.
     *
     * @return the alerts that are resolved now and whose acknowledgement should end (this
     *     instance owns their fingerprint)
     */
    public synchronized List<Alert> processDue() {
        Instant now = clock.instant();
        for (Group g : new ArrayList<>(groups.values())) {
            if (!g.nextFlush.isAfter(now)) {
                flush(g, now);
            }
        }
        collectGarbage(now);
        List<Alert> ackEnds = new ArrayList<>();
        for (Alert a : alerts.values()) {
            if (a.resolvedAt(now) && acks.acknowledged(a) && ownership.owns(a.fingerprint())) {
                ackEnds.add(a);
            }
        }
        return ackEnds;
    }

    private void flush(Group g, Instant now) {
        List<AlertData> unmuted = new ArrayList<>();
        Set<String> resolvedNow = new HashSet<>();
        Instant unackedSince = null;
        for (Alert a : g.alerts.values()) {
            if (a.resolvedAt(now)) {
                resolvedNow.add(a.fingerprint());
                unmuted.add(new AlertData(a, true));
                continue;
            }
            if (muted(a, now)) {
                continue;
            }
            unmuted.add(new AlertData(a, false));
            if (!acks.acknowledged(a) && (unackedSince == null || a.startsAt().isBefore(unackedSince))) {
                unackedSince = a.startsAt();
            }
        }
        Route route = g.route;
        boolean settled;
        if (!ownership.owns(g.key)) {
            settled = true; // the owner notifies; adopt() brings resolved alerts back on a takeover
        } else if (timeIntervals.muted(route.muteTimeIntervals(), route.activeTimeIntervals(), now)) {
            settled = false; // keep resolved alerts: their resolves are due when the window ends
        } else {
            settled = notifier.notify(new Notifier.Request(route.receiver(), g.key, g.labels, unmuted, route.repeatInterval(),
                    externalUrl, null));
            Escalation escalation = route.escalation();
            if (escalation != null) {
                for (int i = 0; i < escalation.steps().size(); i++) {
                    Notifier.Step step = step(escalation, i, unackedSince, now);
                    settled &= notifier.notify(new Notifier.Request(escalation.steps().get(i).receiver(), g.key, g.labels, unmuted,
                            route.repeatInterval(), externalUrl, step));
                }
            }
        }
        if (settled) {
            resolvedNow.forEach(g.alerts::remove);
        }
        if (g.alerts.isEmpty()) {
            groups.remove(g.key);
            return;
        }
        Instant next = now.plus(route.groupInterval());
        if (route.escalation() != null && unackedSince != null) {
            Instant escalation = nextEscalation(route.escalation(), unackedSince, now);
            if (escalation != null && escalation.isBefore(next)) {
                next = escalation;
            }
        }
        g.nextFlush = next;
    }

    /** Step {@code i} at {@code now} for a group firing unacknowledged since {@code since} (null: nothing unacknowledged fires). */
    static Notifier.Step step(Escalation escalation, int i, Instant since, Instant now) {
        if (since == null) {
            return new Notifier.Step(i, false, 0, -1);
        }
        Duration offset = offset(escalation, i);
        Duration elapsed = Duration.between(since, now);
        if (elapsed.compareTo(offset) < 0) {
            return new Notifier.Step(i, false, since.toEpochMilli(), -1);
        }
        int round = escalation.repeat() ? (int) Math.min(Integer.MAX_VALUE,
                elapsed.minus(offset).toMillis() / cycle(escalation).toMillis()) : 0;
        return new Notifier.Step(i, true, since.toEpochMilli(), round);
    }

    /** When the next step of the policy becomes due after {@code now}, or null when none will. */
    static Instant nextEscalation(Escalation escalation, Instant since, Instant now) {
        Instant best = null;
        for (int i = 0; i < escalation.steps().size(); i++) {
            Instant t = since.plus(offset(escalation, i));
            if (!t.isAfter(now)) {
                if (!escalation.repeat()) {
                    continue;
                }
                long cycle = cycle(escalation).toMillis();
                long passed = Duration.between(t, now).toMillis() / cycle + 1;
                t = t.plusMillis(passed * cycle);
            }
            if (best == null || t.isBefore(best)) {
                best = t;
            }
        }
        return best;
    }

    private static Duration offset(Escalation escalation, int i) {
        Duration d = Duration.ZERO;
        for (int j = 0; j <= i; j++) {
            d = d.plus(escalation.steps().get(j).escalateAfter());
        }
        return d;
    }

    private static Duration cycle(Escalation escalation) {
        return offset(escalation, escalation.steps().size() - 1);
    }

    private boolean muted(Alert a, Instant now) {
        return !silences.mutedBy(a.labels(), now).isEmpty() || inhibitor.inhibited(a, alerts.values(), now);
    }

    private void collectGarbage(Instant now) {
        Set<String> held = new HashSet<>();
        groups.values().forEach(g -> held.addAll(g.alerts.keySet()));
        alerts.values().removeIf(a -> {
            if (!a.resolvedAt(now) || held.contains(a.fingerprint())) {
                return false;
            }
            if (resolved.get(a.fingerprint()) != a) {
                resolved.remove(a.fingerprint());
                resolved.put(a.fingerprint(), a);
            }
            Instant end = a.endsAt() != null ? a.endsAt() : a.startsAt();
            return end.plus(RETAIN_RESOLVED).isBefore(now);
        });
        while (resolved.size() > RECENTLY_RESOLVED) {
            resolved.remove(resolved.keySet().iterator().next());
        }
    }

    /**
     * @return the alerts resolved and no longer held by any group, newest first, at most
     *         {@link #RECENTLY_RESOLVED}; kept in memory only, so empty after a restart
     */
    public synchronized List<Alert> recentlyResolved() {
        List<Alert> out = new ArrayList<>(resolved.values());
        Collections.reverse(out);
        return out;
    }

    /**
     * The aggregation groups of the alerts that are not resolved, as Alertmanager's
     * {@code GET /api/v2/alerts/groups} shows them: the same on every instance, whichever owns them.
     *
     * @return each group with the fingerprints of its alerts, in routing order
     */
    public synchronized List<GroupView> groups() {
        Instant now = clock.instant();
        Map<String, GroupView> out = new LinkedHashMap<>();
        Map<String, List<String>> members = new TreeMap<>();
        for (Alert a : alerts.values()) {
            if (a.resolvedAt(now)) {
                continue;
            }
            for (Route route : root.match(a.labels())) {
                Map<String, String> labels = route.groupLabels(a.labels());
                String key = route.groupKey(labels);
                out.computeIfAbsent(key, k -> new GroupView(k, route.receiver(), Map.copyOf(labels), new ArrayList<>()));
                members.computeIfAbsent(key, k -> new ArrayList<>()).add(a.fingerprint());
            }
        }
        List<GroupView> views = new ArrayList<>();
        out.values().forEach(g -> views.add(new GroupView(g.key(), g.receiver(), g.labels(), List.copyOf(members.get(g.key())))));
        return views;
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

    /** A snapshot of the alerts that are not resolved, with their mute state, for the API. */
    public synchronized List<AlertView> alerts() {
        Instant now = clock.instant();
        List<AlertView> out = new ArrayList<>();
        for (Alert a : alerts.values()) {
            if (!a.resolvedAt(now)) {
                out.add(view(a, now));
            }
        }
        return out;
    }

    private AlertView view(Alert a, Instant now) {
        List<String> silencedBy = silences.mutedBy(a.labels(), now);
        List<String> inhibitedBy = inhibitor.inhibitedBy(a, alerts.values(), now);
        List<String> receivers = root.match(a.labels()).stream().map(Route::receiver).distinct().toList();
        return new AlertView(a, a.resolvedAt(now), silencedBy, inhibitedBy, acks.acknowledged(a), receivers);
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
     * @param inhibitedBy fingerprints of the alerts inhibiting it
     * @param acknowledged whether someone acknowledged this firing
     * @param receivers the receivers its routes lead to
     */
    public record AlertView(Alert alert, boolean resolved, List<String> silencedBy, List<String> inhibitedBy,
                            boolean acknowledged, List<String> receivers) {}
}
