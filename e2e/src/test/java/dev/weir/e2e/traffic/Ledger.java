package dev.weir.e2e.traffic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What was sent, and what the agent accepted (an HTTP body answered 202 with every line accepted; a line written
 * to a tailed file). Thread-safe.
 */
public final class Ledger {
    private final ConcurrentSkipListMap<String, SentEvent> accepted = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /** Records events the agent accepted. */
    public void accepted(Collection<SentEvent> events) {
        for (SentEvent e : events) {
            if (accepted.putIfAbsent(e.seq(), e) != null) {
                throw new IllegalStateException("event " + e.seq() + " recorded as accepted twice");
            }
        }
    }

    /** Adds {@code n} to a named figure (e.g. {@code http.retries}). */
    public void count(String figure, long n) {
        counters.computeIfAbsent(figure, k -> new AtomicLong()).addAndGet(n);
    }

    /** @return a named figure, 0 when never counted */
    public long figure(String figure) {
        AtomicLong v = counters.get(figure);
        return v == null ? 0 : v.get();
    }

    /** @return every accepted event, by seq */
    public List<SentEvent> all() {
        return new ArrayList<>(accepted.values());
    }

    /** @return the accepted events of one phase */
    public List<SentEvent> phase(String phase) {
        return accepted.values().stream().filter(e -> e.phase().equals(phase)).toList();
    }

    /** @return how many accepted events have a seq up to {@code seq} (inclusive) */
    public int acceptedUpTo(String seq) {
        return accepted.headMap(seq, true).size();
    }

    /** @return how many events were accepted */
    public int size() {
        return accepted.size();
    }
}
