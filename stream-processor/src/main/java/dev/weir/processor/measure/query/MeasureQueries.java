package dev.weir.processor.measure.query;

import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.errors.ErrorRateProcessor;
import dev.weir.processor.measure.latency.LatencyAggregate;
import dev.weir.processor.measure.logins.LoginWindowState;
import dev.weir.schemas.ErrorRateWindow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Rolling views over this instance's 1-minute windows: a view of length D ending now covers the
 * window holding "now" (still open, partial) and the windows before it, D / window in all.
 * Longer views merge the windows: counts add up, latency sketches merge (so quantiles keep the
 * sketch's relative accuracy). Only data of tasks active on this instance is seen; {@link MeasureHttp}
 * forwards to the owner. Thread-safe (reads only).
 */
public final class MeasureQueries {
    /** The views served, by name. */
    public static final Map<String, Duration> VIEWS = views();

    private final MeasureStores stores;
    private final MeasureSettings settings;
    private final Clock clock;

    /**
     * @param stores   this instance's stores
     * @param settings window size and relative accuracy
     * @param clock    "now" for the views
     */
    public MeasureQueries(MeasureStores stores, MeasureSettings settings, Clock clock) {
        this.stores = Objects.requireNonNull(stores, "stores");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return "now" of the views, epoch ms */
    public long nowMillis() {
        return clock.millis();
    }

    /** @return ISO-8601 "now" of the views */
    public String asOf() {
        return Instant.ofEpochMilli(clock.millis()).toString();
    }

    /** @return services with data in the last hour on this instance, sorted */
    public List<String> services() {
        long[] range = range(MeasureSettings.LONGEST_VIEW);
        Set<String> services = new TreeSet<>();
        try (KeyValueIterator<Windowed<String>, ErrorRateWindow> it = stores.errors().fetchAll(
                Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1]))) {
            while (it.hasNext()) {
                services.add(it.next().value.getService());
            }
        }
        return new ArrayList<>(services);
    }

    /**
     * @param service a service name
     * @return its views and its routes' views, or {@code null} when this instance has no data of it in the last hour
     */
    public ServiceStats service(String service) {
        List<WindowStats> windows = hour(service).views();
        WindowStats longest = windows.get(windows.size() - 1);
        if (longest.requests() == 0 && longest.logs() == 0 && longest.lateEvents() == 0) {
            return null;
        }
        Map<String, List<WindowStats>> routes = new TreeMap<>();
        for (String route : routes(service)) {
            routes.put(route, hour(ErrorRateProcessor.key(service, route)).views());
        }
        return new ServiceStats(service, Instant.ofEpochMilli(clock.millis()).toString(), windows, routes);
    }

    /**
     * @param service a service name
     * @return its views and its per-window series of the last hour (without quantiles), or {@code null}
     *         when this instance has no data of it in the last hour
     */
    public ServiceOverview overview(String service) {
        Hour hour = hour(service);
        if (hour.empty()) {
            return null;
        }
        return new ServiceOverview(service, hour.views(), hour.points(false));
    }

    /**
     * @param service a service name
     * @return its per-window series of the last hour with latency quantiles and the hour's latency
     *         distribution, or {@code null} when this instance has no data of it in the last hour
     */
    public ServiceSeries series(String service) {
        Hour hour = hour(service);
        if (hour.empty()) {
            return null;
        }
        LatencyAggregate merged = LatencyAggregate.empty(settings.relativeAccuracy());
        for (LatencyAggregate a : hour.latency) {
            if (a != null) {
                merged.merge(a);
            }
        }
        return new ServiceSeries(service, Instant.ofEpochMilli(clock.millis()).toString(), settings.window().toSeconds(),
                hour.points(true), distribution(merged));
    }

    /** Upper bounds of the latency distribution's buckets, in ms. */
    private static final double[] BUCKETS_MS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, Double.POSITIVE_INFINITY};

    private static List<ServiceSeries.Bucket> distribution(LatencyAggregate merged) {
        long[] counts = new long[BUCKETS_MS.length];
        // zeros (and values below the sketch's smallest indexable value) are outside the positive store
        counts[0] += Math.round(merged.sketch().getCount() - merged.sketch().getPositiveValueStore().getTotalCount());
        var mapping = merged.sketch().getIndexMapping();
        merged.sketch().getPositiveValueStore().forEach((index, count) -> {
            double value = mapping.value(index);
            int b = 0;
            while (value > BUCKETS_MS[b]) {
                b++;
            }
            counts[b] += Math.round(count);
        });
        List<ServiceSeries.Bucket> out = new ArrayList<>();
        for (int i = 0; i < BUCKETS_MS.length; i++) {
            out.add(new ServiceSeries.Bucket(BUCKETS_MS[i], counts[i]));
        }
        return out;
    }

    /** The windows of one key over the last hour, fetched once; index 0 is the oldest, the last the current window. */
    private Hour hour(String key) {
        long[] range = range(MeasureSettings.LONGEST_VIEW);
        long size = settings.window().toMillis();
        int n = (int) ((range[1] - range[0]) / size) + 1;
        Hour hour = new Hour(range[0], size, new ErrorRateWindow[n], new LatencyAggregate[n]);
        try (WindowStoreIterator<ErrorRateWindow> it = stores.errors().fetch(key, Instant.ofEpochMilli(range[0]),
                Instant.ofEpochMilli(range[1]))) {
            while (it.hasNext()) {
                KeyValue<Long, ErrorRateWindow> kv = it.next();
                hour.errors[hour.index(kv.key)] = kv.value;
            }
        }
        try (WindowStoreIterator<LatencyAggregate> it = stores.latency().fetch(key, Instant.ofEpochMilli(range[0]),
                Instant.ofEpochMilli(range[1]))) {
            while (it.hasNext()) {
                KeyValue<Long, LatencyAggregate> kv = it.next();
                hour.latency[hour.index(kv.key)] = kv.value;
            }
        }
        return hour;
    }

    /** Windows of one key over the last hour; views are the last N of them. */
    private final class Hour {
        final long first;
        final long size;
        final ErrorRateWindow[] errors;
        final LatencyAggregate[] latency;

        Hour(long first, long size, ErrorRateWindow[] errors, LatencyAggregate[] latency) {
            this.first = first;
            this.size = size;
            this.errors = errors;
            this.latency = latency;
        }

        int index(long windowStart) {
            return (int) Math.min(errors.length - 1, Math.max(0, (windowStart - first) / size));
        }

        boolean empty() {
            for (ErrorRateWindow w : errors) {
                if (w != null && (w.getRequests() > 0 || w.getLogs() > 0 || w.getLateEvents() > 0)) {
                    return false;
                }
            }
            return true;
        }

        /** @return every view in {@link #VIEWS}, from this one fetch */
        List<WindowStats> views() {
            List<WindowStats> windows = new ArrayList<>();
            for (Map.Entry<String, Duration> view : VIEWS.entrySet()) {
                windows.add(view(view.getKey(), view.getValue()));
            }
            return windows;
        }

        WindowStats view(String name, Duration view) {
            int windows = (int) Math.max(1, view.toMillis() / size);
            long requests = 0, e4 = 0, e5 = 0, errorLogs = 0, logs = 0, late = 0;
            LatencyAggregate merged = LatencyAggregate.empty(settings.relativeAccuracy());
            for (int i = Math.max(0, errors.length - windows); i < errors.length; i++) {
                ErrorRateWindow w = errors[i];
                if (w != null) {
                    requests += w.getRequests();
                    e4 += w.getErrors4xx();
                    e5 += w.getErrors5xx();
                    errorLogs += w.getErrorLogs();
                    logs += w.getLogs();
                    late += w.getLateEvents();
                }
                if (latency[i] != null) {
                    merged.merge(latency[i]);
                }
            }
            return new WindowStats(name, requests, e4, e5, errorLogs, logs, late, requests == 0 ? 0 : (double) e5 / requests,
                    merged.count(), quantiles(merged));
        }

        List<SeriesPoint> points(boolean withQuantiles) {
            List<SeriesPoint> points = new ArrayList<>(errors.length);
            for (int i = 0; i < errors.length; i++) {
                ErrorRateWindow w = errors[i];
                LatencyAggregate l = withQuantiles ? latency[i] : null;
                boolean hasLatency = l != null && l.count() > 0;
                long requests = w == null ? 0 : w.getRequests();
                long e5 = w == null ? 0 : w.getErrors5xx();
                points.add(new SeriesPoint(Instant.ofEpochMilli(first + i * size).toString(), requests,
                        w == null ? 0 : w.getErrors4xx(), e5, w == null ? 0 : w.getErrorLogs(), w == null ? 0 : w.getLogs(),
                        requests == 0 ? 0 : (double) e5 / requests,
                        hasLatency ? l.quantile(0.5) : null, hasLatency ? l.quantile(0.95) : null, hasLatency ? l.quantile(0.99) : null));
            }
            return points;
        }
    }

    /**
     * @param key  {@code service} or {@code service|route}
     * @param name the view's name
     * @param view the view's length
     * @return merged counts and latency of {@code key} over the view
     */
    public WindowStats stats(String key, String name, Duration view) {
        return hour(key).view(name, view);
    }

    private static Map<String, Double> quantiles(LatencyAggregate latency) {
        Map<String, Double> quantiles = new LinkedHashMap<>();
        if (latency.count() > 0) {
            quantiles.put("p50", latency.quantile(0.5));
            quantiles.put("p90", latency.quantile(0.9));
            quantiles.put("p95", latency.quantile(0.95));
            quantiles.put("p99", latency.quantile(0.99));
            quantiles.put("p999", latency.quantile(0.999));
            quantiles.put("min", latency.min());
            quantiles.put("max", latency.max());
            quantiles.put("mean", latency.sum() / latency.count());
        }
        return quantiles;
    }

    /**
     * @param key  {@code service} or {@code service|route}
     * @param view the view's length
     * @return the merge of the key's latency windows in the view (empty when none)
     */
    public LatencyAggregate latency(String key, Duration view) {
        long[] range = range(view);
        LatencyAggregate merged = LatencyAggregate.empty(settings.relativeAccuracy());
        try (WindowStoreIterator<LatencyAggregate> it = stores.latency().fetch(key, Instant.ofEpochMilli(range[0]),
                Instant.ofEpochMilli(range[1]))) {
            while (it.hasNext()) {
                merged.merge(it.next().value);
            }
        }
        return merged;
    }

    /**
     * A span of event time over the login windows: the windows that start in {@code [from, to]}.
     *
     * @param from first window start, epoch ms ({@link Long#MIN_VALUE}: all retained)
     * @param to   last window start, epoch ms ({@link Long#MAX_VALUE}: all retained)
     */
    public record Range(long from, long to) {
        /** Every retained window, whatever its time: an old file replayed yesterday as well as live traffic. */
        public static final Range ALL = new Range(Long.MIN_VALUE, Long.MAX_VALUE);

        /** @return ISO-8601 {@code from}, or null for all */
        String fromText() {
            return from == Long.MIN_VALUE ? null : Instant.ofEpochMilli(from).toString();
        }

        /** @return ISO-8601 {@code to}, or null for all */
        String toText() {
            return to == Long.MAX_VALUE ? null : Instant.ofEpochMilli(to).toString();
        }
    }

    /**
     * @param view the view's length
     * @return the login windows of a view of this length ending now (wall clock), whole windows, rounded up
     */
    public Range lastLoginWindows(Duration view) {
        return loginWindows(clock.millis(), view);
    }

    /**
     * @param end  the end of the view, epoch ms
     * @param view the view's length
     * @return the login windows that hold {@code end} and the time before it, {@code view} long (whole windows, rounded up)
     */
    public Range loginWindows(long end, Duration view) {
        long lw = settings.loginWindow().toMillis();
        long last = Math.floorDiv(end, lw) * lw;
        return new Range(last - Math.max(0, ((view.toMillis() + lw - 1) / lw) - 1) * lw, last);
    }

    /**
     * @param fromMs the start of an event-time span, epoch ms
     * @param toMs   its end, epoch ms
     * @return the login windows that overlap {@code [fromMs, toMs]}
     */
    public Range loginWindowsBetween(long fromMs, long toMs) {
        long lw = settings.loginWindow().toMillis();
        return new Range(Math.floorDiv(fromMs, lw) * lw, Math.floorDiv(toMs, lw) * lw);
    }

    /**
     * @param name  the view's name, e.g. {@code 1h}, as the answer gives it
     * @param view  the view's length (whole login windows, rounded up), ending now
     * @param limit entries per list
     * @return the sources and users with the most failed logins on this instance
     */
    public LoginSummary logins(String name, Duration view, int limit) {
        return logins(name, lastLoginWindows(view), limit);
    }

    /**
     * @param name  the view's name, as the answer gives it
     * @param range the login windows to cover
     * @param limit entries per list
     * @return the sources and users with the most failed logins in those windows on this instance
     */
    public LoginSummary logins(String name, Range range, int limit) {
        return new LoginSummary(name, Instant.ofEpochMilli(clock.millis()).toString(), range.fromText(), range.toText(),
                top(stores.loginsBySource(), range, limit), top(stores.loginsByUser(), range, limit));
    }

    /**
     * @param view the view's length (whole login windows, rounded up), ending now
     * @return the login windows of this instance in which a detector's threshold was reached, newest first
     */
    public List<LoginDetection> detections(Duration view) {
        return detections(lastLoginWindows(view));
    }

    /**
     * @param range the login windows to look at
     * @return the login windows of this instance in which a detector's threshold was reached, newest first
     */
    public List<LoginDetection> detections(Range range) {
        List<LoginDetection> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, LoginWindowState> it = fetch(stores.loginsBySource(), range)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, LoginWindowState> kv = it.next();
                LoginWindowState s = kv.value;
                if (s.failures() >= settings.sourceMinFailures()) {
                    out.add(detection("BY_SOURCE", kv.key, s));
                }
                if (s.distinctCount() >= settings.sprayingMinUsers()) {
                    out.add(detection("SPRAYING", kv.key, s));
                }
                if (s.successAfterFailures()) {
                    out.add(detection("SUCCESS_AFTER_FAILURES", kv.key, s));
                }
            }
        }
        try (KeyValueIterator<Windowed<String>, LoginWindowState> it = fetch(stores.loginsByUser(), range)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, LoginWindowState> kv = it.next();
                if (kv.value.distinctCount() >= settings.userMinDistinctIps()) {
                    out.add(detection("BY_USER_DISTINCT_IPS", kv.key, kv.value));
                }
            }
        }
        out.sort(Comparator.comparing(LoginDetection::windowStart).reversed().thenComparing(LoginDetection::kind)
                .thenComparing(LoginDetection::key));
        return out;
    }

    private static LoginDetection detection(String kind, Windowed<String> key, LoginWindowState s) {
        return new LoginDetection(kind, key.key(), key.window().startTime().toString(), s.failures(), s.successes(),
                s.distinctCount(), List.copyOf(s.sampleUsers()), List.copyOf(s.exemplars()));
    }

    private static KeyValueIterator<Windowed<String>, LoginWindowState> fetch(ReadOnlyWindowStore<String, LoginWindowState> store,
                                                                         Range range) {
        if (range.from() == Long.MIN_VALUE && range.to() == Long.MAX_VALUE) {
            return store.all();
        }
        // the store's range reads take instants from the epoch on; nothing Weir keeps is older
        return store.fetchAll(Instant.ofEpochMilli(Math.max(0, range.from())), Instant.ofEpochMilli(Math.max(0, range.to())));
    }

    private static List<LoginSummary.Entry> top(ReadOnlyWindowStore<String, LoginWindowState> store, Range range, int limit) {
        Map<String, long[]> counts = new HashMap<>();
        Map<String, Set<String>> distinct = new HashMap<>();
        try (KeyValueIterator<Windowed<String>, LoginWindowState> it = fetch(store, range)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, LoginWindowState> kv = it.next();
                long[] c = counts.computeIfAbsent(kv.key.key(), k -> new long[2]);
                c[0] += kv.value.failures();
                c[1] += kv.value.successes();
                distinct.computeIfAbsent(kv.key.key(), k -> new HashSet<>()).addAll(kv.value.distinctValues());
            }
        }
        return counts.entrySet().stream()
                .filter(e -> e.getValue()[0] > 0)
                .map(e -> new LoginSummary.Entry(e.getKey(), e.getValue()[0], e.getValue()[1], distinct.get(e.getKey()).size()))
                .sorted(Comparator.comparingLong(LoginSummary.Entry::failures).reversed().thenComparing(LoginSummary.Entry::key))
                .limit(limit)
                .toList();
    }

    private List<String> routes(String service) {
        long[] range = range(MeasureSettings.LONGEST_VIEW);
        Set<String> routes = new TreeSet<>();
        String prefix = service + ErrorRateProcessor.SEPARATOR;
        try (KeyValueIterator<Windowed<String>, ErrorRateWindow> it = stores.errors().fetch(prefix, prefix + Character.MAX_VALUE,
                Instant.ofEpochMilli(range[0]), Instant.ofEpochMilli(range[1]))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, ErrorRateWindow> kv = it.next();
                // range fetches may return keys outside the range: check
                if (kv.key.key().startsWith(prefix) && kv.value.getRoute() != null) {
                    routes.add(kv.value.getRoute());
                }
            }
        }
        return new ArrayList<>(routes);
    }

    /** @return inclusive window-start range of a view ending now */
    private long[] range(Duration view) {
        long size = settings.window().toMillis();
        long current = Math.floorDiv(clock.millis(), size) * size;
        long windows = Math.max(1, view.toMillis() / size);
        return new long[] {current - (windows - 1) * size, current};
    }

    private static Map<String, Duration> views() {
        Map<String, Duration> views = new LinkedHashMap<>();
        views.put("1m", Duration.ofMinutes(1));
        views.put("5m", Duration.ofMinutes(5));
        views.put("15m", Duration.ofMinutes(15));
        views.put("1h", Duration.ofHours(1));
        return java.util.Collections.unmodifiableMap(views);
    }
}
