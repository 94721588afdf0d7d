package dev.weir.processor.measure.latency;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Latency of one key over one window: a DDSketch plus the exact count, sum, min and max (the
 * sketch's own are estimates). Mergeable. Mutable and not thread-safe.
 */
public final class LatencyAggregate {
    private static final byte FORMAT = 1;
    private static final int HEADER = 1 + 8 + 8 + 8 + 8;

    private final DDSketch sketch;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** @param sketch an empty sketch, or the sketch of the given statistics */
    private LatencyAggregate(DDSketch sketch, long count, double sum, double min, double max) {
        this.sketch = Objects.requireNonNull(sketch, "sketch");
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    /** @return an empty aggregate with the given relative accuracy */
    public static LatencyAggregate empty(double relativeAccuracy) {
        return new LatencyAggregate(Sketches.newSketch(relativeAccuracy), 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    /** @param ms a latency in milliseconds; negative values are taken as 0 */
    public void add(double ms) {
        double v = Math.max(0, ms);
        sketch.accept(v);
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** Adds everything of {@code other} into this aggregate. */
    public void merge(LatencyAggregate other) {
        if (other.count == 0) {
            return;
        }
        sketch.mergeWith(other.sketch);
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    /** @return the smallest latency, or 0 when empty */
    public double min() {
        return count == 0 ? 0 : min;
    }

    /** @return the largest latency, or 0 when empty */
    public double max() {
        return count == 0 ? 0 : max;
    }

    /** @return the sketch (live, not a copy) */
    public DDSketch sketch() {
        return sketch;
    }

    /**
     * @param q quantile in [0, 1]
     * @return the estimated latency at {@code q} in ms, within the relative accuracy; 0 when empty
     */
    public double quantile(double q) {
        return count == 0 ? 0 : Math.min(max, Math.max(min, sketch.getValueAtQuantile(q)));
    }

    /** @return the serde of the state stores: a format byte, count, sum, min, max, then the sketch ({@link StoredSketches}) */
    public static Serde<LatencyAggregate> serde() {
        Serializer<LatencyAggregate> ser = (topic, a) -> {
            if (a == null) {
                return null;
            }
            byte[] sk = StoredSketches.encode(a.sketch);
            return ByteBuffer.allocate(HEADER + sk.length).put(FORMAT).putLong(a.count).putDouble(a.sum)
                    .putDouble(a.min).putDouble(a.max).put(sk).array();
        };
        Deserializer<LatencyAggregate> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < HEADER || bytes[0] != FORMAT) {
                throw new SerializationException("Not a latency aggregate of format " + FORMAT + " (" + bytes.length + " bytes)");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.get();
            long count = b.getLong();
            double sum = b.getDouble();
            double min = b.getDouble();
            double max = b.getDouble();
            byte[] sk = new byte[b.remaining()];
            b.get(sk);
            return new LatencyAggregate(StoredSketches.decode(sk, UnboundedSizeDenseStore::new), count, sum, min, max);
        };
        return Serdes.serdeFrom(ser, de);
    }
}
