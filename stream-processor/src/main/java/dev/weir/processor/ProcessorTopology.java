package dev.weir.processor;

import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.logmetric.LogMetricMeters;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.metrics.MeasureMetrics;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.normalize.NormalizeTopology;
import dev.weir.processor.normalize.ReplayGuard;
import dev.weir.processor.route.RouteCardinality;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

/**
 * The stream-processor's one Kafka Streams topology, as production runs it: raw JSON from agents is normalised,
 * validated and redacted ({@link NormalizeTopology}), and each clean event goes on, in the same task, to the measures
 * ({@link MeasureTopology}) and the alert rules ({@link RulesTopology}).
 *
 * <p>Inputs (names as in {@link ProcessorTopics#weir()}):
 * <ul>
 *   <li>{@code weir.raw.logs}: key service (UTF-8 bytes, may be absent), value one JSON object (bytes)</li>
 *   <li>{@code weir.raw.requests}: key service, value one JSON object; an event with no shape of its own is a request
 *       when read here</li>
 *   <li>{@code weir.rules} (compacted, a global table): key rule file name, value the file's YAML text</li>
 * </ul>
 * Outputs:
 * <ul>
 *   <li>{@code weir.logs}: key service, value {@link LogEvent}; record time = event time</li>
 *   <li>{@code weir.requests}: key service, value {@link RequestEvent}; record time = event time</li>
 *   <li>{@code weir.deadletter}: the original key and value bytes and headers plus the {@link DeadLetterHeaders}</li>
 *   <li>{@code weir.stats.errors}: key {@code service} or {@code service|route}, value {@link ErrorRateWindow}</li>
 *   <li>{@code weir.stats.latency}: key {@code service} or {@code service|route}, value {@link LatencyWindow}</li>
 *   <li>{@code weir.stats.logins}: key {@code KIND|key}, value {@link LoginBurstWindow}</li>
 *   <li>{@code weir.alerts}: key alert fingerprint, value {@link AlertEvent} (FIRING, then RESOLVED)</li>
 * </ul>
 * Repartition topics ({@code <application.id>-…-repartition}): {@code measure-requests} and {@code measure-logs}
 * (key service, value {@link RequestEvent} / {@link LogEvent}: events read outside the task that owns their service),
 * {@code logins-by-source} and {@code logins-by-user} (key source IP / user name, value a login attempt).
 *
 * <p>State stores (names are deployed state: renaming one orphans it, a breaking change):
 * <ul>
 *   <li>{@value RouteCardinality#STORE}: routes seen per service, for the route cap</li>
 *   <li>{@value ReplayGuard#STORE}: the highest offset of each file an agent follows, to know the lines it sends again</li>
 *   <li>{@value MeasureTopology#CARDINALITY_STORE}: tracked services and routes</li>
 *   <li>{@value MeasureTopology#ERRORS_STORE}, {@value MeasureTopology#LATENCY_STORE}: error and latency windows</li>
 *   <li>{@value MeasureTopology#LOGINS_BY_SOURCE_STORE}, {@value MeasureTopology#LOGINS_BY_USER_STORE}: login windows</li>
 *   <li>{@code errors-emitted-store}, {@code latency-emitted-store}, {@code logins-by-source-emitted-store},
 *       {@code logins-by-user-emitted-store}: which windows were emitted</li>
 *   <li>{@value RulesTopology#STATE_STORE}, {@value RulesTopology#SKETCH_STORE}: rule group states and latency sketches</li>
 *   <li>{@value RulesTopology#ALERTS_STORE}: the firing alerts</li>
 *   <li>{@value RulesTopology#SLO_STORE}: SLO and probe counts</li>
 *   <li>{@value RulesTopology#RULES_FILES_STORE}: the rules topic (global, in memory)</li>
 *   <li>{@value RulesTopology#METRICS_STORE}: log metric series, their minute and hour buckets and totals</li>
 *   <li>{@value MeasureTopology#COMMIT_HOOK}, {@value MeasureTopology#LOGINS_BY_SOURCE_COMMIT_HOOK},
 *       {@value MeasureTopology#LOGINS_BY_USER_COMMIT_HOOK}, {@value RulesTopology#COMMIT_HOOK},
 *       {@value RulesTopology#SLO_COMMIT_HOOK}, {@value RulesTopology#METRICS_COMMIT_HOOK}: hold nothing, write the open windows and states before each commit</li>
 * </ul>
 *
 * <p>Not thread-safe while building; the built topology is Kafka Streams'.
 */
public final class ProcessorTopology {
    private final Settings settings;
    private final ProcessorTopics topics;
    private final MeterRegistry registry;
    private final Clock clock;
    private final MeasureMetrics measureMetrics;
    private final LogMetricMeters logMetricMeters;
    private final List<TopologyPart> stages;

    /**
     * What the topology is built from.
     *
     * @param normalize     limits, routes, redaction and fingerprint settings
     * @param measure       windows, grace, caps and thresholds of the measures
     * @param rules         the rule set and its evaluation
     * @param rawPartitions the raw topics' partition count (the highest of them): the measures' repartition topics get it
     * @param outputLimits  the largest record each output topic takes
     */
    public record Settings(NormalizeSettings normalize, MeasureSettings measure, RulesSettings rules, int rawPartitions,
                           OutputLimits outputLimits) {
        /** Checks every value. */
        public Settings {
            Objects.requireNonNull(normalize, "normalize");
            Objects.requireNonNull(measure, "measure");
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(outputLimits, "outputLimits");
            if (rawPartitions < 1) {
                throw new IllegalArgumentException("Invalid value " + rawPartitions + " for rawPartitions: must be at least 1");
            }
        }
    }

    /**
     * The processor as production runs it: normalise, measure, alert.
     *
     * @param settings what to build from
     * @param topics   the topics and their serdes
     * @param registry where the counters and gauges live
     * @param clock    processing time of every stage
     */
    public ProcessorTopology(Settings settings, ProcessorTopics topics, MeterRegistry registry, Clock clock) {
        this(settings, topics, registry, clock, new MeasureMetrics(registry, settings.measure()), new LogMetricMeters(registry), null);
    }

    /** The normaliser followed by other stages than the product's ({@link ProcessorExtension}s). */
    ProcessorTopology(Settings settings, ProcessorTopics topics, MeterRegistry registry, Clock clock, List<TopologyPart> stages) {
        this(settings, topics, registry, clock, null, null, List.copyOf(stages));
    }

    private ProcessorTopology(Settings settings, ProcessorTopics topics, MeterRegistry registry, Clock clock,
                              MeasureMetrics measureMetrics, LogMetricMeters logMetricMeters, List<TopologyPart> stages) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.measureMetrics = measureMetrics;
        this.logMetricMeters = logMetricMeters;
        this.stages = stages != null ? stages : List.of(new MeasureTopology(settings.measure(), topics, measureMetrics),
                new RulesTopology(settings.rules().withClock(clock), topics, logMetricMeters));
    }

    /** @return the meters the measures feed, which the query API reads; {@code null} when other stages were given */
    public MeasureMetrics measureMetrics() {
        return measureMetrics;
    }

    /** @return the log metrics' meters, which their query API reads; {@code null} when other stages were given */
    public LogMetricMeters logMetricMeters() {
        return logMetricMeters;
    }

    /** @return the topology; each call builds a new one (with new processors, on the same meters) */
    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        CleanStreams events = new NormalizeTopology(settings.normalize(), topics, registry, clock, settings.outputLimits())
                .addTo(builder, settings.rawPartitions());
        for (TopologyPart stage : stages) {
            stage.addTo(builder, events);
        }
        return builder.build();
    }
}
