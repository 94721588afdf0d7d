package dev.weir.processor.rules;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
    private static final byte FORMAT = 1;

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
    /** new_fingerprint: start of the current sighting and occurrences since. */
    long firstSeen = Long.MIN_VALUE;
    long occurrences;
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
    double distinct;

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
        return size;
    }

    static GroupState fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte format = in.get();
            if (format != FORMAT) {
                throw new SerializationException("Unknown rule state format " + format + "; this processor reads format " + FORMAT);
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
            return s;
        } catch (RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Corrupt rule state (" + bytes.length + " bytes): " + e, e);
        }
    }
}
