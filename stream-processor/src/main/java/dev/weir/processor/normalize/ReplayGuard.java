package dev.weir.processor.normalize;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Recognises the lines of a file that an agent sends a second time. An agent is at-least-once: killed
 * before it checkpointed a file's position, it reads the file again from its checkpoint and sends lines
 * that are already on the broker. Elasticsearch keeps one document per {@code event.id}, but the
 * measures would count such a line twice, so the normaliser hands the second copy on to its clean topic only, not to
 * the measures and rules. (A line that is not a copy but comes after a later line of its file, which only a
 * retried send could cause, would be taken for one: it would still be indexed, and missing from its window.)
 *
 * <p>The agent gives a file's line the id {@code <identity>-<offset>}: 16 hex digits that identify the
 * file (its first inode and first bytes), then the line's byte offset. It sends a file's lines in file
 * order, and a raw partition keeps that order. So per raw topic, host and file identity the highest
 * offset seen is enough to know a line again: one entry per followed file, not one per event. An entry
 * not seen for {@link #HORIZON} is forgotten (an agent down for longer than that sends its lines again
 * as new).
 *
 * <p>A body the agent's HTTP intake took is the same: a client that got no answer (the agent was killed after Kafka had
 * the body's events, before it answered 202) sends the body again, and the agent gives the same bytes the same ids,
 * {@code h-<16 hex digits of the body's SHA-256>-<line>}. The agent sends a body's lines in order, so per raw topic and
 * body the highest line seen is enough. Bodies are many more than files, and a client sends again within its retry
 * time, so a body is forgotten {@link #HTTP_HORIZON} after its last line. Two bodies of the same bytes have the same
 * ids, and Elasticsearch keeps one document for both; the measures count them once too.
 *
 * <p>Events with any other id (stdin, the browser beacon, OTLP, an id the application set) are never taken for copies.
 *
 * <p>Store: {@value #STORE}, key {@code <raw topic>|<host>|<identity>} for a file and {@code <raw topic>||h-<hex>} for
 * an HTTP body, value the highest offset or line and the wall-clock millis it was last seen at (16 bytes). Not
 * thread-safe: one per stream task, like its store.
 */
public final class ReplayGuard {
    /** The store name; renaming it forgets every file's position. */
    public static final String STORE = "replay-guard-store";
    /** How long a file's highest offset is kept after its last line. */
    public static final Duration HORIZON = Duration.ofHours(24);
    /** How long an HTTP body's highest line is kept after its last line. */
    public static final Duration HTTP_HORIZON = Duration.ofHours(1);
    /** How often entries older than their horizon are removed. */
    public static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    private static final int IDENTITY_CHARS = 16;
    private static final String HTTP_PREFIX = "h-";

    private final KeyValueStore<String, byte[]> store;

    /** @param store the task's {@value #STORE} */
    public ReplayGuard(KeyValueStore<String, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Records the event and tells whether it is a copy of one already seen.
     *
     * @param rawTopic   the raw topic the event was read from
     * @param host       the event's host, or null
     * @param id         the event's id
     * @param fileOffset the event's {@code log.offset}, or null when it has none
     * @param nowMillis  wall-clock time, for the horizon
     * @return whether the event is a file line at or below the highest offset seen of its file, or a line of an HTTP
     *         body at or below the highest line seen of that body
     */
    public boolean seenBefore(String rawTopic, String host, String id, Long fileOffset, long nowMillis) {
        String key;
        long offset;
        if (id.startsWith(HTTP_PREFIX)) {
            offset = fileLineOffset(id.substring(HTTP_PREFIX.length()));
            if (offset < 0) {
                return false;
            }
            key = rawTopic + "||" + id.substring(0, HTTP_PREFIX.length() + IDENTITY_CHARS);
        } else {
            offset = fileLineOffset(id);
            if (offset < 0 || (fileOffset != null && fileOffset != offset)) {
                return false;
            }
            key = rawTopic + "|" + (host == null ? "" : host) + "|" + id.substring(0, IDENTITY_CHARS);
        }
        byte[] known = store.get(key);
        if (known != null && ByteBuffer.wrap(known).getLong(0) >= offset) {
            return true;
        }
        store.put(key, ByteBuffer.allocate(16).putLong(offset).putLong(nowMillis).array());
        return false;
    }

    /**
     * Removes the files not seen for {@link #HORIZON} and the HTTP bodies not seen for {@link #HTTP_HORIZON}.
     *
     * @param nowMillis wall-clock time
     * @return how many were removed
     */
    public int purge(long nowMillis) {
        long oldestFile = nowMillis - HORIZON.toMillis();
        long oldestBody = nowMillis - HTTP_HORIZON.toMillis();
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> e = all.next();
                boolean body = e.key.startsWith(HTTP_PREFIX, e.key.lastIndexOf('|') + 1);
                if (ByteBuffer.wrap(e.value).getLong(8) < (body ? oldestBody : oldestFile)) {
                    stale.add(e.key);
                }
            }
        }
        stale.forEach(store::delete);
        return stale.size();
    }

    /**
     * @param id an event id
     * @return the offset of an agent file line's id ({@code <16 hex digits>-<digits>}), or -1 for any other id
     */
    static long fileLineOffset(String id) {
        int n = id.length();
        if (n < IDENTITY_CHARS + 2 || n > IDENTITY_CHARS + 20 || id.charAt(IDENTITY_CHARS) != '-') {
            return -1;
        }
        for (int i = 0; i < IDENTITY_CHARS; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return -1;
            }
        }
        long offset = 0;
        for (int i = IDENTITY_CHARS + 1; i < n; i++) {
            char c = id.charAt(i);
            int digit = c - '0';
            if (digit < 0 || digit > 9 || offset > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            offset = offset * 10 + digit;
        }
        return offset;
    }
}
