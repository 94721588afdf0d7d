package dev.weir.processor.measure;

import dev.weir.processor.measure.query.MeasureStores;
import org.apache.kafka.streams.TopologyTestDriver;

/** Shared helpers for tests that drive {@link MeasureTopology} with a {@link TopologyTestDriver}. */
public final class MeasureTopologyTestSupport {
    private MeasureTopologyTestSupport() {
    }

    /** @return the driver's stores, read like a KafkaStreams instance's local stores */
    public static MeasureStores storesOf(TopologyTestDriver driver) {
        return MeasureTopologyTest.storesOf(driver);
    }
}
