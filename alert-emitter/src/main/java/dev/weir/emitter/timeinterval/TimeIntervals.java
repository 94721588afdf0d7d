package dev.weir.emitter.timeinterval;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The named {@code time_intervals} (and {@code mute_time_intervals}) of an alertmanager.yml,
 * and what a route's {@code mute_time_intervals} / {@code active_time_intervals} make of them,
 * as Alertmanager's {@code TimeMuteStage} and {@code TimeActiveStage} do: a route is muted while
 * the time is inside any of its mute intervals, or outside all of its active intervals (when it
 * has any). Names are checked when the configuration is loaded.
 *
 * <p>Immutable and thread-safe.
 */
public final class TimeIntervals {
    private final Map<String, List<TimeInterval>> byName;

    /** @param byName each name's intervals */
    public TimeIntervals(Map<String, List<TimeInterval>> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** @return whether an interval of this name is defined */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** @return the names, for messages */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    /**
     * @param names interval names
     * @param now a moment
     * @return whether {@code now} is inside any entry of any of the named intervals
     */
    public boolean anyContains(List<String> names, Instant now) {
        for (String name : names) {
            for (TimeInterval t : byName.getOrDefault(name, List.of())) {
                if (t.contains(now)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * @param muteIntervals a route's {@code mute_time_intervals}
     * @param activeIntervals a route's {@code active_time_intervals}
     * @param now a moment
     * @return whether the route sends nothing at {@code now}
     */
    public boolean muted(List<String> muteIntervals, List<String> activeIntervals, Instant now) {
        if (anyContains(muteIntervals, now)) {
            return true;
        }
        return !activeIntervals.isEmpty() && !anyContains(activeIntervals, now);
    }
}
