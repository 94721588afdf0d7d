package dev.weir.processor.rules;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketchProtoBinding;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The per-bucket latency sketches of latency_quantile rules: DDSketch, 1% relative accuracy,
 * at most {@value #MAX_BINS} bins (about 8 kB at worst, far less for a typical bucket; the lowest
 * bins collapse first, so high quantiles keep their accuracy), stored as DDSketch protobuf.
 */
final class LatencySketches {
    static final int MAX_BINS = 1024;
    static final double ACCURACY = 0.01;

    private LatencySketches() {
    }

    static DDSketch newSketch() {
        return DDSketches.logarithmicCollapsingLowestDense(ACCURACY, MAX_BINS);
    }

    static byte[] toBytes(DDSketch sketch) {
        ByteBuffer b = sketch.serialize();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    static DDSketch fromBytes(byte[] bytes) {
        try {
            return DDSketchProtoBinding.fromProto(() -> new CollapsingLowestDenseStore(MAX_BINS),
                    com.datadoghq.sketch.ddsketch.proto.DDSketch.parseFrom(bytes));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new SerializationException("Corrupt latency sketch (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }
}
