package dev.weir.processor.rules;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule set a processor of the rules part works with: the files of the rules topic's global
 * table when it holds any, else the configured set; re-read on {@link #refresh()}, keeping the
 * running set when the topic's set is invalid. One per processor (task); not thread-safe.
 */
public final class RuleSetSource {
    private static final Logger log = LoggerFactory.getLogger(RuleSetSource.class);

    private final RuleSet configured;
    private final ReadOnlyKeyValueStore<String, ?> files;
    private Map<String, String> loaded;
    private RuleSet current;

    /**
     * @param configured the set used while the topic is empty
     * @param files      the global store of the rules topic ({@link RulesTopology#RULES_FILES_STORE})
     */
    public RuleSetSource(RuleSet configured, ReadOnlyKeyValueStore<String, ?> files) {
        this.configured = Objects.requireNonNull(configured, "configured");
        this.files = Objects.requireNonNull(files, "files");
        this.loaded = readFiles(files);
        this.current = loaded.isEmpty() ? configured
                : RuleSet.lenient(loaded, e -> log.error("Skipping rule file {} from the rules topic: {}", e.file(), e.getMessage()));
    }

    /**
     * @param store the global store of the rules topic
     * @return file name → YAML text of the rules topic's table
     */
    public static Map<String, String> readFiles(ReadOnlyKeyValueStore<String, ?> store) {
        Map<String, String> m = new TreeMap<>();
        try (KeyValueIterator<String, ?> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ?> kv = it.next();
                Object v = kv.value instanceof ValueAndTimestamp<?> vt ? vt.value() : kv.value;
                if (v != null) {
                    m.put(kv.key, v.toString());
                }
            }
        }
        return m;
    }

    /** @return the set in use */
    public RuleSet current() {
        return current;
    }

    /** @return whether the set changed since the last call */
    public boolean refresh() {
        Map<String, String> now = readFiles(files);
        if (now.equals(loaded)) {
            return false;
        }
        loaded = now;
        if (now.isEmpty()) {
            current = configured;
            return true;
        }
        try {
            current = RuleSet.parse(now);
            return true;
        } catch (RuleException e) {
            return false; // RulesProcessor logs the rejection
        }
    }
}
