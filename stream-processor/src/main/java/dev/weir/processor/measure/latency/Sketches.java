package dev.weir.processor.measure.latency;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketchProtoBinding;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The latency sketches Weir uses: DDSketch with an unbounded dense store (relative error
 * guaranteed for every quantile; about 2 kB per sketch for latencies spanning 1 ms to 1 min at 1%),
 * written as DDSketch protobuf ({@code DDSketch.proto} of sketches-java, readable by the Go and
 * Python DDSketch libraries too).
 */
public final class Sketches {
    /** The quantiles Weir reports. */
    public static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.999};

    private Sketches() {
    }

    /**
     * @param relativeAccuracy e.g. 0.01
     * @return an empty sketch
     */
    public static DDSketch newSketch(double relativeAccuracy) {
        return DDSketches.unboundedDense(relativeAccuracy);
    }

    /** @return the sketch as DDSketch protobuf bytes (serialized without protobuf-java) */
    public static byte[] toBytes(DDSketch sketch) {
        ByteBuffer buffer = sketch.serialize();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * @param bytes DDSketch protobuf bytes
     * @return the sketch, with the index mapping it was written with
     * @throws SerializationException when the bytes are not a DDSketch protobuf message
     */
    public static DDSketch fromBytes(byte[] bytes) {
        try {
            return DDSketchProtoBinding.fromProto(UnboundedSizeDenseStore::new,
                    com.datadoghq.sketch.ddsketch.proto.DDSketch.parseFrom(bytes));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new SerializationException("Not a DDSketch protobuf message (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }
}
