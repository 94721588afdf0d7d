package dev.weir.processor;

import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.metrics.MeasureMetrics;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.validate.Limits;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production {@link ProcessorTopology#build()} in a {@link TopologyTestDriver}, with every topic of
 * {@link ProcessorTopics#weir()}: tests pipe the raw JSON the agent writes and read clean events, dead letters,
 * window results and alerts.
 *
 * <p>The normaliser's processing time is fixed at the start ({@link #now()}); the driver's wall clock (rules
 * evaluation, SLO cleanup) starts there too and moves only with {@link #advanceWallClock}.
 */
public final class ProcessorDriver implements AutoCloseable {
    /** The topics, with Weir's names and serdes. */
    public static final ProcessorTopics TOPICS = ProcessorTopics.weir();
    /** The application id the driver runs as, the prefix of its repartition topics. */
    public static final String APPLICATION_ID = "processor-test";

    private final Instant start;
    private final Path memoryStateDir; // null when the state lives in the given directory
    private final ProcessorTopology topology;
    public final MeterRegistry registry;
    public final TopologyTestDriver driver;
    public final TestInputTopic<byte[], byte[]> rawLogs;
    public final TestInputTopic<byte[], byte[]> rawRequests;
    public final TestInputTopic<String, String> rules;
    public final TestOutputTopic<String, LogEvent> logs;
    public final TestOutputTopic<String, RequestEvent> requests;
    public final TestOutputTopic<byte[], byte[]> deadLetters;
    public final TestOutputTopic<String, ErrorRateWindow> errors;
    public final TestOutputTopic<String, LatencyWindow> latency;
    public final TestOutputTopic<String, LoginBurstWindow> logins;
    public final TestOutputTopic<String, AlertEvent> alerts;

    /**
     * @param settings what the topology is built from (e.g. {@link #settings()} with changes)
     * @param registry where the processor's meters go
     * @param start    the normaliser's processing time and the driver's wall clock at the start
     * @param stateDir the state directory, when there is no tmpfs at {@code /dev/shm}
     */
    public ProcessorDriver(ProcessorTopology.Settings settings, MeterRegistry registry, Instant start, Path stateDir) {
        this.start = start;
        this.registry = registry;
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        memoryStateDir = memoryDir();
        p.put(StreamsConfig.STATE_DIR_CONFIG, (memoryStateDir == null ? stateDir : memoryStateDir).toString());
        // the production guarantee; also spares the driver a state checkpoint file written after every record
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        topology = new ProcessorTopology(settings, TOPICS, registry, Clock.fixed(start, ZoneOffset.UTC));
        driver = new TopologyTestDriver(topology.build(), p, start);
        rawLogs = input(TOPICS.rawLogs());
        rawRequests = input(TOPICS.rawRequests());
        rules = input(TOPICS.rules());
        logs = output(TOPICS.logs());
        requests = output(TOPICS.requests());
        deadLetters = output(TOPICS.deadLetters());
        errors = output(TOPICS.errors());
        latency = output(TOPICS.latency());
        logins = output(TOPICS.logins());
        alerts = output(TOPICS.alerts());
    }

    /**
     * @param settings what the topology is built from
     * @param start    processing time and wall clock at the start
     * @param stateDir the state directory
     * @return a driver with its own {@link SimpleMeterRegistry}
     */
    public static ProcessorDriver start(ProcessorTopology.Settings settings, Instant start, Path stateDir) {
        return new ProcessorDriver(settings, new SimpleMeterRegistry(), start, stateDir);
    }

    /**
     * @return the product's defaults with no rules, one raw partition and Kafka's default record limits, except that
     *         an event may lie ten years before or after the processing time: tests of windows and rules send events
     *         hours or days apart without moving the processing time along
     */
    public static ProcessorTopology.Settings settings() {
        NormalizeSettings n = NormalizeSettings.DEFAULTS;
        Limits l = n.limits();
        Limits anyTime = new Limits(l.maxEventBytes(), l.maxDepth(), l.maxFields(), l.maxStringLength(), Duration.ofDays(3650),
                Duration.ofDays(3650));
        return new ProcessorTopology.Settings(new NormalizeSettings(anyTime, n.routes(), n.redaction(), n.fingerprint()),
                MeasureSettings.defaults(), RulesSettings.of(RuleSet.empty()), 1, OutputLimits.defaults());
    }

    /** @return {@code settings} with other normalise settings */
    public static ProcessorTopology.Settings with(ProcessorTopology.Settings s, NormalizeSettings normalize) {
        return new ProcessorTopology.Settings(normalize, s.measure(), s.rules(), s.rawPartitions(), s.outputLimits());
    }

    /** @return {@code settings} with other measure settings */
    public static ProcessorTopology.Settings with(ProcessorTopology.Settings s, MeasureSettings measure) {
        return new ProcessorTopology.Settings(s.normalize(), measure, s.rules(), s.rawPartitions(), s.outputLimits());
    }

    /** @return {@code settings} with other rules settings */
    public static ProcessorTopology.Settings with(ProcessorTopology.Settings s, RulesSettings rules) {
        return new ProcessorTopology.Settings(s.normalize(), s.measure(), rules, s.rawPartitions(), s.outputLimits());
    }

    /** @return {@code settings} with another raw partition count */
    public static ProcessorTopology.Settings withPartitions(ProcessorTopology.Settings s, int rawPartitions) {
        return new ProcessorTopology.Settings(s.normalize(), s.measure(), s.rules(), rawPartitions, s.outputLimits());
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> t) {
        return driver.createInputTopic(t.name(), t.key().serializer(), t.value().serializer());
    }

    private <K, V> TestOutputTopic<K, V> output(Topic<K, V> t) {
        return driver.createOutputTopic(t.name(), t.key().deserializer(), t.value().deserializer());
    }

    /** @return the meters the measures feed, as the query API reads them */
    public MeasureMetrics measureMetrics() {
        return topology.measureMetrics();
    }

    /** @return the normaliser's processing time, fixed at the start */
    public Instant now() {
        return start;
    }

    /** Pipes a raw log line to {@code weir.raw.logs}, keyed by {@code service} as the agent keys it, at {@link #now()}. */
    public void log(String service, String json) {
        rawLogs.pipeInput(utf8(service), utf8(json), now());
    }

    /** Pipes a raw request to {@code weir.raw.requests}, keyed by {@code service}, at {@link #now()}. */
    public void request(String service, String json) {
        rawRequests.pipeInput(utf8(service), utf8(json), now());
    }

    /**
     * Sends {@code e} as the agent writes it ({@link AgentJson#of(RequestEvent)}), produced when it happened: the raw
     * record's time is the event's. The driver runs every sub-topology in one task, whose stream time is the highest
     * record time of all its inputs, raw ones included; in Kafka Streams the login windows, behind their repartition,
     * run in tasks of their own that only see event times.
     */
    public void send(RequestEvent e) {
        rawRequests.pipeInput(utf8(e.getService()), utf8(AgentJson.of(e)), e.getTimestamp());
    }

    /** Sends {@code e} as the agent writes it ({@link AgentJson#of(LogEvent)}), produced when it happened. */
    public void send(LogEvent e) {
        rawLogs.pipeInput(utf8(e.getService()), utf8(AgentJson.of(e)), e.getTimestamp());
    }

    /** @return the alerts written since the last call */
    public List<AlertEvent> drainAlerts() {
        return alerts.readValuesToList();
    }

    /** @param d how far to move the driver's wall clock (runs the wall-clock punctuations) */
    public void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    /** @return the one clean log event written since the last read; fails on anything else */
    public LogEvent onlyLog() {
        List<LogEvent> out = logs.readValuesToList();
        if (out.size() != 1 || !requests.isEmpty() || !deadLetters.isEmpty()) {
            throw new AssertionError("expected exactly one log event, got logs " + out + ", requests "
                    + requests.readValuesToList() + ", dead letters " + reasons(deadLetters.readRecordsToList()));
        }
        return out.get(0);
    }

    /** @return the one clean request event written since the last read; fails on anything else */
    public RequestEvent onlyRequest() {
        List<RequestEvent> out = requests.readValuesToList();
        if (out.size() != 1 || !logs.isEmpty() || !deadLetters.isEmpty()) {
            throw new AssertionError("expected exactly one request event, got requests " + out + ", logs "
                    + logs.readValuesToList() + ", dead letters " + reasons(deadLetters.readRecordsToList()));
        }
        return out.get(0);
    }

    /** @return the one dead letter written since the last read; fails on anything else */
    public TestRecord<byte[], byte[]> onlyDeadLetter() {
        List<TestRecord<byte[], byte[]>> out = deadLetters.readRecordsToList();
        if (out.size() != 1 || !logs.isEmpty() || !requests.isEmpty()) {
            throw new AssertionError("expected exactly one dead letter, got " + out.size() + ", logs "
                    + logs.readValuesToList() + ", requests " + requests.readValuesToList());
        }
        return out.get(0);
    }

    private static List<DeadLetterHeaders.Values> reasons(List<TestRecord<byte[], byte[]>> letters) {
        return letters.stream().map(r -> DeadLetterHeaders.read(r.headers())).toList();
    }

    /** @return the count of a counter with one tag, 0 when it does not exist */
    public double counter(String name, String tag, String value) {
        var c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    /** @return {@code s} in UTF-8, {@code null} for {@code null} */
    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
        if (memoryStateDir != null) {
            try (Stream<Path> files = Files.walk(memoryStateDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the test state directory " + memoryStateDir, e);
            }
        }
    }

    /**
     * The driver commits after every record, and each commit fsyncs the window stores' position checkpoints: on a
     * disk that makes a test of a few thousand events take minutes. On tmpfs an fsync costs nothing, and the stores
     * work the same.
     */
    private static Path memoryDir() {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm) || !Files.isWritable(shm)) {
            return null;
        }
        try {
            return Files.createTempDirectory(shm, "weir-processor-test-");
        } catch (IOException e) {
            return null;
        }
    }
}
