package dev.weir.processor.rules;

import java.nio.ByteBuffer;
import java.util.function.LongConsumer;

/**
 * A sliding window of {@code n} buckets of {@code width} milliseconds, each holding a few
 * counters (e.g. requests and errors). It covers the buckets {@code (b - n, b]} for the bucket
 * {@code b} of the time asked about, so between {@code (n-1)·width} and {@code n·width} of time.
 * Events older than the window are dropped. Memory: {@code n × fields} longs. Not thread-safe.
 */
final class Ring {
    static final int BUCKETS = 60;

    private final long width;
    private final int n;
    private final long[][] counts; // [field][slot]
    /**
     * Per field, the sum over every slot: all slots lie in {@code (head - n, head]}, so this is the
     * sum of the window ending at {@code head}, which makes the usual {@link #sum} (at the newest
     * bucket) O(1) instead of a loop over {@code n} buckets for every event and rule. Not stored:
     * {@link #read} recomputes it.
     */
    private final long[] totals;
    private long head = Long.MIN_VALUE; // newest bucket index, MIN_VALUE when empty

    Ring(long width, int n, int fields) {
        if (width <= 0 || n <= 0 || fields <= 0) {
            throw new IllegalArgumentException("width, n and fields must be positive");
        }
        this.width = width;
        this.n = n;
        this.counts = new long[fields][n];
        this.totals = new long[fields];
    }

    /** A ring of {@value #BUCKETS} buckets spanning {@code windowMs} (a 5m window has 5 s buckets). */
    static Ring forWindow(long windowMs, int fields) {
        return new Ring(Math.max(1, windowMs / BUCKETS), BUCKETS, fields);
    }

    long width() {
        return width;
    }

    /** Bucket index of a time. */
    long bucket(long t) {
        return Math.floorDiv(t, width);
    }

    /**
     * Adds {@code deltas} to the bucket of {@code t}.
     *
     * @param evicted told the index of every non-empty bucket that falls out of the ring
     * @return false when {@code t} is older than the window and was dropped
     */
    boolean add(long t, long[] deltas, LongConsumer evicted) {
        long b = bucket(t);
        if (head != Long.MIN_VALUE && b <= head - n) {
            return false;
        }
        advance(b, evicted);
        int slot = slot(b);
        for (int f = 0; f < deltas.length; f++) {
            counts[f][slot] += deltas[f];
            totals[f] += deltas[f];
        }
        return true;
    }

    private void advance(long b, LongConsumer evicted) {
        if (head == Long.MIN_VALUE) {
            head = b;
            return;
        }
        if (b <= head) {
            return;
        }
        long steps = Math.min(b - head, n);
        // the slots of the oldest buckets head - n + 1 … head - n + steps are taken by the newest ones
        long oldest = head - n + 1;
        int slot = slot(oldest);
        for (long index = oldest; index < oldest + steps; index++) {
            boolean nonEmpty = false;
            for (int f = 0; f < counts.length; f++) {
                long c = counts[f][slot];
                nonEmpty |= c != 0;
                totals[f] -= c;
                counts[f][slot] = 0;
            }
            if (nonEmpty && evicted != null) {
                evicted.accept(index);
            }
            slot = slot + 1 == n ? 0 : slot + 1;
        }
        head = b;
    }

    /** @return the sum of {@code field} over the window ending at {@code t} */
    long sum(long t, int field) {
        if (head == Long.MIN_VALUE) {
            return 0;
        }
        long bt = bucket(t);
        if (bt == head) {
            return totals[field];
        }
        if (bt > head) {
            // the window (bt - n, bt] keeps the newest buckets: the total minus the oldest (bt - head) buckets
            if (bt - head >= n) {
                return 0;
            }
            return totals[field] - sumOf(field, head - n + 1, bt - n);
        }
        return sumOf(field, Math.max(bt - n + 1, head - n + 1), bt);
    }

    /** @return the sum of {@code field} over the buckets {@code lo..hi}, which must lie in {@code (head - n, head]} */
    private long sumOf(int field, long lo, long hi) {
        long sum = 0;
        long[] c = counts[field];
        int slot = slot(lo);
        for (long i = lo; i <= hi; i++) {
            sum += c[slot];
            slot = slot + 1 == n ? 0 : slot + 1;
        }
        return sum;
    }

    private int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) n);
    }

    /** @return bucket indexes in the window ending at {@code t} that hold events */
    long[] occupied(long t) {
        if (head == Long.MIN_VALUE) {
            return new long[0];
        }
        long bt = bucket(t);
        long lo = Math.max(bt - n + 1, head - n + 1);
        long hi = Math.min(bt, head);
        return java.util.stream.LongStream.rangeClosed(lo, hi)
                .filter(i -> counts[0][slot(i)] != 0).toArray();
    }

    void write(ByteBuffer out) {
        Varints.writeLong(out, width);
        Varints.writeLong(out, n);
        Varints.writeLong(out, counts.length);
        out.putLong(head);
        for (long[] field : counts) {
            Varints.writeLongs(out, field);
        }
    }

    static Ring read(ByteBuffer in) {
        long width = Varints.readLong(in);
        int n = (int) Varints.readLong(in);
        int fields = (int) Varints.readLong(in);
        Ring r = new Ring(width, n, fields);
        r.head = in.getLong();
        for (int f = 0; f < fields; f++) {
            for (int i = 0; i < n; i++) {
                r.counts[f][i] = Varints.readLong(in);
                r.totals[f] += r.counts[f][i];
            }
        }
        return r;
    }

    /** @return an upper bound of the bytes {@link #write} needs */
    int maxBytes() {
        return 40 + counts.length * n * 10;
    }
}
