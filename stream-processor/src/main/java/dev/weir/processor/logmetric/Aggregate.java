package dev.weir.processor.logmetric;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import dev.weir.processor.measure.latency.StoredSketches;
import dev.weir.processor.rules.DistinctSketches;
import dev.weir.processor.rules.LogMetric;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One bucket (or a merged window) of a series: how many events, the sum of the measured field, and for a distribution
 * its DDSketch (1 % relative accuracy, at most {@value #MAX_BINS} bins: about 10 kB at worst, the lowest collapse
 * first), for a distinct count its HLL sketch ({@link DistinctSketches}). Mutable; not thread-safe.
 */
final class Aggregate {
    static final double ACCURACY = 0.01;
    static final int MAX_BINS = 2048;
    private static final byte FORMAT = 1;

    final LogMetric.Kind kind;
    long count;
    double sum;
    DDSketch sketch;
    HllSketch hll;
    /** Merging distinct buckets: the union, turned into {@link #hll} by {@link #distinct()}. */
    private Union union;

    Aggregate(LogMetric.Kind kind) {
        this.kind = kind;
    }

    /**
     * Adds one event: {@code value} of a sum or distribution, {@code distinct} of a distinct count.
     *
     * @param weight the occurrences the event stands for (a syslog line repeated N times counts N), at least 1
     */
    void add(double value, String distinct, long weight) {
        count += weight;
        switch (kind) {
            case SUM -> sum += value * weight;
            case DISTRIBUTION -> {
                sum += value * weight;
                if (sketch == null) {
                    sketch = newSketch();
                }
                sketch.accept(value, weight);
            }
            case DISTINCT -> {
                if (hll == null) {
                    hll = DistinctSketches.newSketch();
                }
                hll.update(distinct);
            }
            case COUNT -> { }
        }
    }

    /** Adds another bucket of the same kind (for windows; {@code other} is not changed). */
    void merge(Aggregate other) {
        count += other.count;
        sum += other.sum;
        if (other.sketch != null) {
            if (sketch == null) {
                sketch = other.sketch.copy();
            } else {
                sketch.mergeWith(other.sketch);
            }
        }
        if (other.hll != null) {
            if (union == null) {
                union = DistinctSketches.newUnion();
                if (hll != null) {
                    union.update(hll);
                }
            }
            union.update(other.hll);
            hll = null;
        }
    }

    /** @return the estimated distinct values (0 without any) */
    double distinct() {
        if (union != null) {
            return union.getEstimate();
        }
        return hll == null ? 0 : hll.getEstimate();
    }

    /** @return the value at quantile {@code q}, or NaN without samples */
    double quantile(double q) {
        return sketch == null || sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(q);
    }

    static DDSketch newSketch() {
        return DDSketches.logarithmicCollapsingLowestDense(ACCURACY, MAX_BINS);
    }

    byte[] encode() {
        byte[] extra = sketch != null ? StoredSketches.encode(sketch) : hll != null ? DistinctSketches.toBytes(hll) : new byte[0];
        return ByteBuffer.allocate(18 + extra.length).put(FORMAT).put((byte) kind.ordinal()).putLong(count).putDouble(sum).put(extra)
                .array();
    }

    static Aggregate decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (in.get() != FORMAT) {
                throw new SerializationException("Unknown log metric bucket format " + bytes[0] + "; this processor reads format " + FORMAT);
            }
            Aggregate a = new Aggregate(LogMetric.Kind.values()[in.get()]);
            a.count = in.getLong();
            a.sum = in.getDouble();
            if (in.hasRemaining()) {
                byte[] extra = Arrays.copyOfRange(bytes, in.position(), bytes.length);
                if (a.kind == LogMetric.Kind.DISTRIBUTION) {
                    a.sketch = StoredSketches.decode(extra, () -> new CollapsingLowestDenseStore(MAX_BINS));
                } else if (a.kind == LogMetric.Kind.DISTINCT) {
                    a.hll = DistinctSketches.fromBytes(extra);
                }
            }
            return a;
        } catch (SerializationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SerializationException("Corrupt log metric bucket (" + bytes.length + " bytes): " + e, e);
        }
    }
}
