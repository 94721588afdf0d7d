package dev.weir.processor.rules;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** A TopologyTestDriver around the production {@link RulesTopology#build()}, with typed topics. */
final class RulesDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2025-03-14T09:00:00Z");

    final TopologyTestDriver driver;
    final TestInputTopic<String, RequestEvent> requests;
    final TestInputTopic<String, LogEvent> logs;
    final TestInputTopic<String, String> rules;
    final TestInputTopic<String, byte[]> rawRequests;
    final TestOutputTopic<String, AlertEvent> alerts;

    RulesDriver(RulesSettings settings, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rules-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // the production guarantee; also spares the driver a state checkpoint file written after every record
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(RulesTopology.withWeirSerdes(settings).build(), p, T0);
        RulesTopics t = settings.topics();
        requests = driver.createInputTopic(t.requests(), new StringSerializer(), WeirSerdes.requestEvent().serializer());
        rawRequests = driver.createInputTopic(t.requests(), new StringSerializer(), new ByteArraySerializer());
        logs = driver.createInputTopic(t.logs(), new StringSerializer(), WeirSerdes.logEvent().serializer());
        rules = driver.createInputTopic(t.rules(), new StringSerializer(), new StringSerializer());
        alerts = driver.createOutputTopic(t.alerts(), new StringDeserializer(), WeirSerdes.alertEvent().deserializer());
    }

    static RulesDriver withRules(String yaml, Path stateDir) {
        return new RulesDriver(RulesSettings.of(RuleSet.parse(Map.of("test.yml", yaml)))
                .withKibana("http://kibana:5601").withEvaluationInterval(Duration.ofSeconds(1)), stateDir);
    }

    void send(RequestEvent e) {
        requests.pipeInput(e.getService(), e, e.getTimestamp());
    }

    void send(LogEvent e) {
        logs.pipeInput(e.getService(), e, e.getTimestamp());
    }

    List<AlertEvent> drain() {
        return alerts.readValuesToList();
    }

    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    @Override
    public void close() {
        driver.close();
    }
}
