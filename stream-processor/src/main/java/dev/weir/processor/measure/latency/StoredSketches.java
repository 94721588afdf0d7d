package dev.weir.processor.measure.latency;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketchProtoBinding;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;

/**
 * How sketches are kept in Weir's state stores (and so in their changelogs): one marker byte
 * ({@code 0xD5}), then the sketch in sketches-java's own binary encoding ({@link DDSketch#encode}:
 * varint indexes and counts, index mapping included), which the Go and Python DDSketch libraries
 * read too. That is 4–6 times smaller than the DDSketch protobuf, which writes every bin count as an
 * 8-byte double: a latency window's sketch is written to its changelog at every commit it changed
 * in, so the protobuf made the sketch stores' changelogs about as large as the events themselves.
 *
 * <p>Reading also accepts the DDSketch protobuf that the stores held before (it never starts with
 * the marker: its first byte is the tag of the index mapping, {@code 0x0A}). What leaves the
 * processor ({@code weir.stats.latency}) stays DDSketch protobuf ({@link Sketches#toBytes}).
 */
public final class StoredSketches {
    private static final byte MARKER = (byte) 0xD5;

    private StoredSketches() {
    }

    /**
     * @param sketch any sketch
     * @return its store bytes
     */
    public static byte[] encode(DDSketch sketch) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(256);
        out.writeByte(MARKER);
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new IllegalStateException("Encoding into a growing byte array failed", e); // it does not throw
        }
        return out.trimmedCopy();
    }

    /**
     * @param bytes  store bytes ({@link #encode}), or the DDSketch protobuf stores held before
     * @param stores the store kind of the sketch read (e.g. a bounded store for the rules' sketches)
     * @return the sketch, with the index mapping it was written with
     * @throws SerializationException when the bytes are neither
     */
    public static DDSketch decode(byte[] bytes, Supplier<Store> stores) {
        try {
            if (bytes.length > 0 && bytes[0] == MARKER) {
                return DDSketch.decode(ByteArrayInput.wrap(Arrays.copyOfRange(bytes, 1, bytes.length)), stores);
            }
            return DDSketchProtoBinding.fromProto(stores, com.datadoghq.sketch.ddsketch.proto.DDSketch.parseFrom(bytes));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Not a stored sketch nor a DDSketch protobuf message (" + bytes.length + " bytes): "
                    + e.getMessage(), e);
        }
    }
}
