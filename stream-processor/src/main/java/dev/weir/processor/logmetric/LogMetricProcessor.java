package dev.weir.processor.logmetric;

import dev.weir.processor.rules.EventField;
import dev.weir.processor.rules.LogMetric;
import dev.weir.processor.rules.Rule;
import dev.weir.processor.rules.RuleInput;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.RuleSetSource;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import dev.weir.processor.rules.Signal;
import dev.weir.processor.state.CommitHook;
import dev.weir.processor.state.WriteBehindMap;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns events into log metrics ({@link LogMetric}: the built-in ones and those of the rule files, hot-reloaded with
 * them): for every metric that selects the event, it adds the event to its series' minute and hour buckets and
 * totals ({@link MetricKeys}), and, when a {@code metric} rule reads the metric, forwards a sample
 * ({@link RuleInput#sample}) to the rules. Series beyond a metric's {@code max_series} in this task go to its overflow
 * series (every label {@value LogMetric#OVERFLOW}). Buckets older than what is kept are deleted once a minute (wall
 * clock), and a series without events for a day and an hour is forgotten, so state is bounded by series × buckets,
 * whatever the traffic. Changes are written once per commit through {@link RulesTopology#METRICS_COMMIT_HOOK}.
 *
 * <p>With no metric for an event's kind the event costs one list check: the built-in request metrics read only
 * requests that carry a body size, and the web-vitals metric only logs whose {@code event.action} is
 * {@code web-vital}. One instance per task; not thread-safe.
 */
public final class LogMetricProcessor implements Processor<String, Object, String, RuleInput> {
    private static final Logger log = LoggerFactory.getLogger(LogMetricProcessor.class);
    private static final long CLEANUP_EVERY_MS = 60_000;
    /** A series unseen this long (wall clock) is forgotten: longer than the longest window, one day. */
    static final long RETENTION_MS = MetricKeys.HOURS * MetricKeys.HOUR_MS;
    private static final int LIVE_SERIES = 4096;

    /** Told about events a metric selected but could not measure, and about series that went to the overflow series. */
    public interface Listener {
        /** No-op. */
        Listener NONE = new Listener() {
        };

        /**
         * @param metric the metric
         * @param reason {@code missing_field} or {@code not_a_number}
         */
        default void skipped(String metric, String reason) {
        }

        /** @param metric an event of a new series went to the metric's overflow series */
        default void overflow(String metric) {
        }
    }

    private final RulesSettings settings;
    private final Listener listener;
    private final WriteBehindMap<Aggregate> buckets = new WriteBehindMap<>(8192, Aggregate::decode, Aggregate::encode);
    private final WriteBehindMap<SeriesInfo> infos = new WriteBehindMap<>(LIVE_SERIES, SeriesInfo::decode, SeriesInfo::encode);
    /** Series per metric in this task. */
    private final Map<String, Integer> seriesCount = new HashMap<>();
    /** The keys of a series' current buckets, so that an event of a known series builds no key. */
    private final Map<String, Keys> keys = new HashMap<>();
    private final List<String> values = new ArrayList<>();
    private ProcessorContext<String, RuleInput> context;
    private KeyValueStore<String, byte[]> store;
    private RuleSetSource rules;
    private LogMetric[] logMetrics = new LogMetric[0];
    private LogMetric[] requestMetrics = new LogMetric[0];
    private Set<String> sampled = Set.of();
    private long lastCleanup;

    /** The store keys of a series' info and of its current minute and hour. */
    private static final class Keys {
        final String info;
        long minute = Long.MIN_VALUE;
        String minuteKey;
        long hour = Long.MIN_VALUE;
        String hourKey;

        Keys(String series) {
            this.info = MetricKeys.info(series);
        }
    }

    /**
     * @param settings the rules settings (the configured rule set, evaluation interval)
     * @param listener told about skipped events and overflow
     */
    public LogMetricProcessor(RulesSettings settings, Listener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, RuleInput> context) {
        this.context = context;
        this.store = context.getStateStore(RulesTopology.METRICS_STORE);
        buckets.attach(store);
        infos.attach(store);
        CommitHook.register(context, RulesTopology.METRICS_COMMIT_HOOK, buckets);
        CommitHook.register(context, RulesTopology.METRICS_COMMIT_HOOK, infos);
        rules = new RuleSetSource(settings.rules(), context.getStateStore(RulesTopology.RULES_FILES_STORE));
        use(rules.current());
        seriesCount.clear();
        keys.clear();
        try (KeyValueIterator<String, byte[]> it = store.range(MetricKeys.allInfoStart(), MetricKeys.allInfoEnd())) {
            it.forEachRemaining(kv -> seriesCount.merge(MetricKeys.metricOf(MetricKeys.seriesOfInfo(kv.key)), 1, Integer::sum));
        }
        lastCleanup = context.currentSystemTimeMs();
        context.schedule(settings.evaluationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    private void use(RuleSet set) {
        logMetrics = set.allMetrics().stream().filter(m -> !m.requests()).toArray(LogMetric[]::new);
        requestMetrics = set.allMetrics().stream().filter(LogMetric::requests).toArray(LogMetric[]::new);
        Set<String> s = new HashSet<>();
        for (Rule r : set.rules()) {
            if (r.signal() == Signal.METRIC) {
                s.add(r.metric());
            }
        }
        sampled = s;
        keys.clear();
    }

    @Override
    public void process(Record<String, Object> record) {
        Object v = record.value();
        if (v instanceof RequestEvent e) {
            for (LogMetric m : requestMetrics) {
                measure(m, e, null, e.getTimestamp().toEpochMilli(), e.getId(), e.getTraceId());
            }
        } else if (v instanceof LogEvent e) {
            for (LogMetric m : logMetrics) {
                if (m.selects(e)) {
                    measure(m, null, e, e.getTimestamp().toEpochMilli(), e.getId(), e.getTraceId());
                }
            }
        }
    }

    /**
     * Measures one event a metric selected: {@code request} or {@code log} is set. A request without the measured
     * field is simply not about the metric (the built-in sizes read only requests that carry one); a log event the
     * metric selected but cannot measure is counted as skipped.
     */
    private void measure(LogMetric m, RequestEvent request, LogEvent log, long time, String id, String traceId) {
        double value = 1;
        String distinct = null;
        EventField f = m.field();
        switch (m.kind()) {
            case SUM, DISTRIBUTION -> {
                value = log != null ? f.number(log) : f.number(request);
                if (Double.isNaN(value)) {
                    String text = log != null ? f.text(log) : f.text(request);
                    if (text != null || log != null) {
                        listener.skipped(m.name(), text == null ? "missing_field" : "not_a_number");
                    }
                    return;
                }
            }
            case DISTINCT -> {
                distinct = log != null ? f.text(log) : f.text(request);
                if (distinct == null || distinct.isEmpty()) {
                    if (log != null) {
                        listener.skipped(m.name(), "missing_field");
                    }
                    return;
                }
            }
            case COUNT -> { }
        }
        values.clear();
        for (EventField l : m.labelFields()) {
            String x = log != null ? l.text(log) : l.text(request);
            values.add(x == null ? "" : x);
        }
        add(m, time, id, traceId, value, distinct, log != null ? Math.max(1, log.getCount()) : 1);
    }

    /** Adds one measured event to the series of {@link #values}. */
    private void add(LogMetric m, long time, String id, String traceId, double value, String distinct, long weight) {
        long wall = context.currentSystemTimeMs();
        String series = MetricKeys.series(m.name(), values);
        Keys k = keys.get(series);
        SeriesInfo info = k == null ? null : infos.get(k.info);
        if (info == null) {
            info = infos.get(MetricKeys.info(series));
            if (info == null) {
                int n = seriesCount.getOrDefault(m.name(), 0);
                if (n >= m.maxSeries()) {
                    listener.overflow(m.name());
                    for (int i = 0; i < values.size(); i++) {
                        values.set(i, LogMetric.OVERFLOW);
                    }
                    series = MetricKeys.series(m.name(), values);
                    info = infos.get(MetricKeys.info(series));
                }
                if (info == null) {
                    seriesCount.merge(m.name(), 1, Integer::sum);
                    info = new SeriesInfo(m.version());
                }
            }
            if (keys.size() >= LIVE_SERIES) {
                keys.clear();
            }
            k = keys.computeIfAbsent(series, Keys::new);
        }
        if (info.version != m.version()) {
            log.info("Log metric {} changed what it counts; series {} starts over", m.name(), series.replace('\u0000', '/'));
            deleteBuckets(series);
            info = new SeriesInfo(m.version());
        }
        long minute = Math.floorDiv(time, MetricKeys.MINUTE_MS);
        long latest = info.lastEventTime == Long.MIN_VALUE ? time : Math.max(info.lastEventTime, time);
        if (minute > Math.floorDiv(latest, MetricKeys.MINUTE_MS) - MetricKeys.MINUTES) {
            if (k.minute != minute) {
                k.minute = minute;
                k.minuteKey = MetricKeys.minute(series, minute);
            }
            addTo(k.minuteKey, m.kind(), value, distinct, weight);
        }
        long hour = Math.floorDiv(time, MetricKeys.HOUR_MS);
        if (m.kind() != LogMetric.Kind.DISTRIBUTION && hour > Math.floorDiv(latest, MetricKeys.HOUR_MS) - MetricKeys.HOURS) {
            if (k.hour != hour) {
                k.hour = hour;
                k.hourKey = MetricKeys.hour(series, hour);
            }
            addTo(k.hourKey, m.kind(), value, distinct, weight);
        }
        info.count += weight;
        if (m.kind() == LogMetric.Kind.SUM || m.kind() == LogMetric.Kind.DISTRIBUTION) {
            info.sum += value * weight;
        }
        info.lastEventTime = latest;
        info.lastEventWall = wall;
        infos.put(k.info, info);
        if (sampled.contains(m.name())) {
            Map<String, String> labels = new LinkedHashMap<>();
            List<String> v = MetricKeys.values(series);
            for (int i = 0; i < v.size(); i++) {
                labels.put(m.labelNames().get(i), v.get(i));
            }
            context.forward(new Record<>(labels.get("service"), RuleInput.sample(m.name(), id, traceId, time, labels,
                    m.kind() == LogMetric.Kind.DISTINCT ? Double.NaN : value, distinct, weight), time));
        }
    }

    private void addTo(String key, LogMetric.Kind kind, double value, String distinct, long weight) {
        Aggregate a = buckets.get(key);
        if (a == null) {
            a = new Aggregate(kind);
        }
        a.add(value, distinct, weight);
        buckets.put(key, a);
    }

    private void punctuate(long wall) {
        if (rules.refresh()) {
            use(rules.current());
        }
        if (wall - lastCleanup < CLEANUP_EVERY_MS) {
            return;
        }
        lastCleanup = wall;
        buckets.flushDirty();
        infos.flushDirty();
        Map<String, LogMetric> byName = new HashMap<>();
        rules.current().allMetrics().forEach(m -> byName.put(m.name(), m));
        List<String> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(MetricKeys.allInfoStart(), MetricKeys.allInfoEnd())) {
            it.forEachRemaining(kv -> all.add(kv.key));
        }
        for (String infoKey : all) {
            String series = MetricKeys.seriesOfInfo(infoKey);
            LogMetric m = byName.get(MetricKeys.metricOf(series));
            SeriesInfo info = infos.get(infoKey);
            if (m == null || info == null || info.version != m.version() || wall - info.lastEventWall > RETENTION_MS) {
                forget(series, infoKey);
                continue;
            }
            long now = info.lastEventTime + Math.max(0, wall - info.lastEventWall);
            deleteRange(MetricKeys.minute(series, 0), MetricKeys.minute(series, Math.floorDiv(now, MetricKeys.MINUTE_MS) - MetricKeys.MINUTES));
            deleteRange(MetricKeys.hour(series, 0), MetricKeys.hour(series, Math.floorDiv(now, MetricKeys.HOUR_MS) - MetricKeys.HOURS));
        }
    }

    private void forget(String series, String infoKey) {
        deleteBuckets(series);
        infos.delete(infoKey);
        keys.remove(series);
        seriesCount.computeIfPresent(MetricKeys.metricOf(series), (k, n) -> n <= 1 ? null : n - 1);
    }

    private void deleteBuckets(String series) {
        buckets.flushDirty();
        deleteRange(series + '\u0000', MetricKeys.seriesEnd(series));
    }

    /** Deletes the bucket keys from {@code from} to {@code to}, both included. */
    private void deleteRange(String from, String to) {
        if (from.compareTo(to) > 0) {
            return;
        }
        List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
            it.forEachRemaining(kv -> doomed.add(kv.key));
        }
        doomed.forEach(buckets::delete);
    }
}
