package dev.weir.emitter.route;

import dev.weir.emitter.config.AlertmanagerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A node of the routing tree with its options resolved (inherited from the parent where not
 * set), matching as Alertmanager's {@code dispatch.Route}: an alert goes down the first child
 * that matches, on to later siblings only while the matched child has {@code continue: true},
 * and stays at this node when no child matches.
 *
 * <p>Immutable and thread-safe.
 */
public final class Route {
    public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_REPEAT_INTERVAL = Duration.ofHours(4);

    private final Route parent;
    private final int index;
    private final String receiver;
    private final Set<String> groupBy;
    private final boolean groupByAll;
    private final List<Matcher> matchers;
    private final boolean continueMatching;
    private final Duration groupWait;
    private final Duration groupInterval;
    private final Duration repeatInterval;
    private final List<String> muteTimeIntervals;
    private final List<String> activeTimeIntervals;
    private final AlertmanagerConfig.Escalation escalation;
    private final List<Route> routes = new ArrayList<>();

    private Route(Route parent, int index, AlertmanagerConfig.Route c) {
        this.parent = parent;
        this.index = index;
        this.receiver = c.receiver() != null ? c.receiver() : parent.receiver;
        if (c.groupBy() != null) {
            this.groupByAll = c.groupBy().contains("...");
            this.groupBy = groupByAll ? Set.of() : Set.copyOf(new TreeSet<>(c.groupBy()));
        } else if (parent != null) {
            this.groupByAll = parent.groupByAll;
            this.groupBy = parent.groupBy;
        } else {
            this.groupByAll = false;
            this.groupBy = Set.of();
        }
        this.matchers = c.matchers();
        this.continueMatching = c.continueMatching();
        this.groupWait = pick(c.groupWait(), parent == null ? DEFAULT_GROUP_WAIT : parent.groupWait);
        this.groupInterval = pick(c.groupInterval(), parent == null ? DEFAULT_GROUP_INTERVAL : parent.groupInterval);
        this.repeatInterval = pick(c.repeatInterval(), parent == null ? DEFAULT_REPEAT_INTERVAL : parent.repeatInterval);
        this.muteTimeIntervals = List.copyOf(c.muteTimeIntervals());
        this.activeTimeIntervals = List.copyOf(c.activeTimeIntervals());
        this.escalation = c.escalation();
        for (int i = 0; i < c.routes().size(); i++) {
            routes.add(new Route(this, i, c.routes().get(i)));
        }
    }

    private static Duration pick(Duration own, Duration inherited) {
        return own != null ? own : inherited;
    }

    /** Builds the tree from the configuration's root route. */
    public static Route tree(AlertmanagerConfig.Route root) {
        return new Route(null, 0, root);
    }

    /**
     * @param labels an alert's labels
     * @return the routes the alert goes to, in tree order; empty only when this (non-root) node
     *     does not match
     */
    public List<Route> match(Map<String, String> labels) {
        if (!Matcher.all(matchers, labels)) {
            return List.of();
        }
        List<Route> all = new ArrayList<>();
        for (Route child : routes) {
            List<Route> m = child.match(labels);
            all.addAll(m);
            if (!m.isEmpty() && !child.continueMatching) {
                break;
            }
        }
        if (all.isEmpty()) {
            all.add(this);
        }
        return all;
    }

    /**
     * @param labels an alert's labels
     * @return the labels this route groups by, taken from the alert
     */
    public Map<String, String> groupLabels(Map<String, String> labels) {
        if (groupByAll) {
            return new TreeMap<>(labels);
        }
        Map<String, String> out = new TreeMap<>();
        for (String name : groupBy) {
            String v = labels.get(name);
            if (v != null && !v.isEmpty()) {
                out.put(name, v);
            }
        }
        return out;
    }

    /**
     * A key unique to this node, in Alertmanager's form: the parent's key, then
     * {@code /}, the matchers in braces and, when siblings would collide, the index.
     */
    public String key() {
        String own = "{" + matchers.stream().map(Matcher::toString).collect(Collectors.joining(",")) + "}";
        if (parent == null) {
            return own;
        }
        long same = parent.routes.stream().filter(r -> r.matchers.equals(matchers)).count();
        return parent.key() + "/" + own + (same > 1 ? "/" + index : "");
    }

    /** The group key of an alert group on this route: {@code routeKey:{name="value",...}}. */
    public String groupKey(Map<String, String> groupLabels) {
        return key() + ":{" + new TreeMap<>(groupLabels).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(", ")) + "}";
    }

    public String receiver() {
        return receiver;
    }

    public Set<String> groupBy() {
        return groupBy;
    }

    public boolean groupByAll() {
        return groupByAll;
    }

    public List<Matcher> matchers() {
        return matchers;
    }

    public boolean continueMatching() {
        return continueMatching;
    }

    public Duration groupWait() {
        return groupWait;
    }

    public Duration groupInterval() {
        return groupInterval;
    }

    public Duration repeatInterval() {
        return repeatInterval;
    }

    /** @return the names of the time intervals during which this route sends nothing (not inherited) */
    public List<String> muteTimeIntervals() {
        return muteTimeIntervals;
    }

    /** @return the names of the only time intervals during which this route sends (empty: always; not inherited) */
    public List<String> activeTimeIntervals() {
        return activeTimeIntervals;
    }

    /** @return the escalation policy, or null when this route does not escalate (not inherited) */
    public AlertmanagerConfig.Escalation escalation() {
        return escalation;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public String toString() {
        return "Route[" + key() + " -> " + receiver + "]";
    }
}
