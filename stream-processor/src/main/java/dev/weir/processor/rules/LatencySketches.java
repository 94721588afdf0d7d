package dev.weir.processor.rules;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import dev.weir.processor.measure.latency.StoredSketches;

/**
 * The per-bucket latency sketches of latency_quantile rules: DDSketch, 1% relative accuracy,
 * at most {@value #MAX_BINS} bins (about 8 kB at worst, far less for a typical bucket; the lowest
 * bins collapse first, so high quantiles keep their accuracy), stored as {@link StoredSketches} bytes.
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
        return StoredSketches.encode(sketch);
    }

    static DDSketch fromBytes(byte[] bytes) {
        return StoredSketches.decode(bytes, () -> new CollapsingLowestDenseStore(MAX_BINS));
    }
}
