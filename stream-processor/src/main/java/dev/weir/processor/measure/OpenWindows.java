package dev.weir.processor.measure;

import dev.weir.processor.state.CommitHook;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The deserialized aggregates of the windows a processor is still adding to, keyed by window
 * start and store key, in front of its window store: write-behind. An event changes the cached
 * aggregate; the store gets each changed aggregate once, when {@link #flushDirty()} runs (before
 * every commit, through the task's {@link CommitHook}), instead of one serialization (for a latency
 * aggregate, a 2-5 kB DDSketch protobuf) and one store put per event.
 *
 * <p>The store must have caching disabled (see {@link CommitHook}). The processor must
 * {@link #attach} it in {@code init}, which also forgets whatever an earlier incarnation of the
 * task had cached (a task revived after a dirty close has its store restored from the changelog,
 * and its uncommitted changes are gone with the aborted transaction). Reads that need the store
 * itself (iterating the closed windows, interactive queries) see the aggregates as of the last
 * flush: call {@link #flushDirty()} before iterating. Bounded by {@code maxEntries}: when full, it
 * writes what is dirty and starts over empty (each entry is then read from the store once more).
 *
 * <p>Not thread-safe: one per processor instance (task).
 *
 * @param <V> the aggregate type; mutable: the processor changes the instance {@link #get} returned
 *            and then calls {@link #put} with it
 */
public final class OpenWindows<V> implements CommitHook.WriteBehind {
    private final int maxEntries;
    private final TreeMap<Long, Map<String, Slot<V>>> byStart = new TreeMap<>();
    private final List<Slot<V>> dirty = new ArrayList<>();
    private WindowStore<String, V> store;
    private int size;

    private static final class Slot<V> {
        final String key;
        final long start;
        V value;
        boolean dirty;

        Slot(String key, long start, V value) {
            this.key = key;
            this.start = start;
            this.value = value;
        }
    }

    /** @param maxEntries at most this many aggregates are kept */
    public OpenWindows(int maxEntries) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, not " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Uses {@code store} from now on and forgets everything cached, written or not; call it in
     * the processor's {@code init}.
     *
     * @param store the window store the aggregates belong to (caching disabled)
     */
    public void attach(WindowStore<String, V> store) {
        this.store = store;
        byStart.clear();
        dirty.clear();
        size = 0;
    }

    /**
     * @param key         store key
     * @param windowStart window start
     * @return the aggregate: the cached one, else the store's (now cached), else {@code null}
     */
    public V get(String key, long windowStart) {
        Map<String, Slot<V>> w = byStart.get(windowStart);
        Slot<V> slot = w == null ? null : w.get(key);
        if (slot != null) {
            return slot.value;
        }
        V stored = store.fetch(key, windowStart);
        if (stored != null) {
            slot(key, windowStart).value = stored;
        }
        return stored;
    }

    /**
     * Records {@code value} as the new content of {@code key} at {@code windowStart}, to be written
     * at the next {@link #flushDirty()}.
     *
     * @param key         store key
     * @param windowStart window start
     * @param value       the aggregate
     */
    public void put(String key, long windowStart, V value) {
        Slot<V> s = slot(key, windowStart);
        s.value = value;
        if (!s.dirty) {
            s.dirty = true;
            dirty.add(s);
        }
    }

    private Slot<V> slot(String key, long windowStart) {
        Map<String, Slot<V>> w = byStart.get(windowStart);
        Slot<V> s = w == null ? null : w.get(key);
        if (s != null) {
            return s;
        }
        if (size >= maxEntries) {
            flushDirty();
            byStart.clear();
            size = 0;
        }
        s = new Slot<>(key, windowStart, null);
        byStart.computeIfAbsent(windowStart, x -> new HashMap<>()).put(key, s);
        size++;
        return s;
    }

    /** Writes every aggregate changed since the last flush into the store. */
    @Override
    public void flushDirty() {
        for (Slot<V> s : dirty) {
            if (s.dirty) {
                s.dirty = false;
                store.put(s.key, s.value, s.start);
            }
        }
        dirty.clear();
    }

    /** Writes what is dirty, then forgets the windows starting at or before {@code windowStart} (they closed: no more adds). */
    public void dropStartingUpTo(long windowStart) {
        flushDirty();
        Iterator<Map<String, Slot<V>>> it = byStart.headMap(windowStart, true).values().iterator();
        while (it.hasNext()) {
            size -= it.next().size();
            it.remove();
        }
    }

    /** @return aggregates cached */
    public int size() {
        return size;
    }

    /** @return aggregates changed since the last flush */
    public int dirtyCount() {
        return dirty.size();
    }
}
