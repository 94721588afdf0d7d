package dev.weir.processor.rules;

import dev.weir.processor.ProcessorDriver;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The processor ({@link ProcessorDriver}) with given rules, as the rule tests use it: wall clock from {@link #T0}. */
final class RulesDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2025-03-14T09:00:00Z");

    final ProcessorDriver processor;
    final TopologyTestDriver driver;
    final TestInputTopic<String, String> rules;

    RulesDriver(RulesSettings settings, Path stateDir) {
        processor = ProcessorDriver.start(ProcessorDriver.with(ProcessorDriver.settings(), settings), T0, stateDir);
        driver = processor.driver;
        rules = processor.rules;
    }

    static RulesDriver withRules(String yaml, Path stateDir) {
        return new RulesDriver(RulesSettings.of(RuleSet.parse(Map.of("test.yml", yaml)))
                .withKibana("http://kibana:5601").withEvaluationInterval(Duration.ofSeconds(1)), stateDir);
    }

    void send(RequestEvent e) {
        processor.send(e);
    }

    void send(LogEvent e) {
        processor.send(e);
    }

    List<AlertEvent> drain() {
        return processor.drainAlerts();
    }

    void advanceWallClock(Duration d) {
        processor.advanceWallClock(d);
    }

    @Override
    public void close() {
        processor.close();
    }
}
