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
 * Runs {@link StageCostBenchmark} on a fresh local broker. Not part of {@code verify} (the name
 * does not end in IT); run it with
 * {@code mvn -B -pl bench -am verify -Dtest=StageCostBench -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false -Dweir.bench.events=300000}.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(3600)
class StageCostBench {
    @Test
    void shouldMeasureWhatEachPartOfTheProcessorCosts(KafkaBroker kafka, @TempDir Path dir) throws Exception {
        StageCostBenchmark.Result r = StageCostBenchmark.run(kafka.bootstrapServers(),
                Integer.getInteger("weir.bench.events", 300_000), Integer.getInteger("weir.bench.rounds", 3), dir, System.out);
        System.out.println("STAGES " + r);
        assertThat(r.events()).containsOnlyKeys(StageCostBenchmark.PARTS);
        assertThat(r.events().values()).allSatisfy(rates -> assertThat(rates).allSatisfy(x -> assertThat(x).isPositive()));
    }
}
