package dev.weir.processor.slo;

import dev.weir.processor.measure.metrics.GaugeRows;
import dev.weir.processor.rules.RuleSet;
import dev.weir.processor.rules.Slo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * SLO and probe gauges, recomputed from this instance's {@code slo-counts-store} before each scrape:
 * {@code weir_slo_error_budget_remaining{slo}} (ratio: 1 = untouched, 0 = spent, negative = overspent),
 * {@code weir_slo_burn_rate{slo,window}} (5m … 3d), {@code weir_slo_objective{slo}},
 * {@code weir_probe_up{probe,service}}, {@code weir_probe_availability{probe,window}} (1h, 1d, 30d) and
 * {@code weir_probe_duration_seconds{probe,percentile}} (50, 95, 99 over the last hour). Each instance
 * reports the SLOs and probes whose services its tasks own. One refresh at a time.
 */
public final class SloMetrics {
    private final GaugeRows budget;
    private final GaugeRows burn;
    private final GaugeRows objective;
    private final GaugeRows probeUp;
    private final GaugeRows availability;
    private final GaugeRows duration;

    /** @param registry the processor's registry */
    public SloMetrics(MeterRegistry registry) {
        budget = new GaugeRows(registry, "weir.slo.error.budget.remaining", null, "Share of the SLO's error budget left in its window");
        burn = new GaugeRows(registry, "weir.slo.burn.rate", null, "Bad share over the window divided by the SLO's error budget");
        objective = new GaugeRows(registry, "weir.slo.objective", null, "The SLO's objective");
        probeUp = new GaugeRows(registry, "weir.probe.up", null, "1 when the probe's latest run found its target up, else 0");
        availability = new GaugeRows(registry, "weir.probe.availability", null, "Share of the probe's runs that found its target up");
        duration = new GaugeRows(registry, "weir.probe.duration", "seconds", "Quantiles of the probe's run times over the last hour");
    }

    /**
     * @param queries this instance's SLO store
     * @param rules   the rule set in force
     * @param now     now, epoch ms
     */
    public synchronized void refresh(SloQueries queries, RuleSet rules, long now) {
        Map<Tags, Double> b = new HashMap<>();
        Map<Tags, Double> r = new HashMap<>();
        Map<Tags, Double> o = new HashMap<>();
        for (Slo slo : rules.slos()) {
            if (!queries.has(slo)) {
                continue;
            }
            SloQueries.SloView v = queries.slo(slo, now);
            b.put(Tags.of("slo", slo.name()), v.errorBudgetRemaining() / 100);
            o.put(Tags.of("slo", slo.name()), slo.objective());
            v.burnRates().forEach((w, x) -> r.put(Tags.of("slo", slo.name(), "window", w), x));
        }
        Map<Tags, Double> up = new HashMap<>();
        Map<Tags, Double> a = new HashMap<>();
        Map<Tags, Double> d = new HashMap<>();
        for (String name : queries.probes()) {
            SloQueries.ProbeView p = queries.probe(name, now);
            if (p == null) {
                continue;
            }
            up.put(Tags.of("probe", name, "service", p.service()), p.up() ? 1.0 : 0.0);
            p.availability().forEach((w, x) -> {
                if (x != null) {
                    a.put(Tags.of("probe", name, "window", w), x);
                }
            });
            p.latencyMs().forEach((q, ms) -> d.put(Tags.of("probe", name, "percentile", q.substring(1)), ms / 1000));
        }
        budget.set(b);
        burn.set(r);
        objective.set(o);
        probeUp.set(up);
        availability.set(a);
        duration.set(d);
    }
}
