package dev.weir.processor;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic name with the serdes of its keys and values, so the two never part.
 *
 * @param name  topic name, e.g. {@code weir.logs}
 * @param key   key serde
 * @param value value serde
 * @param <K>   key type
 * @param <V>   value type
 */
public record Topic<K, V>(String name, Serde<K> key, Serde<V> value) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
