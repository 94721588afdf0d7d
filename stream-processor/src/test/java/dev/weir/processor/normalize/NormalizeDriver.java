package dev.weir.processor.normalize;

import dev.weir.processor.ProcessorDriver;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The processor ({@link ProcessorDriver}) as the normalise tests use it: raw topics keyed by a service name, processing
 * time fixed at {@link #NOW}.
 */
final class NormalizeDriver implements AutoCloseable {
    /** Processing time of every test: 2025-03-14T10:00:00Z. */
    static final Instant NOW = Instant.parse("2025-03-14T10:00:00Z");

    final ProcessorDriver processor;
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> rawLogs;
    final TestInputTopic<String, byte[]> rawRequests;
    final TestOutputTopic<String, LogEvent> logs;
    final TestOutputTopic<String, RequestEvent> requests;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    NormalizeDriver(NormalizeSettings settings, Path stateDir) {
        processor = ProcessorDriver.start(ProcessorDriver.with(ProcessorDriver.settings(), settings), NOW, stateDir);
        driver = processor.driver;
        rawLogs = driver.createInputTopic(ProcessorDriver.TOPICS.rawLogs().name(), new StringSerializer(), new ByteArraySerializer());
        rawRequests = driver.createInputTopic(ProcessorDriver.TOPICS.rawRequests().name(), new StringSerializer(),
                new ByteArraySerializer());
        logs = processor.logs;
        requests = processor.requests;
        deadLetters = processor.deadLetters;
    }

    static byte[] utf8(String s) {
        return ProcessorDriver.utf8(s);
    }

    void log(String json) {
        rawLogs.pipeInput("checkout", utf8(json), NOW);
    }

    void request(String json) {
        rawRequests.pipeInput("checkout", utf8(json), NOW);
    }

    LogEvent onlyLog() {
        return processor.onlyLog();
    }

    RequestEvent onlyRequest() {
        return processor.onlyRequest();
    }

    TestRecord<byte[], byte[]> onlyDeadLetter() {
        return processor.onlyDeadLetter();
    }

    /** Reads away the log events and returns the one dead letter. */
    TestRecord<byte[], byte[]> onlyDeadLetterAfterDrainingLogs() {
        logs.readValuesToList();
        return onlyDeadLetter();
    }

    double counter(String name, String tag, String value) {
        return processor.counter(name, tag, value);
    }

    @Override
    public void close() {
        processor.close();
    }
}
