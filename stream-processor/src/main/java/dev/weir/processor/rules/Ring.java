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
    private long head = Long.MIN_VALUE; // newest bucket index, MIN_VALUE when empty

    Ring(long width, int n, int fields) {
        if (width <= 0 || n <= 0 || fields <= 0) {
            throw new IllegalArgumentException("width, n and fields must be positive");
        }
        this.width = width;
        this.n = n;
        this.counts = new long[fields][n];
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
        int slot = (int) Math.floorMod(b, (long) n);
        for (int f = 0; f < deltas.length; f++) {
            counts[f][slot] += deltas[f];
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
        for (long i = 1; i <= steps; i++) {
            long index = b - steps + i; // the bucket that will occupy the slot
            int slot = (int) Math.floorMod(index, (long) n);
            boolean nonEmpty = false;
            for (long[] field : counts) {
                nonEmpty |= field[slot] != 0;
                field[slot] = 0;
            }
            if (nonEmpty && evicted != null) {
                evicted.accept(index - n);
            }
        }
        head = b;
    }

    /** @return the sum of {@code field} over the window ending at {@code t} */
    long sum(long t, int field) {
        if (head == Long.MIN_VALUE) {
            return 0;
        }
        long bt = bucket(t);
        long lo = Math.max(bt - n + 1, head - n + 1);
        long hi = Math.min(bt, head);
        long sum = 0;
        for (long i = lo; i <= hi; i++) {
            sum += counts[field][(int) Math.floorMod(i, (long) n)];
        }
        return sum;
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
                .filter(i -> counts[0][(int) Math.floorMod(i, (long) n)] != 0).toArray();
    }

    void write(ByteBuffer out) {
        Varints.writeLong(out, width);
        Varints.writeLong(out, n);
        Varints.writeLong(out, counts.length);
        out.putLong(head);
        for (long[] field : counts) {
            for (long c : field) {
                Varints.writeLong(out, c);
            }
        }
    }

    static Ring read(ByteBuffer in) {
        long width = Varints.readLong(in);
        int n = (int) Varints.readLong(in);
        int fields = (int) Varints.readLong(in);
        Ring r = new Ring(width, n, fields);
        r.head = in.getLong();
        for (long[] field : r.counts) {
            for (int i = 0; i < n; i++) {
                field[i] = Varints.readLong(in);
            }
        }
        return r;
    }

    /** @return an upper bound of the bytes {@link #write} needs */
    int maxBytes() {
        return 40 + counts.length * n * 10;
    }
}
