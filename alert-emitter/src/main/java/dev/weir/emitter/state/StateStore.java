package dev.weir.emitter.state;

import java.util.Map;

/**
 * Durable key/value state that survives restarts: the notification log and the silences. The
 * production store is a compacted Kafka topic ({@link KafkaStateStore}); writes return only once
 * durable. Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {
    /** @return every live key and its value, as of startup */
    Map<String, String> load();

    /** Writes {@code value} under {@code key}; returns once durable. */
    void put(String key, String value);

    /** Removes {@code key} (a tombstone in a compacted topic). */
    void delete(String key);

    @Override
    default void close() {}

    /** A store that lives only as long as the process: for tests and runs without Kafka. */
    static StateStore inMemory() {
        return new StateStore() {
            private final Map<String, String> map = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public Map<String, String> load() {
                return Map.copyOf(map);
            }

            @Override
            public void put(String key, String value) {
                map.put(key, value);
            }

            @Override
            public void delete(String key) {
                map.remove(key);
            }
        };
    }
}
