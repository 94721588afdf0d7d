package dev.weir.processor.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deserialized values of a key-value store of bytes, kept in memory and written back once per
 * commit (write-behind), for state that changes on every event: a value is decoded when first
 * read, changed in place by the processor, and encoded and put into the store only when
 * {@link #flushDirty()} runs (before every commit, through the task's {@link CommitHook}), when
 * it leaves the map, or before the store is iterated.
 *
 * <p>The store must have caching disabled (see {@link CommitHook}). Deletes go to the store at
 * once. Holds at most {@code maxEntries} values: the least recently used one leaves, and is
 * written first if it changed. The processor must {@link #attach} the store in {@code init}, which
 * forgets everything of an earlier incarnation of the task (its uncommitted changes are gone with
 * the aborted transaction and the store was restored from its changelog).
 *
 * <p>Not thread-safe: one per processor instance (task).
 *
 * @param <V> the value type; mutable
 */
public final class WriteBehindMap<V> implements CommitHook.WriteBehind {
    private final Function<byte[], V> decode;
    private final Function<V, byte[]> encode;
    private final Map<String, Entry<V>> live;
    private final List<Entry<V>> dirty = new ArrayList<>();
    private KeyValueStore<String, byte[]> store;
    /**
     * The entry the last {@link #get} found, and the key instance it was asked with. A processor
     * usually puts a value right after getting it, with the same key instance; this spares the put
     * a second hash lookup (and the access-order relink). Valid while the entry is not {@code gone}:
     * every way an entry leaves {@link #live} marks it, except {@link #attach}, which clears these.
     */
    private Entry<V> lastEntry;
    private String lastKey;

    private static final class Entry<V> {
        final String key;
        final V value;
        boolean dirty;
        boolean gone;

        Entry(String key, V value) {
            this.key = key;
            this.value = value;
        }
    }

    /**
     * @param maxEntries values kept in memory
     * @param decode     store bytes → value
     * @param encode     value → store bytes
     */
    public WriteBehindMap(int maxEntries, Function<byte[], V> decode, Function<V, byte[]> encode) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, not " + maxEntries);
        }
        this.decode = decode;
        this.encode = encode;
        this.live = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
                if (size() <= maxEntries) {
                    return false;
                }
                write(eldest.getValue());
                eldest.getValue().gone = true;
                return true;
            }
        };
    }

    /**
     * Uses {@code store} from now on and forgets every value, written or not; call it in {@code init}.
     *
     * @param store the store (caching disabled)
     */
    public void attach(KeyValueStore<String, byte[]> store) {
        this.store = store;
        live.clear();
        dirty.clear();
        lastEntry = null;
        lastKey = null;
    }

    /** @return the value of {@code key} (the live instance), or {@code null} when the store has none */
    public V get(String key) {
        Entry<V> e = live.get(key);
        if (e == null) {
            byte[] bytes = store.get(key);
            if (bytes == null) {
                return null;
            }
            e = new Entry<>(key, decode.apply(bytes));
            live.put(key, e);
        }
        lastEntry = e;
        lastKey = key;
        return e.value;
    }

    /**
     * Records that {@code value} is (now) the value of {@code key}; it is written at the next flush.
     *
     * @param key   the key
     * @param value the value, usually the instance {@link #get} returned, changed
     */
    public void put(String key, V value) {
        Entry<V> e = key == lastKey && !lastEntry.gone ? lastEntry : live.get(key);
        if (e == null || e.value != value) {
            if (e != null) {
                e.gone = true;
            }
            e = new Entry<>(key, value);
            live.put(key, e);
        }
        if (!e.dirty) {
            e.dirty = true;
            dirty.add(e);
        }
    }

    /** Deletes {@code key} from memory and from the store. */
    public void delete(String key) {
        Entry<V> e = live.remove(key);
        if (e != null) {
            e.gone = true;
        }
        store.delete(key);
    }

    /** Writes every value changed since the last flush into the store. */
    @Override
    public void flushDirty() {
        for (Entry<V> e : dirty) {
            if (!e.gone) {
                write(e);
            }
        }
        dirty.clear();
    }

    private void write(Entry<V> e) {
        if (e.dirty) {
            e.dirty = false;
            store.put(e.key, encode.apply(e.value));
        }
    }
}
