package dev.weir.processor.rules;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The HLL sketches of distinct-count log metrics (Apache DataSketches): {@code lgK} {@value #LG_K}, so about 1.6 %
 * standard error; a sketch stays a short list of hashes (a few bytes each) until it holds some hundred values, and
 * is at most about 4 kB (HLL_8, one byte per register: unions are six times faster than with HLL_4's half-bytes,
 * and a window's value is a union of its buckets).
 */
public final class DistinctSketches {
    /** Log2 of the number of registers. */
    public static final int LG_K = 12;

    private DistinctSketches() {
    }

    /** @return an empty sketch */
    public static HllSketch newSketch() {
        return new HllSketch(LG_K, TgtHllType.HLL_8);
    }

    /** @return an empty union of sketches */
    public static Union newUnion() {
        return new Union(LG_K);
    }

    /** @return the sketch's store bytes (its compact form) */
    public static byte[] toBytes(HllSketch sketch) {
        return sketch.toCompactByteArray();
    }

    /**
     * @param bytes store bytes
     * @return the sketch, updatable
     * @throws SerializationException when the bytes are not an HLL sketch
     */
    public static HllSketch fromBytes(byte[] bytes) {
        try {
            return HllSketch.heapify(bytes);
        } catch (RuntimeException e) { // SketchesArgumentException and what a truncated array throws
            throw new SerializationException("Not an HLL sketch (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }
}
