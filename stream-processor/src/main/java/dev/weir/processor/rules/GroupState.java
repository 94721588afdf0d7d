package dev.weir.processor.rules;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The state of one (rule, group): alert status and times, the rule's sliding-window counters
 * and up to {@value #EXEMPLARS} exemplar events. Stored in {@link RulesTopology#STATE_STORE}
 * in a versioned binary format ({@link #toBytes()}). Not thread-safe.
 */
final class GroupState {
    static final int EXEMPLARS = 5;
    /** Distinct values (users or IPs) a login rule's group remembers; beyond them a count is a lower bound. */
    static final int MAX_DISTINCT = 256;
    /** Format 2 adds the distinct values; format 1 (without them) is still read. */
    private static final byte FORMAT = 2;
    private static final byte FORMAT_1 = 1;

    enum Status { INACTIVE, PENDING, FIRING }

    Status status = Status.INACTIVE;
    long ruleVersion;
    /** When the condition started holding (event time; wall time for absence). */
    long activeAt;
    /** When the alert started firing. */
    long startsAt;
    /** When the condition last held. */
    long lastTrueAt;
    long lastEventTime = Long.MIN_VALUE;
    long lastEventWall;
    double lastValue;
    /**
     * new_fingerprint: start of the current sighting and occurrences since; login_success_after_failures: the time of the
     * success that followed enough failures, and the failures before it.
     */
    long firstSeen = Long.MIN_VALUE;
    long occurrences;
    /** login_spraying / login_distinct_ips: each distinct user or IP of the group's failures and when it was last seen. */
    final Map<String, Long> distinct = new HashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    /** Most recent offending events: id, trace id (nullable). */
    final Deque<String[]> exemplars = new ArrayDeque<>();
    final List<Ring> rings = new ArrayList<>();
    /** The sketch key of the latest latency bucket and that bucket, kept in memory only (never stored). */
    String sketchKey;
    long sketchKeyBucket;
    /**
     * Distinct-metric rules, in memory only: the union of the window's HLL buckets as of the ring bucket
     * {@code unionBucket} (rebuilt when the window moves on), and the estimate it last gave.
     */
    org.apache.datasketches.hll.Union union;
    long unionBucket;
    double unionEstimate;

    /**
     * Remembers that {@code value} was seen at {@code t}; values last seen a window before {@code t} make room when the
     * group already holds {@link #MAX_DISTINCT}.
     */
    void seeDistinct(String value, long t, long windowMs) {
        Long last = distinct.get(value);
        if (last != null) {
            distinct.put(value, Math.max(last, t));
            return;
        }
        if (distinct.size() >= MAX_DISTINCT) {
            distinct.values().removeIf(seen -> seen <= t - windowMs);
            if (distinct.size() >= MAX_DISTINCT) {
                return;
            }
        }
        distinct.put(value, t);
    }

    /** @return the distinct values seen after {@code from} */
    int distinctSince(long from) {
        int n = 0;
        for (long seen : distinct.values()) {
            if (seen > from) {
                n++;
            }
        }
        return n;
    }

    void exemplar(String id, String traceId) {
        if (exemplars.size() == EXEMPLARS) {
            exemplars.removeFirst();
        }
        exemplars.addLast(new String[] {id, traceId});
    }

    byte[] toBytes() {
        return toBytes(ByteBuffer.allocate(maxBytes()));
    }

    /**
     * @param scratch a buffer to encode into (its content is overwritten); lets the caller reuse one
     *                buffer instead of allocating the worst-case size (kilobytes with several rings)
     *                for every event
     * @return the encoded state, a new array of exactly its length
     * @throws java.nio.BufferOverflowException when {@code scratch} is too small: retry with a larger one
     */
    byte[] toBytes(ByteBuffer scratch) {
        ByteBuffer out = scratch.clear();
        out.put(FORMAT);
        out.put((byte) status.ordinal());
        out.putLong(ruleVersion);
        Varints.writeLong(out, activeAt);
        Varints.writeLong(out, startsAt);
        Varints.writeLong(out, lastTrueAt);
        Varints.writeLong(out, lastEventTime);
        Varints.writeLong(out, lastEventWall);
        out.putDouble(lastValue);
        Varints.writeLong(out, firstSeen);
        Varints.writeLong(out, occurrences);
        Varints.writeLong(out, labels.size());
        for (Map.Entry<String, String> e : labels.entrySet()) {
            Varints.writeString(out, e.getKey());
            Varints.writeString(out, e.getValue());
        }
        Varints.writeLong(out, exemplars.size());
        for (String[] x : exemplars) {
            Varints.writeString(out, x[0]);
            Varints.writeString(out, x[1]);
        }
        Varints.writeLong(out, rings.size());
        for (Ring r : rings) {
            r.write(out);
        }
        Varints.writeLong(out, distinct.size());
        for (Map.Entry<String, Long> e : distinct.entrySet()) {
            Varints.writeString(out, e.getKey());
            Varints.writeLong(out, e.getValue());
        }
        byte[] bytes = new byte[out.position()];
        out.flip();
        out.get(bytes);
        return bytes;
    }

    /** @return an upper bound of the encoded size */
    int maxBytes() {
        int size = 128;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            size += Varints.maxBytes(e.getKey()) + Varints.maxBytes(e.getValue());
        }
        for (String[] x : exemplars) {
            size += Varints.maxBytes(x[0]) + Varints.maxBytes(x[1]);
        }
        for (Ring r : rings) {
            size += r.maxBytes();
        }
        for (String v : distinct.keySet()) {
            size += Varints.maxBytes(v) + 10;
        }
        return size;
    }

    static GroupState fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte format = in.get();
            if (format != FORMAT && format != FORMAT_1) {
                throw new SerializationException("Unknown rule state format " + format + "; this processor reads formats "
                        + FORMAT_1 + " and " + FORMAT);
            }
            GroupState s = new GroupState();
            s.status = Status.values()[in.get()];
            s.ruleVersion = in.getLong();
            s.activeAt = Varints.readLong(in);
            s.startsAt = Varints.readLong(in);
            s.lastTrueAt = Varints.readLong(in);
            s.lastEventTime = Varints.readLong(in);
            s.lastEventWall = Varints.readLong(in);
            s.lastValue = in.getDouble();
            s.firstSeen = Varints.readLong(in);
            s.occurrences = Varints.readLong(in);
            long n = Varints.readLong(in);
            for (long i = 0; i < n; i++) {
                s.labels.put(Varints.readString(in), Varints.readString(in));
            }
            n = Varints.readLong(in);
            for (long i = 0; i < n; i++) {
                s.exemplars.addLast(new String[] {Varints.readString(in), Varints.readString(in)});
            }
            n = Varints.readLong(in);
            for (long i = 0; i < n; i++) {
                s.rings.add(Ring.read(in));
            }
            if (format != FORMAT_1) {
                n = Varints.readLong(in);
                for (long i = 0; i < n; i++) {
                    s.distinct.put(Varints.readString(in), Varints.readLong(in));
                }
            }
            return s;
        } catch (RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Corrupt rule state (" + bytes.length + " bytes): " + e, e);
        }
    }
}
