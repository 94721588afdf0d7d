package dev.weir.processor.normalize;

import dev.weir.common.kafka.Topics;
import dev.weir.processor.Topic;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The production {@link NormalizeTopology} in a TopologyTestDriver, with its topics. */
final class NormalizeDriver implements AutoCloseable {
    /** Processing time of every test: 2025-03-14T10:00:00Z. */
    static final Instant NOW = Instant.parse("2025-03-14T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> rawLogs;
    final TestInputTopic<String, byte[]> rawRequests;
    final TestOutputTopic<String, LogEvent> logs;
    final TestOutputTopic<String, RequestEvent> requests;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    NormalizeDriver(NormalizeSettings settings, Path stateDir) {
        NormalizeTopology topology = new NormalizeTopology(settings, List.of(Topics.RAW_LOGS, Topics.RAW_REQUESTS),
                new Topic<>(Topics.LOGS, Serdes.String(), WeirSerdes.logEvent()),
                new Topic<>(Topics.REQUESTS, Serdes.String(), WeirSerdes.requestEvent()),
                Topics.DEADLETTER, registry, Clock.fixed(NOW, ZoneOffset.UTC));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "normalize-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology.build(), props, NOW);
        rawLogs = driver.createInputTopic(Topics.RAW_LOGS, new StringSerializer(), new ByteArraySerializer());
        rawRequests = driver.createInputTopic(Topics.RAW_REQUESTS, new StringSerializer(), new ByteArraySerializer());
        logs = driver.createOutputTopic(Topics.LOGS, new StringDeserializer(), WeirSerdes.logEvent().deserializer());
        requests = driver.createOutputTopic(Topics.REQUESTS, new StringDeserializer(), WeirSerdes.requestEvent().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    void log(String json) {
        rawLogs.pipeInput("checkout", utf8(json), NOW);
    }

    void request(String json) {
        rawRequests.pipeInput("checkout", utf8(json), NOW);
    }

    LogEvent onlyLog() {
        List<LogEvent> out = logs.readValuesToList();
        if (out.size() != 1 || !requests.isEmpty() || !deadLetters.isEmpty()) {
            throw new AssertionError("expected exactly one log event, got logs " + out + ", requests "
                    + requests.readValuesToList() + ", dead letters " + deadLetters.readRecordsToList().stream()
                    .map(r -> DeadLetterHeaders.read(r.headers())).toList());
        }
        return out.get(0);
    }

    RequestEvent onlyRequest() {
        List<RequestEvent> out = requests.readValuesToList();
        if (out.size() != 1 || !logs.isEmpty() || !deadLetters.isEmpty()) {
            throw new AssertionError("expected exactly one request event, got requests " + out + ", logs "
                    + logs.readValuesToList() + ", dead letters " + deadLetters.readRecordsToList().stream()
                    .map(r -> DeadLetterHeaders.read(r.headers())).toList());
        }
        return out.get(0);
    }

    TestRecord<byte[], byte[]> onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> out = deadLetters.readRecordsToList();
        if (out.size() != 1 || !logs.isEmpty() || !requests.isEmpty()) {
            throw new AssertionError("expected exactly one dead letter, got " + out.size() + ", logs "
                    + logs.readValuesToList() + ", requests " + requests.readValuesToList());
        }
        return out.get(0);
    }

    /** Reads away the log events and returns the one dead letter. */
    TestRecord<byte[], byte[]> onlyDeadLetterAfterDrainingLogs() {
        logs.readValuesToList();
        return onlyDeadLetter();
    }

    double counter(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        driver.close();
    }
}
