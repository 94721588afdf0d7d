package dev.weir.processor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.KafkaBroker;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ProcessorThroughputBenchmark} on a fresh local broker. Not part of {@code verify}
 * (the name does not end in IT); run it with
 * {@code mvn -B -pl bench -am verify -Dtest=ProcessorThroughputBench -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false -Dweir.bench.events=200000}.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(1800)
class ProcessorThroughputBench {
    @Test
    void shouldMeasureTheProcessorAgainstTheBareLoop(KafkaBroker kafka, @TempDir Path dir) throws Exception {
        ProcessorThroughputBenchmark.Result r = ProcessorThroughputBenchmark.run(kafka.bootstrapServers(),
                Integer.getInteger("weir.bench.events", 200_000), Integer.getInteger("weir.bench.repeats", 3), dir, System.out);
        System.out.println("THROUGHPUT " + r);
        assertThat(r.exactlyOnceMedian()).isPositive();
    }
}
