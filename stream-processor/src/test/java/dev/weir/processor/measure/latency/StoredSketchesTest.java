package dev.weir.processor.measure.latency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoredSketchesTest {
    static final double[] QS = {0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1};

    /** Log-normal latencies around 20 ms, with some zeros: what request events look like. */
    static DDSketch latencies(DDSketch sketch, int n, long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            sketch.accept(i % 97 == 0 ? 0 : 20 * Math.exp(rnd.nextGaussian()));
        }
        return sketch;
    }

    static void assertSameSketch(DDSketch actual, DDSketch expected) {
        assertThat(actual.getCount()).isEqualTo(expected.getCount());
        // the zeros: what is in neither store (the zero count is not public)
        assertThat(actual.getCount() - actual.getPositiveValueStore().getTotalCount())
                .isEqualTo(expected.getCount() - expected.getPositiveValueStore().getTotalCount()).isPositive();
        assertThat(actual.getIndexMapping()).isEqualTo(expected.getIndexMapping());
        assertThat(actual.getValuesAtQuantiles(QS)).containsExactly(expected.getValuesAtQuantiles(QS));
        assertThat(actual.getPositiveValueStore().getAscendingStream().toList())
                .isEqualTo(expected.getPositiveValueStore().getAscendingStream().toList());
    }

    @Test
    void shouldReadBackTheMeasuresSketchesExactly() {
        DDSketch sketch = latencies(Sketches.newSketch(0.01), 5_000, 1);
        assertSameSketch(StoredSketches.decode(StoredSketches.encode(sketch), UnboundedSizeDenseStore::new), sketch);
    }

    @Test
    void shouldReadBackTheRulesBoundedSketchesExactly() {
        DDSketch sketch = latencies(DDSketches.logarithmicCollapsingLowestDense(0.01, 64), 5_000, 2);
        DDSketch back = StoredSketches.decode(StoredSketches.encode(sketch), () -> new CollapsingLowestDenseStore(64));
        assertSameSketch(back, sketch);
        back.accept(1e-6); // still bounded: the lowest bins collapse
        assertThat(back.getPositiveValueStore().getMaxIndex() - back.getPositiveValueStore().getMinIndex()).isLessThan(64);
    }

    @Test
    void shouldReadBackEmptySketches() {
        DDSketch empty = Sketches.newSketch(0.01);
        DDSketch back = StoredSketches.decode(StoredSketches.encode(empty), UnboundedSizeDenseStore::new);
        assertThat(back.getCount()).isZero();
        assertThat(back.getIndexMapping()).isEqualTo(empty.getIndexMapping());
    }

    /** What the stores held before: DDSketch protobuf. A restored task reads it and writes the new form from then on. */
    @Test
    void shouldStillReadTheProtobufTheStoresHeldBefore() {
        DDSketch sketch = latencies(Sketches.newSketch(0.01), 1_000, 3);
        assertSameSketch(StoredSketches.decode(Sketches.toBytes(sketch), UnboundedSizeDenseStore::new), sketch);
    }

    @Test
    void shouldBeSeveralTimesSmallerThanTheProtobuf() {
        DDSketch sketch = latencies(Sketches.newSketch(0.01), 2_000, 4);
        int stored = StoredSketches.encode(sketch).length;
        int protobuf = Sketches.toBytes(sketch).length;
        assertThat(stored).as("stored %d bytes vs protobuf %d bytes", stored, protobuf).isLessThan(protobuf / 3);
    }

    @Test
    void shouldRejectBytesThatAreNeither() {
        assertThatThrownBy(() -> StoredSketches.decode(new byte[] {(byte) 0xD5, 0x7F, 0x01}, UnboundedSizeDenseStore::new))
                .isInstanceOf(SerializationException.class).hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> StoredSketches.decode(new byte[] {0x0A, 0x7F}, UnboundedSizeDenseStore::new))
                .isInstanceOf(SerializationException.class);
    }
}
