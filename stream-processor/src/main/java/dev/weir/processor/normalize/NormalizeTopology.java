package dev.weir.processor.normalize;

import dev.weir.common.deadletter.DeadLetter;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.redact.Redactor;
import dev.weir.processor.CleanStreams;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.Topic;
import dev.weir.processor.deadletter.DeadLetterCounters;
import dev.weir.processor.deadletter.OutputLimits;
import dev.weir.processor.route.RouteCardinality;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.DeadLetterReason;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.ValueMapper;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage: raw JSON from agents in, clean redacted Avro events or dead letters out.
 *
 * <p>Inputs:
 * <ul>
 *   <li>{@code weir.raw.logs} — key: service (UTF-8 bytes, may be absent), value: JSON bytes</li>
 *   <li>{@code weir.raw.requests} — key: service, value: JSON bytes</li>
 * </ul>
 * Outputs:
 * <ul>
 *   <li>{@code weir.logs} — key: service ({@code String}), value: {@link LogEvent}; record time = event time</li>
 *   <li>{@code weir.requests} — key: service ({@code String}), value: {@link RequestEvent}; record time = event time</li>
 *   <li>{@code weir.deadletter} — the original key and value bytes and headers, plus the
 *       {@link DeadLetterHeaders} (stage {@code normalize}); record time = the raw record's time</li>
 * </ul>
 * The shape is detected per record, so a log event sent to the requests topic still becomes a
 * log event. Stores: {@value RouteCardinality#STORE} (the routes seen per service, for the cap) and
 * {@value ReplayGuard#STORE} (the highest offset of each file an agent follows: a line an agent sends
 * again after a crash still goes to its clean topic, where Elasticsearch keeps one document per id, but
 * not on to the measures and rules; counted in {@code weir_records_duplicate_total{topic}}).
 *
 * <p>With {@link #addTo(StreamsBuilder, int)} the events also go on, in the same task, to the
 * measures and rules ({@link CleanStreams}); that method says which repartition topics it adds.
 *
 * <p>Processor names: {@code normalize-source}, {@code normalize}, {@code normalize-split-…},
 * {@code normalize-logs-unwrap}/{@code -sink}, {@code normalize-requests-unwrap}/{@code -sink},
 * {@code normalize-deadletters-unwrap}/{@code -sink}; and for the measures
 * {@code normalize-logs-…}/{@code normalize-requests-…} ({@code first-seen}, {@code owned}, {@code moved}, {@code to-owner}).
 *
 * <p>Metrics: {@code weir_records_in_total{topic}}, {@code weir_records_out_total{topic}},
 * {@code weir_records_duplicate_total{topic}}, {@code weir_deadletters_total{reason,stage}}, {@code weir_redactions_total{rule}},
 * {@code weir_route_overflow_total}.
 */
public final class NormalizeTopology {
    /** Stage header value of dead letters from this topology. */
    public static final String STAGE = DeadLetterCounters.STAGE_NORMALIZE;

    private static final Logger log = LoggerFactory.getLogger(NormalizeTopology.class);

    private final NormalizeSettings settings;
    private final List<String> inputs;
    private final String rawRequests;
    private final Topic<String, LogEvent> logs;
    private final Topic<String, RequestEvent> requests;
    private final String deadLetterTopic;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Redactor redactor;
    private final DeadLetterCounters deadLetters;
    private final OutputLimits outputLimits;
    private final DeadLetters deadLetterRecords;

    /**
     * @param settings     limits, routes, redaction and fingerprint settings
     * @param topics       reads {@link ProcessorTopics#raw()}, writes {@link ProcessorTopics#logs()},
     *                     {@link ProcessorTopics#requests()} and {@link ProcessorTopics#deadLetters()}
     * @param registry     where the counters live
     * @param clock        processing time for the timestamp window and dead-letter times
     * @param outputLimits the largest record each output topic takes: larger events become {@code too_large} dead
     *                     letters, dead letters are cut to fit
     */
    public NormalizeTopology(NormalizeSettings settings, ProcessorTopics topics, MeterRegistry registry, Clock clock,
                             OutputLimits outputLimits) {
        this.outputLimits = Objects.requireNonNull(outputLimits, "outputLimits");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.inputs = topics.raw();
        this.rawRequests = topics.rawRequests().name();
        this.logs = topics.logs();
        this.requests = topics.requests();
        this.deadLetterTopic = topics.deadLetters().name();
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.redactor = new Redactor(settings.redaction().rules(), registry);
        this.deadLetterRecords = new DeadLetters(redactor, settings.redaction().keepDeadLetterOriginals());
        this.deadLetters = new DeadLetterCounters(registry);
        for (String topic : this.inputs) {
            recordsIn(topic);
            duplicates(topic);
        }
        for (String topic : List.of(logs.name(), requests.name(), deadLetterTopic)) {
            recordsOut(topic);
        }
    }

    /**
     * Adds the normaliser and hands its events on to the measures and rules in the same tasks, so
     * that an event is not read back from {@code weir.requests}/{@code weir.logs} (a second pass
     * through the broker, Avro decoding and the Streams record loop). The raw topics' task that
     * owns the event's service ({@link ServiceOwners}) takes it at once; any other event (a raw
     * record keyed by something else than its service, or raw topics with other partition counts)
     * goes to its owner through a repartition topic of this application with {@code partitions}
     * partitions: {@code <application.id>-measure-requests-repartition} and
     * {@code -measure-logs-repartition}, read by the same tasks.
     *
     * @param builder    the builder
     * @param partitions the repartition topics' partition count: the raw topics' (the highest of them)
     * @return the clean events, each in the task that owns its service; record time = event time
     */
    public CleanStreams addTo(StreamsBuilder builder, int partitions) {
        ServiceOwners owners = new ServiceOwners(partitions);
        StoreBuilder<KeyValueStore<String, Long>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RouteCardinality.STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled(); // read for every request: served from the record cache, not RocksDB
        builder.addStateStore(store);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReplayGuard.STORE), Serdes.String(),
                Serdes.ByteArray()).withCachingEnabled()); // read and written for every file line: one entry per file

        KStream<String, Outcome> outcomes = builder
                .stream(inputs, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("normalize-source"))
                .process(() -> new NormalizeProcessor(owners), Named.as("normalize"), RouteCardinality.STORE, ReplayGuard.STORE);

        Map<String, KStream<String, Outcome>> split = outcomes.split(Named.as("normalize-split-"))
                .branch((k, v) -> v instanceof Outcome.Log, Branched.as("logs"))
                .branch((k, v) -> v instanceof Outcome.Request, Branched.as("requests"))
                .defaultBranch(Branched.withConsumer(s -> s
                        .map((k, v) -> KeyValue.pair(((Outcome.Dead) v).key(), ((Outcome.Dead) v).value()),
                                Named.as("normalize-deadletters-unwrap"))
                        .to(deadLetterTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName("normalize-deadletters-sink")), "deadletters"));
        KStream<String, Outcome> logOutcomes = split.get("normalize-split-logs");
        KStream<String, Outcome> requestOutcomes = split.get("normalize-split-requests");
        ValueMapper<Outcome, LogEvent> logOf = v -> ((Outcome.Log) v).event();
        ValueMapper<Outcome, RequestEvent> requestOf = v -> ((Outcome.Request) v).event();
        logOutcomes.mapValues(logOf, Named.as("normalize-logs-unwrap"))
                .to(logs.name(), Produced.with(logs.key(), logs.value()).withName("normalize-logs-sink"));
        requestOutcomes.mapValues(requestOf, Named.as("normalize-requests-unwrap"))
                .to(requests.name(), Produced.with(requests.key(), requests.value()).withName("normalize-requests-sink"));
        return new CleanStreams(toOwner(requestOutcomes, "requests", requestOf, requests, owners.partitions()),
                toOwner(logOutcomes, "logs", logOf, logs, owners.partitions()));
    }

    /** The events of {@code outcomes}, each in the task that owns its service: owned at once, the rest repartitioned. */
    private static <V> KStream<String, V> toOwner(KStream<String, Outcome> outcomes, String what, ValueMapper<Outcome, V> unwrap,
                                                  Topic<String, V> topic, int partitions) {
        String prefix = "normalize-" + what + "-";
        Map<String, KStream<String, Outcome>> split = outcomes
                .filterNot((k, v) -> v.copy(), Named.as(prefix + "first-seen"))
                .split(Named.as(prefix))
                .branch((k, v) -> v.owned(), Branched.as("owned"))
                .defaultBranch(Branched.as("moved"));
        KStream<String, V> moved = split.get(prefix + "moved")
                .mapValues(unwrap, Named.as(prefix + "moved-unwrap"))
                .repartition(Repartitioned.with(topic.key(), topic.value()).withName("measure-" + what)
                        .withNumberOfPartitions(partitions));
        return split.get(prefix + "owned")
                .mapValues(unwrap, Named.as(prefix + "owned-unwrap"))
                .merge(moved, Named.as(prefix + "to-owner"));
    }

    private static long labelChars(Object event) {
        Map<String, String> labels = event instanceof LogEvent l ? l.getLabels() : ((RequestEvent) event).getLabels();
        long n = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            n += e.getKey().length() + e.getValue().length();
        }
        return n;
    }

    private Counter recordsIn(String topic) {
        return Counter.builder("weir.records.in").description("Records read by the processor, per topic")
                .tag("topic", topic).register(registry);
    }

    private Counter duplicates(String topic) {
        return Counter.builder("weir.records.duplicate")
                .description("File lines an agent sent again (after a crash, from its checkpoint), indexed but kept from the measures and rules, per raw topic")
                .tag("topic", topic).register(registry);
    }

    private Counter recordsOut(String topic) {
        return Counter.builder("weir.records.out").description("Records written by the processor, per topic")
                .tag("topic", topic).register(registry);
    }

    /** One per stream task; not thread-safe. */
    private final class NormalizeProcessor implements Processor<byte[], byte[], String, Outcome> {
        private final ServiceOwners owners;
        private ProcessorContext<String, Outcome> context;
        private EventNormalizer normalizer;
        private ReplayGuard replays;
        private final Map<String, Counter> in = new java.util.HashMap<>();
        private final Map<String, Counter> duplicate = new java.util.HashMap<>();
        private Counter logsOut;
        private Counter requestsOut;
        private Counter deadOut;

        NormalizeProcessor(ServiceOwners owners) {
            this.owners = owners;
        }

        @Override
        public void init(ProcessorContext<String, Outcome> context) {
            this.context = context;
            KeyValueStore<String, Long> store = context.getStateStore(RouteCardinality.STORE);
            RouteCardinality routes = new RouteCardinality(store, settings.routes().maxPerService(), registry);
            this.normalizer = new EventNormalizer(settings, redactor, routes, clock, owners, rawRequests);
            this.replays = new ReplayGuard(context.getStateStore(ReplayGuard.STORE));
            context.schedule(ReplayGuard.PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, replays::purge);
            this.logsOut = recordsOut(logs.name());
            this.requestsOut = recordsOut(requests.name());
            this.deadOut = recordsOut(deadLetterTopic);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            RecordMetadata meta = context.recordMetadata().orElseThrow(() ->
                    new IllegalStateException("normalize must read from a source topic"));
            in.computeIfAbsent(meta.topic(), NormalizeTopology.this::recordsIn).increment();
            EventNormalizer.Source source = new EventNormalizer.Source(meta.topic(), meta.partition(), meta.offset(), record.timestamp());
            Outcome outcome;
            try {
                outcome = normalizer.normalize(record.key(), record.value(), source);
            } catch (dev.weir.processor.validate.Rejection r) {
                outcome = Outcome.Dead.of(r, record.key(), record.value());
            } catch (RuntimeException | StackOverflowError bug) {
                // a bug must not stop the pipeline: keep the record in the dead-letter topic, inside the transaction (a
                // stack overflow too: a configured redaction pattern that recurses per character on a long text)
                log.error("Normalising the record at {}-{}@{} failed unexpectedly; sending it to the dead-letter topic",
                        meta.topic(), meta.partition(), meta.offset(), bug);
                outcome = new Outcome.Dead(DeadLetterCounters.PROCESSING_ERROR, null, "Normalising failed: " + bug,
                        record.key(), record.value());
            }
            if (outcome instanceof Outcome.Log l) {
                outcome = tooLargeOr(outcome, l.event().getService(), logs, l.event(), EventSize.upperBound(l.event()), record);
            } else if (outcome instanceof Outcome.Request r) {
                outcome = tooLargeOr(outcome, r.event().getService(), requests, r.event(), EventSize.upperBound(r.event()), record);
            }
            if (isReplay(outcome, meta.topic())) {
                duplicate.computeIfAbsent(meta.topic(), NormalizeTopology.this::duplicates).increment();
                outcome = outcome instanceof Outcome.Log l ? new Outcome.Log(l.event(), l.owned(), true)
                        : new Outcome.Request(((Outcome.Request) outcome).event(), outcome.owned(), true);
            }
            if (outcome instanceof Outcome.Log l) {
                logsOut.increment();
                context.forward(new Record<>(l.event().getService(), outcome, l.event().getTimestamp().toEpochMilli(),
                        record.headers()));
            } else if (outcome instanceof Outcome.Request r) {
                requestsOut.increment();
                context.forward(new Record<>(r.event().getService(), outcome, r.event().getTimestamp().toEpochMilli(),
                        record.headers()));
            } else {
                Outcome.Dead d = (Outcome.Dead) outcome;
                DeadLetter letter = deadLetterRecords.build(record.key(), record.value(), record.headers(),
                        new DeadLetterHeaders.Values(d.reason(), d.field(), STAGE, meta.topic(), meta.partition(), meta.offset(),
                                d.detail(), clock.instant()), outputLimits.of(deadLetterTopic));
                deadLetters.counter(d.reason(), STAGE).increment();
                deadOut.increment();
                context.forward(new Record<String, Outcome>(null, new Outcome.Dead(d.reason(), d.field(), d.detail(), letter.key(),
                        letter.value()), record.timestamp(), letter.headers()));
            }
        }

        /** @return whether the event is a file line an agent already sent */
        private boolean isReplay(Outcome outcome, String rawTopic) {
            if (outcome instanceof Outcome.Log l) {
                LogEvent e = l.event();
                Long offset = e.getSource() == null ? null : e.getSource().getOffset();
                return replays.seenBefore(rawTopic, e.getHost(), e.getId(), offset, clock.millis());
            }
            if (outcome instanceof Outcome.Request r) {
                RequestEvent e = r.event();
                return replays.seenBefore(rawTopic, e.getHost(), e.getId(), null, clock.millis());
            }
            return false;
        }

        /**
         * The event's outcome, or a {@code too_large} dead letter when the clean record would be larger than its topic
         * takes: the bound is cheap and almost always far below; only above it is the event encoded to know.
         */
        private <V> Outcome tooLargeOr(Outcome outcome, String service, Topic<String, V> topic, V event, long bound,
                                       Record<byte[], byte[]> raw) {
            int limit = outputLimits.of(topic.name());
            if (DeadLetters.recordBytes(null, null, raw.headers()) + 3L * service.length() + bound <= limit) {
                return outcome; // a UTF-16 unit is at most 3 UTF-8 bytes: no need to encode the key to know
            }
            byte[] key = service.getBytes(StandardCharsets.UTF_8);
            byte[] value = topic.value().serializer().serialize(topic.name(), event);
            int size = DeadLetters.recordBytes(key, value, raw.headers());
            if (size <= limit) {
                return outcome;
            }
            return new Outcome.Dead(DeadLetterReason.TOO_LARGE.code(), null, "The normalised event takes " + size
                    + " bytes on " + topic.name() + " (its labels " + labelChars(event) + " characters), more than the "
                    + limit + " bytes the topic takes; send fewer or shorter fields.", raw.key(), raw.value());
        }
    }
}
