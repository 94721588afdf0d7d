package dev.weir.processor.measure.metrics;

import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.latency.LatencyAggregate;
import dev.weir.processor.measure.query.LoginSummary;
import dev.weir.processor.measure.query.MeasureQueries;
import dev.weir.processor.measure.query.WindowStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The measuring stage's Prometheus series, in the names the seeds' PromQL expects.
 *
 * <p>Fed from the stream ({@link MeasureListener}), per instance, counting what this instance's
 * tasks processed:
 * <ul>
 *   <li>{@code http_requests_total{service,method,route,status}}</li>
 *   <li>{@code http_request_duration_seconds} histogram with Prometheus's default buckets
 *       (.005 … 10 s) and the same labels minus status</li>
 *   <li>{@code failed_login_attempts_total{service}}, {@code weir_login_attempts_total{service,outcome}}</li>
 *   <li>{@code weir_measured_logs_total{service,severity}}, {@code weir_late_events_total{measure}},
 *       {@code weir_cardinality_overflow_total{label}}</li>
 * </ul>
 * These are counters of <em>processing</em>, not of windows: when a task fails over, the records
 * after its last commit are processed again (exactly-once makes the stores and topics exact, but
 * a Prometheus counter cannot be rolled back), so they can over-count by at most one commit
 * interval of traffic per failover; the new owner's counters start from zero, which
 * {@code rate()} treats as a counter reset. The exact numbers are the window stores,
 * {@code weir.stats.*} and the gauges below.
 *
 * <p>Gauges read from this instance's window stores on each scrape ({@link #refresh}):
 * {@code weir_error_ratio{service,window}}, {@code weir_window_requests{service,window}},
 * {@code weir_latency_sketch_seconds{service,window,percentile}} (label {@code percentile}, e.g. {@code 99.9}: promtool
 * reserves {@code quantile} for summaries),
 * {@code weir_login_failures{window}}, {@code weir_login_failing_sources{window}}.
 *
 * <p>Thread-safe; {@link #refresh} runs one at a time and updates each gauge row in place, so a
 * scrape running meanwhile sees every series once (a remove-and-register of a row, as
 * {@code MultiGauge} with overwrite does, lets a concurrent Prometheus scrape see it twice and fail
 * with {@code DuplicateLabelsException}, micrometer#6851).
 */
public final class MeasureMetrics implements MeasureListener {
    /** Prometheus client's default histogram buckets, in seconds. */
    public static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final String[] PERCENTILE_LABELS = {"50", "90", "95", "99", "99.9"};
    private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99, 0.999};

    private final MeterRegistry registry;
    private final MeasureSettings settings;
    private final Duration[] slos;
    private final Map<List<String>, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<String, AtomicReferenceArray<Counter>> logCounters = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> otherCounters = new ConcurrentHashMap<>();
    private final GaugeRows errorRatio;
    private final GaugeRows windowRequests;
    private final GaugeRows latencyQuantiles;
    private final GaugeRows loginFailures;
    private final GaugeRows failingSources;

    /**
     * @param registry the component's registry
     * @param settings for the login threshold of {@code weir_login_failing_sources}
     */
    public MeasureMetrics(MeterRegistry registry, MeasureSettings settings) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.slos = new Duration[DEFAULT_BUCKETS.length];
        for (int i = 0; i < DEFAULT_BUCKETS.length; i++) {
            slos[i] = Duration.ofNanos((long) (DEFAULT_BUCKETS[i] * 1e9));
        }
        errorRatio = new GaugeRows(registry, "weir.error.ratio", null,
                "Share of requests answered 5xx over the rolling window, from the window stores");
        windowRequests = new GaugeRows(registry, "weir.window.requests", null, "Requests in the rolling window, from the window stores");
        latencyQuantiles = new GaugeRows(registry, "weir.latency.sketch", "seconds",
                "Request latency quantile over the rolling window from merged DDSketches (1% relative accuracy)");
        loginFailures = new GaugeRows(registry, "weir.login.failures", null, "Failed logins in the rolling window, from the login window stores");
        failingSources = new GaugeRows(registry, "weir.login.failing.sources", null,
                "Source IPs with at least the BY_SOURCE threshold of failed logins in the rolling window");
    }

    @Override
    public void request(String service, String method, String route, int status, Double durationMs) {
        String m = method != null && METHODS.contains(method) ? method : "OTHER";
        // one lookup per event for both series (this runs for every request event)
        RouteMeters meters = routes.computeIfAbsent(List.of(service, m, route), RouteMeters::new);
        meters.counter(status).increment();
        if (durationMs != null) {
            meters.timer().record((long) (Math.max(0, durationMs) * 1e6), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The series of one service, method and route: its duration histogram and its request counter per status.
     * Stream threads share it, so the statuses are a copy-on-write array (a route sees a handful of statuses,
     * and a scan of a few ints is cheaper than a map lookup).
     */
    private final class RouteMeters {
        private final List<String> key;
        private volatile Timer timer;
        private volatile int[] statuses = new int[0];
        private volatile Counter[] counters = new Counter[0];

        RouteMeters(List<String> key) {
            this.key = key;
        }

        Counter counter(int status) {
            int[] known = statuses;
            Counter[] found = counters;
            for (int i = 0; i < known.length && i < found.length; i++) {
                if (known[i] == status) {
                    return found[i];
                }
            }
            return add(status);
        }

        private synchronized Counter add(int status) {
            for (int i = 0; i < statuses.length; i++) {
                if (statuses[i] == status) {
                    return counters[i];
                }
            }
            Counter c = Counter.builder("http.requests")
                    .description("HTTP requests served, from request events")
                    .tags("service", key.get(0), "method", key.get(1), "route", key.get(2), "status", Integer.toString(status))
                    .register(registry);
            Counter[] more = Arrays.copyOf(counters, counters.length + 1);
            more[counters.length] = c;
            int[] moreStatuses = Arrays.copyOf(statuses, statuses.length + 1);
            moreStatuses[statuses.length] = status;
            counters = more; // readers bound their scan by both arrays, so either order of the two writes is safe
            statuses = moreStatuses;
            return c;
        }

        Timer timer() {
            Timer t = timer;
            if (t == null) {
                synchronized (this) {
                    t = timer;
                    if (t == null) {
                        t = Timer.builder("http.request.duration")
                                .description("HTTP request duration, from request events")
                                .tags("service", key.get(0), "method", key.get(1), "route", key.get(2))
                                .serviceLevelObjectives(slos)
                                .register(registry);
                        timer = t;
                    }
                }
            }
            return t;
        }
    }

    @Override
    public void log(String service, boolean errorLog, long count) {
        // one lookup keyed by the service alone: this runs for every log event
        AtomicReferenceArray<Counter> bySeverity = logCounters.computeIfAbsent(service, k -> new AtomicReferenceArray<>(2));
        int i = errorLog ? 1 : 0;
        Counter c = bySeverity.get(i);
        if (c == null) {
            // two threads racing here get the same counter from the map behind counter()
            c = counter("weir.measured.logs", "Log events measured", "service", service, "severity", errorLog ? "error" : "other");
            bySeverity.set(i, c);
        }
        c.increment(count);
    }

    @Override
    public void lateEvent(String measure) {
        counter("weir.late.events", "Events that arrived after their window had closed (beyond grace) and were not counted into it",
                "measure", measure).increment();
    }

    @Override
    public void loginAttempt(String service, boolean success, long count) {
        counter("weir.login.attempts", "Login attempts", "service", service, "outcome", success ? "success" : "failure").increment(count);
        if (!success) {
            counter("failed.login.attempts", "Failed login attempts", "service", service).increment(count);
        }
    }

    @Override
    public void overflow(String label) {
        counter("weir.cardinality.overflow", "Events whose service or route went to the __overflow__ bucket", "label", label).increment();
    }

    private Counter counter(String name, String description, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(List.of(tags));
        return otherCounters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    /**
     * Recomputes the gauges from this instance's stores; call before each scrape.
     *
     * @param queries this instance's queries
     */
    public synchronized void refresh(MeasureQueries queries) {
        Map<Tags, Double> ratios = new LinkedHashMap<>();
        Map<Tags, Double> counts = new LinkedHashMap<>();
        Map<Tags, Double> quantiles = new LinkedHashMap<>();
        for (String service : queries.services()) {
            for (Map.Entry<String, Duration> view : MeasureQueries.VIEWS.entrySet()) {
                WindowStats s = queries.stats(service, view.getKey(), view.getValue());
                Tags tags = Tags.of("service", service, "window", view.getKey());
                counts.put(tags, (double) s.requests());
                if (s.requests() > 0) {
                    ratios.put(tags, s.errorRatio());
                }
                LatencyAggregate latency = queries.latency(service, view.getValue());
                if (latency.count() > 0) {
                    for (int i = 0; i < QUANTILES.length; i++) {
                        quantiles.put(tags.and("percentile", PERCENTILE_LABELS[i]), latency.quantile(QUANTILES[i]) / 1000.0);
                    }
                }
            }
        }
        Map<Tags, Double> failures = new LinkedHashMap<>();
        Map<Tags, Double> sources = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> view : Map.of("5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1)).entrySet()) {
            LoginSummary summary = queries.logins(view.getKey(), view.getValue(), Integer.MAX_VALUE);
            Tags tags = Tags.of("window", view.getKey());
            failures.put(tags, (double) summary.sources().stream().mapToLong(LoginSummary.Entry::failures).sum());
            sources.put(tags, (double) summary.sources().stream()
                    .filter(e -> e.failures() >= settings.sourceMinFailures()).count());
        }
        errorRatio.set(ratios);
        windowRequests.set(counts);
        latencyQuantiles.set(quantiles);
        loginFailures.set(failures);
        failingSources.set(sources);
    }
}
