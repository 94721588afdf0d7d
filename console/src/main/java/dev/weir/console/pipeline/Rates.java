package dev.weir.console.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-second rates of counters from two scrapes: each call compares a counter with the value seen
 * at the previous call (at least a second earlier) for the same key. The first call has no rate.
 * A counter that went down (a restart) starts over. Thread-safe.
 */
final class Rates {
    private record Seen(Instant at, double value) {
    }

    private final Map<String, Seen> previous = new ConcurrentHashMap<>();
    private final Map<String, Double> last = new ConcurrentHashMap<>();

    /**
     * @param key   the counter's identity, e.g. {@code processor/in}
     * @param value its value now, or null when unknown
     * @param now   the time of the scrape
     * @return its rate per second since the previous scrape, or null when unknown yet
     */
    Double rate(String key, Double value, Instant now) {
        if (value == null) {
            return null;
        }
        Seen before = previous.get(key);
        if (before == null || value < before.value()) {
            previous.put(key, new Seen(now, value));
            last.remove(key);
            return null;
        }
        double seconds = (now.toEpochMilli() - before.at().toEpochMilli()) / 1000.0;
        if (seconds < 1) {
            return last.get(key);
        }
        double r = (value - before.value()) / seconds;
        previous.put(key, new Seen(now, value));
        last.put(key, r);
        return r;
    }
}
