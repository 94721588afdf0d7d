package dev.weir.processor;

import dev.weir.processor.config.ProcessorConfig;
import java.time.Clock;
import java.util.List;

/**
 * The stage-cost benchmark's processor: the normaliser followed by the stages it measures. This class lives in the
 * bench module, in the processor's package, so that the constructor it calls stays package-private and the product
 * keeps no public member that only benchmarks use.
 */
public final class StagedProcessors {
    private StagedProcessors() {
    }

    /**
     * @param config     configuration
     * @param clock      clock for every part
     * @param extensions the stages after the normaliser, in order (none: the normaliser alone)
     * @return the processor, not started
     */
    public static ProcessorApp of(ProcessorConfig config, Clock clock, List<ProcessorExtension> extensions) {
        return new ProcessorApp(config, clock, extensions);
    }
}
