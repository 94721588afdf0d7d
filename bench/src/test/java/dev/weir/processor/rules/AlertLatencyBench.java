package dev.weir.processor.rules;

import dev.weir.processor.rules.bench.AlertLatencyBenchmark;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link AlertLatencyBenchmark} on the local broker and prints the figures. Not part of
 * {@code verify} (the name matches no test pattern; timings are never asserted): run it with
 * {@code mvn -B -pl bench -am verify -Dtest=AlertLatencyBench -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(LocalStackExtension.class)
class AlertLatencyBench {
    private static final Logger log = LoggerFactory.getLogger(AlertLatencyBench.class);

    @Test
    void measureAlertLatency(KafkaBroker kafka, @TempDir Path stateDir) throws Exception {
        AlertLatencyBenchmark.Result r = AlertLatencyBenchmark.run(kafka.bootstrapServers(),
                Integer.getInteger("weir.bench.alerts", 150), stateDir);
        log.info("Alert latency benchmark: {}", r);
        System.out.println("ALERT-LATENCY " + r);
    }
}
