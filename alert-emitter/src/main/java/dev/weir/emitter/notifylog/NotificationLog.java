package dev.weir.emitter.notifylog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.emitter.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each receiver integration was told about each alert group, kept in a {@link StateStore}
 * (the compacted topic {@code weir.notifications}) that every instance follows.
 *
 * <p>An entry holds the last notification delivered and, while one is being sent, the pending
 * one: the owner of a group writes the pending notification (with the id receivers see as
 * {@code Idempotency-Key}) before it sends, and the delivered one after the receiver accepted it.
 * An instance that takes a group over and finds a pending notification it did not send itself
 * does not know whether the receiver got it: it sends it again with the same id when the group
 * is unchanged, or the group's current state when it moved on. Thread-safe.
 */
public final class NotificationLog {
    private static final Logger log = LoggerFactory.getLogger(NotificationLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * One notification: the alerts it reported firing and resolved, when, its id, and for an
     * escalation step the escalation it belongs to.
     *
     * @param firing fingerprints reported firing
     * @param resolved fingerprints reported resolved
     * @param timestampMillis when it was decided
     * @param id the notification's id (receivers see it as {@code Idempotency-Key}); empty for
     *     entries written before ids existed or recorded without a send
     * @param escalationSince for an escalation step: when the unacknowledged firing that drives it started (epoch ms), else 0
     * @param round for an escalation step: the round of the policy it was sent in, else -1
     */
    public record State(Set<String> firing, Set<String> resolved, long timestampMillis, String id, long escalationSince,
                        int round) {
        public State {
            firing = Set.copyOf(firing);
            resolved = Set.copyOf(resolved);
            id = id == null ? "" : id;
        }

        public Instant timestamp() {
            return Instant.ofEpochMilli(timestampMillis);
        }

        /** @return whether it reported exactly these alerts */
        public boolean sameAlerts(Set<String> firingNow, Set<String> resolvedNow) {
            return firing.equals(firingNow) && resolved.equals(resolvedNow);
        }
    }

    /**
     * @param delivered the last notification the receiver accepted, or null
     * @param pending a notification announced but not (yet) known to be delivered, or null
     */
    public record Entry(State delivered, State pending) {}

    /**
     * Follows {@code store}; returns once its current content is loaded.
     *
     * @param store the log's store
     */
    public NotificationLog(StateStore store) {
        store.start((key, value) -> {
            if (value == null) {
                entries.remove(key);
                return;
            }
            try {
                entries.put(key, fromJson(value));
            } catch (RuntimeException e) {
                log.error("ignoring unreadable notification log entry {}: {}", key, e.getMessage());
            }
        });
    }

    /**
     * @param receiver receiver name
     * @param integration e.g. {@code slack[0]}
     * @param groupKey the group, with {@code /escalation[i]} appended for escalation step {@code i}
     * @return the key of the log entry
     */
    public static String key(String receiver, String integration, String groupKey) {
        return receiver + "/" + integration + "/" + groupKey;
    }

    /** @return the entry, or null when this integration never notified this group */
    public Entry get(String key) {
        return entries.get(key);
    }

    /** @return the keys of the entries that start with {@code prefix} */
    public Set<String> keys(String prefix) {
        Set<String> out = new TreeSet<>();
        entries.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(out::add);
        return out;
    }

    /**
     * Writes an entry through {@code writer} (the store applies it before this returns).
     *
     * @throws IllegalStateException when the writer could not write it
     */
    public void write(LogWriter writer, String key, Entry entry) {
        writer.write(key, toJson(entry));
    }

    /**
     * Alertmanager's {@code DedupStage.needsUpdate}: notify a group the first time only when
     * something fires; again when a new alert fires, when everything resolved after a firing
     * notification, when send_resolved and something new resolved, or after repeat_interval.
     *
     * @param last the last notification (delivered or pending), or null
     */
    public static boolean needsUpdate(State last, Set<String> firing, Set<String> resolved, boolean sendResolved,
                                      Instant now, Duration repeatInterval) {
        if (last == null) {
            return !firing.isEmpty();
        }
        if (!last.firing().containsAll(firing)) {
            return true;
        }
        if (firing.isEmpty()) {
            return !last.firing().isEmpty();
        }
        if (sendResolved && !last.resolved().containsAll(resolved)) {
            return true;
        }
        return !last.timestamp().isAfter(now.minus(repeatInterval));
    }

    /** The JSON of an entry: the delivered state's fields at the top level (as before pending existed), {@code pending} nested. */
    static String toJson(Entry e) {
        ObjectNode n = JSON.createObjectNode();
        if (e.delivered() != null) {
            put(n, e.delivered());
        }
        if (e.pending() != null) {
            put(n.putObject("pending"), e.pending());
        }
        return n.toString();
    }

    private static void put(ObjectNode n, State s) {
        n.putPOJO("firing", new TreeSet<>(s.firing()));
        n.putPOJO("resolved", new TreeSet<>(s.resolved()));
        n.put("timestampMillis", s.timestampMillis());
        if (!s.id().isEmpty()) {
            n.put("id", s.id());
        }
        if (s.round() >= 0) {
            n.put("escalationSince", s.escalationSince());
            n.put("round", s.round());
        }
    }

    static Entry fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            State delivered = n.has("firing") ? state(n) : null;
            State pending = n.hasNonNull("pending") ? state(n.get("pending")) : null;
            return new Entry(delivered, pending);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private static State state(JsonNode n) {
        return new State(strings(n.path("firing")), strings(n.path("resolved")), n.path("timestampMillis").asLong(),
                n.path("id").asText(""), n.path("escalationSince").asLong(0), n.path("round").asInt(-1));
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> out = new HashSet<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
