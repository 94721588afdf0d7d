package dev.weir.processor.slo;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import dev.weir.processor.measure.latency.StoredSketches;
import dev.weir.processor.rules.BurnWindow;
import dev.weir.processor.rules.Slo;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads SLO and probe state from {@code slo-counts-store} (this instance's tasks): good and total
 * events over the SLO's window, error budget left, burn rates, daily counts for the status page,
 * and each probe's latest result, availability and latency. Everything is as of the last commit.
 * Thread-safe as far as the store is.
 */
public final class SloQueries {
    /** Burn-rate windows reported, in minutes, by label. */
    public static final Map<String, Integer> BURN_WINDOWS = burnWindows();
    /** Availability windows of probes, in minutes, by label. */
    public static final Map<String, Integer> AVAILABILITY_WINDOWS = Map.of("1h", 60, "1d", 1440, "30d", 43_200);
    /** Days of the uptime bar. */
    public static final int DAYS = SloKeys.Grain.DAY.kept;

    private final ReadOnlyKeyValueStore<String, byte[]> store;

    /** @param store the SLO store (a task's, or the instance's composite store) */
    public SloQueries(ReadOnlyKeyValueStore<String, byte[]> store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    private static Map<String, Integer> burnWindows() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("5m", 5);
        m.put("30m", 30);
        m.put("1h", 60);
        m.put("2h", 120);
        m.put("6h", 360);
        m.put("1d", 1440);
        m.put("3d", 4320);
        return m;
    }

    /**
     * One SLO now.
     *
     * @param name                 its name
     * @param service              its service, or null
     * @param probe                its probe, or null
     * @param sli                  availability, latency or probe
     * @param objective            e.g. 0.999
     * @param window               e.g. {@code 30d} or {@code calendar_month}
     * @param good                 good events in the window
     * @param total                events in the window
     * @param errorBudgetRemaining percent of the window's error budget left (100 without events; negative when overspent)
     * @param burnRates            bad share ÷ budget over each of {@link #BURN_WINDOWS}
     * @param windowCounts         {good, total} over each of {@link #BURN_WINDOWS}
     * @param alerts               the burn-rate alerts derived from it
     * @param isPublic             shown on the status page
     */
    public record SloView(String name, String service, String probe, String sli, double objective, String window, long good,
                          long total, double errorBudgetRemaining, Map<String, Double> burnRates,
                          Map<String, long[]> windowCounts, List<String> alerts, boolean isPublic) {
    }

    /**
     * One probe now.
     *
     * @param name         its name
     * @param service      its service
     * @param up           its latest run found the target up
     * @param status       HTTP status of its latest run, 0 for none
     * @param durationMs   how long its latest run took
     * @param failures     consecutive failed runs
     * @param since        when it last changed between up and down
     * @param lastRun      when it last ran (event time)
     * @param availability share of successful runs over each of {@link #AVAILABILITY_WINDOWS}, null without runs
     * @param latencyMs    p50, p95, p99 of the last hour's run times (within 1 %), empty without runs
     * @param recentFailures failed runs in the last 15 minutes
     */
    public record ProbeView(String name, String service, boolean up, int status, double durationMs, long failures, String since,
                            String lastRun, Map<String, Double> availability, Map<String, Double> latencyMs, long recentFailures) {
    }

    /**
     * @param day   a UTC day
     * @param good  good events (successful runs)
     * @param total events (runs)
     */
    public record DayCount(String day, long good, long total) {
    }

    /**
     * @param slo an SLO
     * @param now the time asked about, epoch ms
     * @return its view; without events all counts are 0 and the budget is whole
     */
    public SloView slo(Slo slo, long now) {
        String target = SloKeys.slo(slo.name());
        long hour = SloKeys.Grain.HOUR.bucket(now);
        long from = slo.calendarMonth()
                ? SloKeys.Grain.HOUR.bucket(ZonedDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).withDayOfMonth(1)
                        .toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli())
                : hour - slo.window().toHours() + 1;
        long[] gt = sum(target, SloKeys.Grain.HOUR, from, hour);
        Map<String, Double> burn = new LinkedHashMap<>();
        Map<String, long[]> windows = new LinkedHashMap<>();
        long minute = SloKeys.Grain.MINUTE.bucket(now);
        for (Map.Entry<String, Integer> w : BURN_WINDOWS.entrySet()) {
            long[] c = sum(target, SloKeys.Grain.MINUTE, minute - w.getValue() + 1, minute);
            windows.put(w.getKey(), c);
            burn.put(w.getKey(), burnRate(c, slo.objective()));
        }
        double remaining = gt[1] == 0 ? 100 : 100 * (1 - burnRate(gt, slo.objective()));
        List<String> alerts = slo.alerts() ? List.of("ErrorBudgetBurnFast:" + slo.name(), "ErrorBudgetBurnSlow:" + slo.name()) : List.of();
        return new SloView(slo.name(), slo.service(), slo.probe(), slo.sli().name().toLowerCase(java.util.Locale.ROOT),
                slo.objective(), slo.calendarMonth() ? "calendar_month" : slo.window().toHours() % 24 == 0
                ? slo.window().toDays() + "d" : slo.window().toHours() + "h", gt[0], gt[1], remaining, burn, windows, alerts,
                slo.publicSlo());
    }

    /**
     * @param gt        {good, total}
     * @param objective e.g. 0.999
     * @return the bad share divided by the budget, in decimal arithmetic: 5 bad of 20 000 against 99.9 % is 0.25, not
     *         the 0.24999999999999978 that binary doubles make of it
     */
    static double burnRate(long[] gt, double objective) {
        if (gt[1] == 0) {
            return 0;
        }
        BigDecimal budget = BigDecimal.ONE.subtract(BigDecimal.valueOf(objective));
        return BigDecimal.valueOf(gt[1] - gt[0]).divide(budget.multiply(BigDecimal.valueOf(gt[1])), MathContext.DECIMAL64).doubleValue();
    }

    /**
     * @param view   an SLO's view
     * @param pairs     burn-window pairs
     * @param objective the SLO's objective
     * @return whether any pair burns faster than its factor over both its windows (as its derived alert decides)
     */
    public static boolean burning(SloView view, List<BurnWindow> pairs, double objective) {
        for (BurnWindow b : pairs) {
            long[] l = view.windowCounts().get(label(b.longWindow().toMinutes()));
            long[] s = view.windowCounts().get(label(b.shortWindow().toMinutes()));
            if (l != null && s != null && faster(l, objective, b.factor()) && faster(s, objective, b.factor())) {
                return true;
            }
        }
        return false;
    }

    private static boolean faster(long[] gt, double objective, double factor) {
        return gt[1] > 0 && (double) (gt[1] - gt[0]) / gt[1] > factor * (1 - objective);
    }

    private static String label(long minutes) {
        for (Map.Entry<String, Integer> w : BURN_WINDOWS.entrySet()) {
            if (w.getValue() == minutes) {
                return w.getKey();
            }
        }
        return null;
    }

    /** @return the names of the probes with results in this instance's tasks */
    public List<String> probes() {
        List<String> names = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(SloKeys.indexStart(), SloKeys.indexEnd())) {
            it.forEachRemaining(kv -> {
                String target = kv.key.substring(SloKeys.indexStart().length());
                if (target.startsWith("p:")) {
                    names.add(target.substring(2));
                }
            });
        }
        return names;
    }

    /** @return whether this instance's tasks hold events of the SLO */
    public boolean has(Slo slo) {
        return store.get(SloKeys.info(SloKeys.slo(slo.name()))) != null;
    }

    /**
     * @param name a probe's name
     * @param now  the time asked about, epoch ms
     * @return its view, or null when this instance has no result of it
     */
    public ProbeView probe(String name, long now) {
        String target = SloKeys.probe(name);
        byte[] bytes = store.get(SloKeys.info(target));
        if (bytes == null) {
            return null;
        }
        TargetInfo info = TargetInfo.decode(bytes);
        Map<String, Double> availability = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> w : AVAILABILITY_WINDOWS.entrySet()) {
            long[] c = w.getValue() <= 60 ? sum(target, SloKeys.Grain.MINUTE, SloKeys.Grain.MINUTE.bucket(now) - w.getValue() + 1,
                    SloKeys.Grain.MINUTE.bucket(now))
                    : sum(target, SloKeys.Grain.HOUR, SloKeys.Grain.HOUR.bucket(now) - w.getValue() / 60 + 1, SloKeys.Grain.HOUR.bucket(now));
            availability.put(w.getKey(), c[1] == 0 ? null : (double) c[0] / c[1]);
        }
        long minute = SloKeys.Grain.MINUTE.bucket(now);
        long[] recent = sum(target, SloKeys.Grain.MINUTE, minute - 14, minute);
        DDSketch merged = null;
        long q = SloKeys.Grain.SKETCH.bucket(now);
        try (KeyValueIterator<String, byte[]> it = store.range(SloKeys.bucket(target, SloKeys.Grain.SKETCH, q - SloKeys.Grain.SKETCH.kept + 1),
                SloKeys.bucket(target, SloKeys.Grain.SKETCH, q))) {
            while (it.hasNext()) {
                DDSketch s = StoredSketches.decode(it.next().value, UnboundedSizeDenseStore::new);
                if (merged == null) {
                    merged = s;
                } else {
                    merged.mergeWith(s);
                }
            }
        }
        Map<String, Double> latency = new LinkedHashMap<>();
        if (merged != null && !merged.isEmpty()) {
            latency.put("p50", merged.getValueAtQuantile(0.5));
            latency.put("p95", merged.getValueAtQuantile(0.95));
            latency.put("p99", merged.getValueAtQuantile(0.99));
        }
        return new ProbeView(name, info.service(), info.up(), info.status(), info.durationMs(), info.failures(),
                Instant.ofEpochMilli(info.since()).toString(), Instant.ofEpochMilli(info.lastEventTime()).toString(), availability, latency,
                recent[1] - recent[0]);
    }

    /**
     * @param slo an SLO
     * @param now the time asked about
     * @return its good and total events of each of the last {@link #DAYS} UTC days, oldest first
     */
    public List<DayCount> sloDays(Slo slo, long now) {
        return days(SloKeys.slo(slo.name()), now);
    }

    /**
     * @param probe a probe's name
     * @param now   the time asked about
     * @return its successful and total runs of each of the last {@link #DAYS} UTC days, oldest first
     */
    public List<DayCount> probeDays(String probe, long now) {
        return days(SloKeys.probe(probe), now);
    }

    private List<DayCount> days(String target, long now) {
        long today = SloKeys.Grain.DAY.bucket(now);
        Map<Long, long[]> found = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = store.range(SloKeys.bucket(target, SloKeys.Grain.DAY, today - DAYS + 1),
                SloKeys.bucket(target, SloKeys.Grain.DAY, today))) {
            it.forEachRemaining(kv -> found.put(Long.parseLong(kv.key.substring(kv.key.length() - 16), 16), Counts.decode(kv.value)));
        }
        List<DayCount> out = new ArrayList<>();
        for (long d = today - DAYS + 1; d <= today; d++) {
            long[] c = found.getOrDefault(d, new long[2]);
            out.add(new DayCount(LocalDate.ofEpochDay(d).toString(), c[0], c[1]));
        }
        return out;
    }

    /** @return {good, total} summed over the buckets {@code from..to} of a grain */
    long[] sum(String target, SloKeys.Grain grain, long from, long to) {
        long[] total = new long[2];
        try (KeyValueIterator<String, byte[]> it = store.range(SloKeys.bucket(target, grain, from), SloKeys.bucket(target, grain, to))) {
            it.forEachRemaining(kv -> {
                long[] c = Counts.decode(kv.value);
                total[0] += c[0];
                total[1] += c[1];
            });
        }
        return total;
    }
}
