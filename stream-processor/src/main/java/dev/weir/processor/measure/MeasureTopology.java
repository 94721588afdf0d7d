package dev.weir.processor.measure;

import dev.weir.processor.CleanStreams;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.TopologyPart;
import dev.weir.processor.measure.errors.ErrorRateProcessor;
import dev.weir.processor.measure.latency.LatencyAggregate;
import dev.weir.processor.measure.latency.LatencyProcessor;
import dev.weir.processor.measure.logins.LoginAttempt;
import dev.weir.processor.measure.logins.LoginBurstProcessor;
import dev.weir.processor.measure.logins.LoginWindowState;
import dev.weir.processor.state.CommitHook;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The measuring stage of {@link dev.weir.processor.ProcessorTopology}: error rates, latency sketches and login bursts
 * over the clean events.
 *
 * <p>Inputs: {@link CleanStreams}, request and log events keyed by service, every event of a service in one task,
 * straight from the normaliser in the raw topics' tasks, with the event's time as record time. Windows close on each
 * processor's own event-time clock, the highest event time it has seen ({@link WindowCloser#advance}).
 *
 * <p>Outputs (each window's final result once, when the event-time clock passes its end + grace):
 * <ul>
 *   <li>{@code weir.stats.errors}: key {@code service} or {@code service|route}, value {@link ErrorRateWindow}</li>
 *   <li>{@code weir.stats.latency}: key {@code service} or {@code service|route}, value {@link LatencyWindow}</li>
 *   <li>{@code weir.stats.logins}: key {@code KIND|key}, value {@link LoginBurstWindow}
 *       ({@code SUCCESS_AFTER_FAILURES} at once, the others on window close)</li>
 * </ul>
 * Repartition topics: {@code <application.id>-logins-by-source-repartition} and
 * {@code -logins-by-user-repartition} (key source IP / user name, value {@link LoginAttempt}).
 *
 * <p>State stores (names are part of the deployed state: renaming one orphans it, a breaking change):
 * {@value #CARDINALITY_STORE}, {@value #ERRORS_STORE}, {@value #LATENCY_STORE}, {@value #LOGINS_BY_SOURCE_STORE},
 * {@value #LOGINS_BY_USER_STORE} and one {@code *-emitted-store} each for the emission marks; plus
 * {@value #COMMIT_HOOK}, {@value #LOGINS_BY_SOURCE_COMMIT_HOOK} and {@value #LOGINS_BY_USER_COMMIT_HOOK}, which hold
 * nothing (see {@link CommitHook}).
 */
public final class MeasureTopology implements TopologyPart {
    /** Key-value store: tracked services and routes → last seen. */
    public static final String CARDINALITY_STORE = "measure-cardinality-store";
    /** Window store: {@code service} / {@code service|route} → {@link ErrorRateWindow} per window. */
    public static final String ERRORS_STORE = "errors-minute-store";
    /** Window store: {@code service} / {@code service|route} → {@link LatencyAggregate} per window. */
    public static final String LATENCY_STORE = "latency-minute-store";
    /** Window store: source IP → {@link LoginWindowState} per login window. */
    public static final String LOGINS_BY_SOURCE_STORE = "logins-by-source-store";
    /** Window store: user name → {@link LoginWindowState} per login window. */
    public static final String LOGINS_BY_USER_STORE = "logins-by-user-store";

    /** The measures' {@link CommitHook}: errors and latency write their open windows to their stores before each commit. */
    public static final String COMMIT_HOOK = "measure-commit-hook";
    /** The {@link CommitHook} of the login windows by source (a sub-topology of their own, behind the repartition). */
    public static final String LOGINS_BY_SOURCE_COMMIT_HOOK = "logins-by-source-commit-hook";
    /** The {@link CommitHook} of the login windows by user. */
    public static final String LOGINS_BY_USER_COMMIT_HOOK = "logins-by-user-commit-hook";
    private static final String ERRORS_MARKS = "errors-emitted-store";
    private static final String LATENCY_MARKS = "latency-emitted-store";
    private static final String LOGINS_BY_SOURCE_MARKS = "logins-by-source-emitted-store";
    private static final String LOGINS_BY_USER_MARKS = "logins-by-user-emitted-store";

    private final MeasureSettings settings;
    private final ProcessorTopics topics;
    private final MeasureListener listener;

    /**
     * @param settings windows, grace, caps, thresholds
     * @param topics   writes {@link ProcessorTopics#errors()}, {@link ProcessorTopics#latency()} and
     *                 {@link ProcessorTopics#logins()}
     * @param listener fed with every measured event (e.g. {@code MeasureMetrics}); {@link MeasureListener#NONE} for none
     */
    public MeasureTopology(MeasureSettings settings, ProcessorTopics topics, MeasureListener listener) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void addTo(StreamsBuilder builder, CleanStreams events) {
        // Record caching on the stores written per event: a key written many times within one commit interval
        // costs one RocksDB write and one changelog record at the commit, not one per event. Under
        // exactly_once_v2 the cache is flushed before the transaction commits, so nothing changes for the
        // guarantee, and interactive queries read through the cache.
        // The errors, latency and login window stores go further: their processors keep the open windows
        // deserialized and write each changed one once per commit through a CommitHook (write-behind), so that an
        // event costs no serialization at all (a latency aggregate is 2-5 kB, a login state up to distinctCap names).
        // Those stores have caching disabled: the hook's puts must reach the changelog within the commit that runs
        // it (see CommitHook). The login windows sit behind their repartitions, in sub-topologies of their own,
        // so each has its own hook.
        builder.addStateStore(CommitHook.builder(COMMIT_HOOK));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CARDINALITY_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(ERRORS_STORE,
                settings.retention(), settings.window(), false), topics.errors().key(), topics.errors().value()).withCachingDisabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(LATENCY_STORE,
                settings.retention(), settings.window(), false), Serdes.String(), LatencyAggregate.serde()).withCachingDisabled());
        builder.addStateStore(CommitHook.builder(LOGINS_BY_SOURCE_COMMIT_HOOK));
        builder.addStateStore(CommitHook.builder(LOGINS_BY_USER_COMMIT_HOOK));
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(LOGINS_BY_SOURCE_STORE,
                settings.retention(), settings.loginWindow(), false), Serdes.String(), LoginWindowState.serde()).withCachingDisabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(LOGINS_BY_USER_STORE,
                settings.retention(), settings.loginWindow(), false), Serdes.String(), LoginWindowState.serde()).withCachingDisabled());
        for (String marks : new String[] {ERRORS_MARKS, LATENCY_MARKS, LOGINS_BY_SOURCE_MARKS, LOGINS_BY_USER_MARKS}) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(marks), Serdes.String(), Serdes.Long())
                    .withCachingEnabled());
        }

        KStream<String, RequestEvent> requests = events.requests();
        KStream<String, LogEvent> logs = events.logs();

        KStream<String, Observation> observed = requests
                .mapValues(Observation::of, Named.as("measure-request-observation"))
                .merge(logs.mapValues(Observation::of, Named.as("measure-log-observation")), Named.as("measure-observations"))
                .process(() -> new CardinalityCap(settings, listener), Named.as("measure-cardinality-cap"), CARDINALITY_STORE);

        observed.process(() -> new ErrorRateProcessor(settings, listener, ERRORS_STORE, ERRORS_MARKS, COMMIT_HOOK),
                        Named.as("errors-window"), ERRORS_STORE, ERRORS_MARKS, COMMIT_HOOK)
                .to(topics.errors().name(), Produced.with(topics.errors().key(), topics.errors().value()).withName("errors-sink"));
        // every observation, not only requests with a duration: they all advance the processor's event-time clock
        observed.process(() -> new LatencyProcessor(settings, listener, LATENCY_STORE, LATENCY_MARKS, COMMIT_HOOK),
                        Named.as("latency-window"), LATENCY_STORE, LATENCY_MARKS, COMMIT_HOOK)
                .to(topics.latency().name(), Produced.with(topics.latency().key(), topics.latency().value()).withName("latency-sink"));

        KStream<String, LoginAttempt> attempts = requests
                .flatMapValues(LoginAttempt::of, Named.as("logins-from-requests"))
                .merge(logs.flatMapValues(LoginAttempt::of, Named.as("logins-from-logs")), Named.as("logins-attempts"))
                .peek((k, a) -> listener.loginAttempt(a.service(), a.success(), a.count()), Named.as("logins-count"));
        attempts.filter((k, a) -> a.sourceIp() != null, Named.as("logins-with-source"))
                .selectKey((k, a) -> a.sourceIp(), Named.as("logins-key-by-source"))
                .repartition(Repartitioned.with(Serdes.String(), LoginAttempt.serde()).withName("logins-by-source"))
                .process(() -> new LoginBurstProcessor(LoginBurstProcessor.Mode.BY_SOURCE, settings, listener,
                                LOGINS_BY_SOURCE_STORE, LOGINS_BY_SOURCE_MARKS, LOGINS_BY_SOURCE_COMMIT_HOOK),
                        Named.as("logins-by-source-window"), LOGINS_BY_SOURCE_STORE, LOGINS_BY_SOURCE_MARKS, LOGINS_BY_SOURCE_COMMIT_HOOK)
                .to(topics.logins().name(), Produced.with(topics.logins().key(), topics.logins().value()).withName("logins-by-source-sink"));
        attempts.filter((k, a) -> a.userName() != null, Named.as("logins-with-user"))
                .selectKey((k, a) -> a.userName(), Named.as("logins-key-by-user"))
                .repartition(Repartitioned.with(Serdes.String(), LoginAttempt.serde()).withName("logins-by-user"))
                .process(() -> new LoginBurstProcessor(LoginBurstProcessor.Mode.BY_USER, settings, listener,
                                LOGINS_BY_USER_STORE, LOGINS_BY_USER_MARKS, LOGINS_BY_USER_COMMIT_HOOK),
                        Named.as("logins-by-user-window"), LOGINS_BY_USER_STORE, LOGINS_BY_USER_MARKS, LOGINS_BY_USER_COMMIT_HOOK)
                .to(topics.logins().name(), Produced.with(topics.logins().key(), topics.logins().value()).withName("logins-by-user-sink"));
    }
}
