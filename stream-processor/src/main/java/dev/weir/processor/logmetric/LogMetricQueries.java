package dev.weir.processor.logmetric;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.weir.processor.rules.LogMetric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads log metrics from a {@code log-metrics-store} (one task's, or every local task's through interactive queries):
 * the series of a metric, their totals, their values over the windows {@link #WINDOWS} and a point per minute of the
 * last hour. Windows end at the minute (hour) of {@code now}: {@code 5m} is that minute and the four before it.
 * Thread-safe as far as the store is.
 */
public final class LogMetricQueries {
    /** The windows every series is shown over; {@code 1d} not for distributions, which keep minutes only. */
    public static final List<String> WINDOWS = List.of("1m", "5m", "15m", "1h", "1d");
    /** The quantiles of distributions. */
    public static final double[] QUANTILES = {0.5, 0.75, 0.9, 0.95, 0.99};
    /** Their names: {@code p50} … (and the {@code percentile} label of the gauges without the {@code p}). */
    public static final List<String> QUANTILE_NAMES = List.of("p50", "p75", "p90", "p95", "p99");

    private final ReadOnlyKeyValueStore<String, byte[]> store;

    /** @param store the metrics store */
    public LogMetricQueries(ReadOnlyKeyValueStore<String, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * A metric and its series, as the query API shows it.
     *
     * @param name    the metric
     * @param kind    count, sum, distribution or distinct
     * @param help    what it counts
     * @param field   the measured field, or null
     * @param labels  the label names of its series
     * @param builtIn whether Weir defines it
     * @param series  its series (of the instances asked)
     */
    public record MetricView(String name, String kind, String help, String field, List<String> labels, boolean builtIn,
                             List<SeriesView> series) {
    }

    /**
     * One series.
     *
     * @param labels    label → value
     * @param total     events since the series appeared (what the counter shows for a count)
     * @param sum       the measured field's sum since then (sum, distribution), else null
     * @param lastEvent the newest event's time
     * @param windows   window → its value
     * @param points    one per minute of the last hour, oldest first (only when asked for one metric), else null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SeriesView(Map<String, String> labels, long total, Double sum, String lastEvent, Map<String, Value> windows,
                             List<Point> points) {
    }

    /**
     * A series over a window or a minute.
     *
     * @param count     events
     * @param sum       the measured field's sum (sum, distribution), else null
     * @param value     count: the count; sum: the sum; distinct: the estimated distinct values; distribution: null
     * @param quantiles distribution: p50, p75, p90, p95, p99 (1 % relative accuracy), null without events
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Value(long count, Double sum, Double value, Map<String, Double> quantiles) {
    }

    /**
     * A minute of a series.
     *
     * @param start the minute's start
     * @param value the series over it
     */
    public record Point(String start, Value value) {
    }

    /** A series' key, labels and info, as held in the store. */
    record Series(String key, Map<String, String> labels, SeriesInfo info) {
    }

    /**
     * @param metric a metric
     * @return its series in the store, counted under its current definition
     */
    List<Series> series(LogMetric metric) {
        List<Series> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(MetricKeys.infoStart(metric.name()), MetricKeys.infoEnd(metric.name()))) {
            while (it.hasNext()) {
                var kv = it.next();
                SeriesInfo info = SeriesInfo.decode(kv.value);
                if (info.version != metric.version()) {
                    continue;
                }
                String key = MetricKeys.seriesOfInfo(kv.key);
                List<String> values = MetricKeys.values(key);
                Map<String, String> labels = new LinkedHashMap<>();
                for (int i = 0; i < metric.labelNames().size() && i < values.size(); i++) {
                    labels.put(metric.labelNames().get(i), values.get(i));
                }
                out.add(new Series(key, labels, info));
            }
        }
        return out;
    }

    /**
     * @param metric     a metric
     * @param now        the end of the windows, epoch ms
     * @param withPoints whether to add a point per minute of the last hour
     * @return the metric with the series this store holds
     */
    public MetricView view(LogMetric metric, long now, boolean withPoints) {
        List<SeriesView> views = new ArrayList<>();
        for (Series s : series(metric)) {
            Map<String, Value> windows = new LinkedHashMap<>();
            for (String w : WINDOWS) {
                Aggregate a = window(metric, s.key(), w, now);
                if (a != null) {
                    windows.put(w, value(metric.kind(), a));
                }
            }
            List<Point> points = null;
            if (withPoints) {
                points = new ArrayList<>();
                long b = Math.floorDiv(now, MetricKeys.MINUTE_MS);
                for (long m = b - 59; m <= b; m++) {
                    Aggregate a = merged(metric.kind(), MetricKeys.minute(s.key(), m), MetricKeys.minute(s.key(), m));
                    points.add(new Point(Instant.ofEpochMilli(m * MetricKeys.MINUTE_MS).toString(), value(metric.kind(), a)));
                }
            }
            boolean summed = metric.kind() == LogMetric.Kind.SUM || metric.kind() == LogMetric.Kind.DISTRIBUTION;
            views.add(new SeriesView(s.labels(), s.info().count, summed ? s.info().sum : null,
                    Instant.ofEpochMilli(s.info().lastEventTime).toString(), windows, points));
        }
        return new MetricView(metric.name(), metric.kind().yamlName(), metric.help(),
                metric.field() == null ? null : metric.field().path(), metric.labelNames(), "(built-in)".equals(metric.file()), views);
    }

    /**
     * @param metric a metric
     * @param series a series of it
     * @param window one of {@link #WINDOWS}
     * @param now    the window's end, epoch ms
     * @return the series over the window, or null for {@code 1d} of a distribution
     */
    Aggregate window(LogMetric metric, String series, String window, long now) {
        if (window.equals("1d")) {
            if (metric.kind() == LogMetric.Kind.DISTRIBUTION) {
                return null;
            }
            long h = Math.floorDiv(now, MetricKeys.HOUR_MS);
            return merged(metric.kind(), MetricKeys.hour(series, h - 23), MetricKeys.hour(series, h));
        }
        int minutes = switch (window) {
            case "1m" -> 1;
            case "5m" -> 5;
            case "15m" -> 15;
            case "1h" -> 60;
            default -> throw new IllegalArgumentException("Unknown window " + window + "; one of " + WINDOWS);
        };
        long b = Math.floorDiv(now, MetricKeys.MINUTE_MS);
        return merged(metric.kind(), MetricKeys.minute(series, b - minutes + 1), MetricKeys.minute(series, b));
    }

    private Aggregate merged(LogMetric.Kind kind, String from, String to) {
        Aggregate total = new Aggregate(kind);
        try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
            it.forEachRemaining(kv -> total.merge(Aggregate.decode(kv.value)));
        }
        return total;
    }

    static Value value(LogMetric.Kind kind, Aggregate a) {
        return switch (kind) {
            case COUNT -> new Value(a.count, null, (double) a.count, null);
            case SUM -> new Value(a.count, a.sum, a.sum, null);
            case DISTINCT -> new Value(a.count, null, a.distinct(), null);
            case DISTRIBUTION -> {
                Map<String, Double> q = null;
                if (a.count > 0 && a.sketch != null) {
                    q = new LinkedHashMap<>();
                    for (int i = 0; i < QUANTILES.length; i++) {
                        q.put(QUANTILE_NAMES.get(i), a.quantile(QUANTILES[i]));
                    }
                }
                yield new Value(a.count, a.sum, null, q);
            }
        };
    }
}
