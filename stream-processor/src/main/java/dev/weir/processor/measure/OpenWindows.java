package dev.weir.processor.measure;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deserialized aggregates of the windows a processor is still adding to, keyed by window
 * start and store key: a read cache in front of its window store, so that an event costs one
 * {@code put} (serialize) instead of a {@code fetch} (deserialize, e.g. a DDSketch protobuf parse)
 * plus a {@code put}.
 *
 * <p>Write-through only: the processor puts every change into the store as before, so the store
 * (and its changelog, at each commit) stays the truth and this cache never holds anything the
 * store does not. The processor must {@link #clear()} it in {@code init} (a task that is revived
 * after a dirty close is re-initialised with its store restored from the changelog) and drop
 * windows once they closed ({@link #dropStartingUpTo}). Bounded by {@code maxEntries}: when full,
 * it starts over empty (each entry is then read from the store once more).
 *
 * <p>Not thread-safe: one per processor instance (task).
 *
 * @param <V> the aggregate type; mutable, the processor mutates the cached instance and then puts it
 */
public final class OpenWindows<V> {
    private final int maxEntries;
    private final TreeMap<Long, Map<String, V>> byStart = new TreeMap<>();
    private int size;

    /** @param maxEntries at most this many aggregates are kept */
    public OpenWindows(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, not " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /**
     * @param key         store key
     * @param windowStart window start
     * @return the cached aggregate, or {@code null} when it is not cached (read it from the store)
     */
    public V get(String key, long windowStart) {
        Map<String, V> w = byStart.get(windowStart);
        return w == null ? null : w.get(key);
    }

    /**
     * Caches {@code value} as the current content of {@code key} at {@code windowStart}; call it
     * together with the store's {@code put}.
     *
     * @param key         store key
     * @param windowStart window start
     * @param value       the aggregate just written to the store
     */
    public void put(String key, long windowStart, V value) {
        if (size >= maxEntries && get(key, windowStart) == null) {
            clear();
        }
        if (byStart.computeIfAbsent(windowStart, s -> new HashMap<>()).put(key, value) == null) {
            size++;
        }
    }

    /** Forgets the windows starting at or before {@code windowStart} (they closed: no more adds). */
    public void dropStartingUpTo(long windowStart) {
        Iterator<Map<String, V>> it = byStart.headMap(windowStart, true).values().iterator();
        while (it.hasNext()) {
            size -= it.next().size();
            it.remove();
        }
    }

    /** Forgets everything. */
    public void clear() {
        byStart.clear();
        size = 0;
    }

    /** @return aggregates cached */
    public int size() {
        return size;
    }
}
