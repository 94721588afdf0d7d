package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.rules.bench.AlertLatencyBenchmark;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs {@link AlertLatencyBenchmark} on the local broker; the figures are in the test output. */
@ExtendWith(LocalStackExtension.class)
class AlertLatencyBenchmarkIT {
    private static final Logger log = LoggerFactory.getLogger(AlertLatencyBenchmarkIT.class);

    @Test
    void shouldDeliverAlertsWithinASecondAtP99(KafkaBroker kafka, @TempDir Path stateDir) throws Exception {
        AlertLatencyBenchmark.Result r = AlertLatencyBenchmark.run(kafka.bootstrapServers(),
                Integer.getInteger("weir.bench.alerts", 150), stateDir);
        log.info("Alert latency benchmark: {}", r);
        System.out.println("ALERT-LATENCY " + r);
        assertThat(r.p99()).isLessThan(1000);
    }
}
