package dev.weir.processor.measure.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of one gauge name recomputed on each scrape: each row registered once and then updated
 * in place, so a scrape running meanwhile sees every series once (a remove-and-register of a row, as
 * {@code MultiGauge} with overwrite does, lets a concurrent Prometheus scrape see it twice and fail
 * with {@code DuplicateLabelsException}, micrometer#6851). Not thread-safe: one refresh at a time.
 */
public final class GaugeRows {
    private final MeterRegistry registry;
    private final String name;
    private final String baseUnit;
    private final String description;
    private final Map<Tags, Value> rows = new HashMap<>();

    /**
     * @param registry    the registry
     * @param name        the gauge's name
     * @param baseUnit    its unit, or null
     * @param description its help text
     */
    public GaugeRows(MeterRegistry registry, String name, String baseUnit, String description) {
        this.registry = registry;
        this.name = name;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    /**
     * Sets every row; rows not in {@code values} leave {@code /metrics}.
     *
     * @param values tags → value
     */
    public void set(Map<Tags, Double> values) {
        values.forEach((tags, v) -> rows.computeIfAbsent(tags, t -> {
            Value holder = new Value();
            holder.gauge = Gauge.builder(name, holder, h -> h.value).baseUnit(baseUnit).description(description)
                    .tags(t).strongReference(true).register(registry);
            return holder;
        }).value = v);
        rows.entrySet().removeIf(e -> {
            if (values.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge);
            return true;
        });
    }

    private static final class Value {
        volatile double value;
        Gauge gauge;
    }
}
