package dev.weir.emitter.notifylog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.emitter.state.StateStore;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each receiver integration was last told about each alert group: the firing and resolved
 * fingerprints and when. Checked before every send (Alertmanager's dedup stage) and written
 * after every successful one, to a {@link StateStore} (the compacted topic
 * {@code weir.notifications}), so a restart does not repeat a notification. Thread-safe.
 */
public final class NotificationLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** One notification: the alerts it reported firing and resolved. */
    public record Entry(Set<String> firing, Set<String> resolved, long timestampMillis) {
        public Entry {
            firing = Set.copyOf(firing);
            resolved = Set.copyOf(resolved);
        }

        public Instant timestamp() {
            return Instant.ofEpochMilli(timestampMillis);
        }
    }

    /** Loads the log from {@code store}. */
    public NotificationLog(StateStore store) {
        this.store = store;
        store.load().forEach((k, v) -> {
            try {
                entries.put(k, JSON.readValue(v, Entry.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable notification log entry " + k + ": " + e.getOriginalMessage(), e);
            }
        });
    }

    /**
     * @param receiver receiver name
     * @param integration e.g. {@code slack[0]}
     * @param groupKey the group
     * @return the key of the log entry
     */
    public static String key(String receiver, String integration, String groupKey) {
        return receiver + "/" + integration + "/" + groupKey;
    }

    /** @return the last entry, or null when this integration never notified this group */
    public Entry get(String key) {
        return entries.get(key);
    }

    /** Records a successful notification durably. */
    public void record(String key, Set<String> firing, Set<String> resolved, Instant at) {
        Entry e = new Entry(firing, resolved, at.toEpochMilli());
        try {
            store.put(key, JSON.writeValueAsString(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        entries.put(key, e);
    }

    /**
     * Alertmanager's {@code DedupStage.needsUpdate}: notify a group the first time only when
     * something fires; again when a new alert fires, when everything resolved after a firing
     * notification, when send_resolved and something new resolved, or after repeat_interval.
     */
    public static boolean needsUpdate(Entry entry, Set<String> firing, Set<String> resolved, boolean sendResolved,
                                      Instant now, java.time.Duration repeatInterval) {
        if (entry == null) {
            return !firing.isEmpty();
        }
        if (!entry.firing().containsAll(firing)) {
            return true;
        }
        if (firing.isEmpty()) {
            return !entry.firing().isEmpty();
        }
        if (sendResolved && !entry.resolved().containsAll(resolved)) {
            return true;
        }
        return !entry.timestamp().isAfter(now.minus(repeatInterval));
    }
}
