package dev.weir.emitter.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Durable key/value state shared by every emitter instance and kept across restarts: the
 * notification log, the silences and the acknowledgements. The production store is a compacted
 * Kafka topic ({@link KafkaStateStore}) that every instance reads to its end and then follows, so
 * a change written by one instance reaches the others. Writes return only once durable.
 * Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {
    /** Told every change: a key's new value, or null when it was deleted. */
    @FunctionalInterface
    interface Listener {
        void changed(String key, String value);
    }

    /**
     * Delivers the current state (every change written before this call) to {@code listener}
     * before returning, then keeps delivering changes written by any instance. Call it once.
     * The listener is called under the store's lock, one change at a time: it must be quick.
     *
     * @param listener told each key's value, in write order per key
     */
    void start(Listener listener);

    /** Writes {@code value} under {@code key}; returns once durable and delivered to the listener. */
    void put(String key, String value);

    /** Removes {@code key} (a tombstone in a compacted topic); returns once durable and delivered. */
    void delete(String key);

    @Override
    default void close() {}

    /** A store that lives only as long as the process: for tests and runs without Kafka. */
    static StateStore inMemory() {
        return new StateStore() {
            private final Map<String, String> map = new ConcurrentHashMap<>();
            private Listener listener = (k, v) -> { };

            @Override
            public synchronized void start(Listener l) {
                this.listener = l;
                map.forEach(l::changed);
            }

            @Override
            public synchronized void put(String key, String value) {
                map.put(key, value);
                listener.changed(key, value);
            }

            @Override
            public synchronized void delete(String key) {
                map.remove(key);
                listener.changed(key, null);
            }
        };
    }
}
