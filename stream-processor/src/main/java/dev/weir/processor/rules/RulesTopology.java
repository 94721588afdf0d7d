package dev.weir.processor.rules;

import dev.weir.processor.CleanStreams;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.TopologyPart;
import dev.weir.processor.logmetric.LogMetricProcessor;
import dev.weir.processor.slo.SloProcessor;
import dev.weir.processor.state.CommitHook;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Alert rules evaluated on the stream: every request and log event is run through the rules
 * that read it, and an alert fires on the event that crosses the threshold (or, with
 * {@code for}, on the first event after it held long enough).
 *
 * <p>Inputs:
 * <ul>
 *   <li>{@link CleanStreams}: request and log events keyed by service, straight from the normaliser</li>
 *   <li>{@code weir.rules} (compacted, read as a global table into {@value #RULES_FILES_STORE}): key rule file
 *       name, value the file's YAML text; when it holds files they are the rule set, otherwise
 *       {@link RulesSettings#rules()} is</li>
 * </ul>
 * Output: {@code weir.alerts}: key alert fingerprint, value {@link AlertEvent} (Avro), one FIRING
 * per episode and one RESOLVED when it ends.
 *
 * <p>Every event of a service reaches the same task (the one that owns the service), so every group (which always includes {@code service}) lives in one task: no repartition topic.
 *
 * <p>State stores (names are deployed state: renaming one orphans it, a breaking change):
 * {@value #STATE_STORE} (rule + group → alert status and window counters), {@value #SKETCH_STORE}
 * (latency sketch per rule, group and bucket), {@value #ALERTS_STORE} (fingerprint → firing
 * AlertEvent, for {@code GET /api/v1/alerts}), {@value #SLO_STORE} (SLO and probe counts per minute, hour and
 * day, see {@link SloProcessor}), {@value #METRICS_STORE} (log metric series, see {@link LogMetricProcessor}); all logged to
 * changelogs. The first two are written
 * through {@value #COMMIT_HOOK}, the SLO counts through {@value #SLO_COMMIT_HOOK}, the log metrics through
 * {@value #METRICS_COMMIT_HOOK} (write-behind, see
 * {@link CommitHook}); the alerts store is cached.
 */
public final class RulesTopology implements TopologyPart {
    /** Key-value store: {@code rule␁group values} → rule state (binary, see GroupState). */
    public static final String STATE_STORE = "rules-state-store";
    /** Key-value store: {@code rule␁group values␀bucket} → DDSketch protobuf of a latency bucket. */
    public static final String SKETCH_STORE = "rules-sketch-store";
    /** Key-value store: fingerprint → the FIRING AlertEvent, deleted on resolve. */
    public static final String ALERTS_STORE = "rules-alerts-store";
    /** Holds nothing: writes the rules' group states and sketches to their stores before each commit (see {@link CommitHook}). */
    public static final String COMMIT_HOOK = "rules-commit-hook";
    /** Key-value store: SLO and probe counts per minute, hour and day, and each probe's latest result (see {@code SloKeys}). */
    public static final String SLO_STORE = "slo-counts-store";
    /** Holds nothing: writes the SLO counts to their store before each commit. */
    public static final String SLO_COMMIT_HOOK = "slo-commit-hook";
    /** Global in-memory store of the rules topic: file name → YAML text. */
    public static final String RULES_FILES_STORE = "rules-files-store";
    /** Key-value store: log metric series, their minute and hour buckets and totals (see {@code MetricKeys}). */
    public static final String METRICS_STORE = "log-metrics-store";
    /** Holds nothing: writes the log metrics' buckets and totals to their store before each commit. */
    public static final String METRICS_COMMIT_HOOK = "log-metrics-commit-hook";

    private final RulesSettings settings;
    private final ProcessorTopics topics;
    private final LogMetricProcessor.Listener metricListener;

    /**
     * @param settings rules, Kibana URL, evaluation interval, clock
     * @param topics   reads {@link ProcessorTopics#rules()}, writes {@link ProcessorTopics#alerts()}
     */
    public RulesTopology(RulesSettings settings, ProcessorTopics topics) {
        this(settings, topics, LogMetricProcessor.Listener.NONE);
    }

    /**
     * @param settings       rules, Kibana URL, evaluation interval, clock
     * @param topics         reads {@link ProcessorTopics#rules()}, writes {@link ProcessorTopics#alerts()}
     * @param metricListener told about events the log metrics could not measure
     */
    public RulesTopology(RulesSettings settings, ProcessorTopics topics, LogMetricProcessor.Listener metricListener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.metricListener = Objects.requireNonNull(metricListener, "metricListener");
    }

    @Override
    public void addTo(StreamsBuilder builder, CleanStreams events) {
        KStream<String, RequestEvent> requests = events.requests();
        KStream<String, LogEvent> logs = events.logs();
        // The processor keeps group states and sketches deserialized and writes each changed one once per commit
        // through the hook (write-behind): these two stores have caching disabled, so that the hook's puts reach the
        // changelog within the commit that runs it.
        builder.addStateStore(CommitHook.builder(COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SKETCH_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALERTS_STORE),
                topics.alerts().key(), topics.alerts().value()).withCachingEnabled());
        builder.globalTable(topics.rules().name(), Consumed.with(topics.rules().key(), topics.rules().value()).withName("rules-files-source"),
                Materialized.<String, String>as(Stores.inMemoryKeyValueStore(RULES_FILES_STORE))
                        .withKeySerde(topics.rules().key()).withValueSerde(topics.rules().value()));

        KStream<String, RuleInput> inputs = requests
                .filter((k, v) -> v != null, Named.as("rules-requests-present"))
                .mapValues(RuleInput::of, Named.as("rules-request-input"))
                .merge(logs.filter((k, v) -> v != null, Named.as("rules-logs-present"))
                        .mapValues(RuleInput::of, Named.as("rules-log-input")), Named.as("rules-inputs"));
        builder.addStateStore(CommitHook.builder(SLO_COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SLO_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
        inputs.process(() -> new SloProcessor(settings), Named.as("slo-count"), SLO_STORE, SLO_COMMIT_HOOK);

        // Log metrics read the events themselves (their selectors need more than a RuleInput holds) and hand the
        // samples of metrics that rules read on to the rules, in the same task.
        builder.addStateStore(CommitHook.builder(METRICS_COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(METRICS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
        @SuppressWarnings({"unchecked", "rawtypes"}) // both are Avro records; the processor tells them apart
        KStream<String, Object> measured = ((KStream) requests).merge((KStream) logs, Named.as("log-metrics-events"));
        KStream<String, RuleInput> samples = measured.process(() -> new LogMetricProcessor(settings, metricListener),
                Named.as("log-metrics-measure"), METRICS_STORE, METRICS_COMMIT_HOOK);

        inputs.merge(samples, Named.as("rules-inputs-and-samples"))
                .process(() -> new RulesProcessor(settings, topics.rules().name()), Named.as("rules-evaluate"), STATE_STORE, SKETCH_STORE, ALERTS_STORE,
                        COMMIT_HOOK)
                .to(topics.alerts().name(), Produced.with(topics.alerts().key(), topics.alerts().value()).withName("rules-alerts-sink"));
    }

}
