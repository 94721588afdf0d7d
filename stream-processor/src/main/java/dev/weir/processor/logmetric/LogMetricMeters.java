package dev.weir.processor.logmetric;

import dev.weir.processor.measure.metrics.CounterRows;
import dev.weir.processor.measure.metrics.GaugeRows;
import dev.weir.processor.rules.LogMetric;
import dev.weir.processor.rules.RuleSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log metrics on {@code /metrics}, recomputed from this instance's {@code log-metrics-store} before each scrape:
 * <ul>
 *   <li>count: counter {@code NAME_total{labels}}, the events since the series appeared;</li>
 *   <li>sum: counter {@code NAME_total{labels}}, the sum of the field since then;</li>
 *   <li>distribution: gauge {@code NAME{labels,window,percentile}} over the windows {@code 5m} and {@code 1h}, percentiles
 *       50, 75, 90, 95, 99 (label {@code percentile}: promtool reserves {@code quantile} for summaries);</li>
 *   <li>distinct: gauge {@code NAME{labels,window}}, the estimated distinct values over {@code 5m}, {@code 1h} and
 *       {@code 1d}.</li>
 * </ul>
 * The totals live in the store (exact under exactly_once_v2) and move with their task, so a counter neither counts an
 * event twice after a failover nor starts over on the instance that takes the task on. Also counts, from the stream,
 * {@code weir_log_metric_skipped_total{metric,reason}} and {@code weir_log_metric_overflow_total{metric}}. Each instance
 * reports the series of the services its tasks own. One refresh at a time; the listener methods are thread-safe.
 */
public final class LogMetricMeters implements LogMetricProcessor.Listener {
    private static final Logger log = LoggerFactory.getLogger(LogMetricMeters.class);
    private static final List<String> GAUGE_WINDOWS_DISTRIBUTION = List.of("5m", "1h");
    private static final List<String> GAUGE_WINDOWS_DISTINCT = List.of("5m", "1h", "1d");

    private final MeterRegistry registry;
    private final Map<String, Rows> rows = new HashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    /** The rows of one metric, and the definition they were made for (its kind and labels). */
    private record Rows(LogMetric.Kind kind, List<String> labels, CounterRows counter, GaugeRows gauge) {
        void clear() {
            if (counter != null) {
                counter.clear();
            }
            if (gauge != null) {
                gauge.set(Map.of());
            }
        }
    }

    /** @param registry the processor's registry */
    public LogMetricMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void skipped(String metric, String reason) {
        counters.computeIfAbsent(List.of("skipped", metric, reason), k -> Counter.builder("weir.log.metric.skipped")
                .description("Events a log metric selected but could not measure (its field missing or not a number)")
                .tags("metric", metric, "reason", reason).register(registry)).increment();
    }

    @Override
    public void overflow(String metric) {
        counters.computeIfAbsent(List.of("overflow", metric), k -> Counter.builder("weir.log.metric.overflow")
                .description("Events of new series counted in a log metric's overflow series, as the metric held max_series")
                .tags("metric", metric).register(registry)).increment();
    }

    /**
     * @param queries this instance's metrics store
     * @param rules   the rule set in force (its metrics, built-in ones included)
     * @param now     now, epoch ms
     */
    public synchronized void refresh(LogMetricQueries queries, RuleSet rules, long now) {
        Map<String, LogMetric> current = new HashMap<>();
        rules.allMetrics().forEach(m -> current.put(m.name(), m));
        rows.entrySet().removeIf(e -> {
            LogMetric m = current.get(e.getKey());
            if (m == null || m.kind() != e.getValue().kind() || !m.labelNames().equals(e.getValue().labels())) {
                e.getValue().clear(); // Prometheus wants one set of label names per metric name: the old rows go first
                return true;
            }
            return false;
        });
        for (LogMetric m : rules.allMetrics()) {
            try {
                refresh(queries, m, now);
            } catch (IllegalArgumentException e) {
                // another meter already has the name with other labels; rule files are checked against Weir's own names
                log.warn("Cannot show log metric {} on /metrics: {}", m.name(), e.getMessage());
            }
        }
    }

    private void refresh(LogMetricQueries queries, LogMetric m, long now) {
        Rows r = rows.computeIfAbsent(m.name(), n -> switch (m.kind()) {
            case COUNT, SUM -> new Rows(m.kind(), m.labelNames(), new CounterRows(registry, m.name(), m.help()), null);
            case DISTRIBUTION, DISTINCT -> new Rows(m.kind(), m.labelNames(), null, new GaugeRows(registry, m.name(), null, m.help()));
        });
        Map<Tags, Double> values = new HashMap<>();
        for (LogMetricQueries.Series s : queries.series(m)) {
            Tags tags = Tags.of(s.labels().entrySet().stream().map(e -> io.micrometer.core.instrument.Tag.of(e.getKey(), e.getValue()))
                    .toList());
            switch (m.kind()) {
                case COUNT -> values.merge(tags, (double) s.info().count, Double::sum);
                case SUM -> values.merge(tags, s.info().sum, Double::sum);
                case DISTRIBUTION -> {
                    for (String w : GAUGE_WINDOWS_DISTRIBUTION) {
                        Aggregate a = queries.window(m, s.key(), w, now);
                        for (int i = 0; i < LogMetricQueries.QUANTILES.length; i++) {
                            double q = a.quantile(LogMetricQueries.QUANTILES[i]);
                            if (!Double.isNaN(q)) {
                                values.put(tags.and("window", w, "percentile", LogMetricQueries.QUANTILE_NAMES.get(i).substring(1)), q);
                            }
                        }
                    }
                }
                case DISTINCT -> {
                    for (String w : GAUGE_WINDOWS_DISTINCT) {
                        values.put(tags.and("window", w), queries.window(m, s.key(), w, now).distinct());
                    }
                }
            }
        }
        if (r.counter() != null) {
            r.counter().set(values);
        } else {
            r.gauge().set(values);
        }
    }
}
