package dev.weir.processor.measure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * The rows of one counter name whose totals are kept elsewhere (a state store) and read on each scrape, the counter
 * twin of {@link GaugeRows}: each row registered once and then updated in place; rows no longer set leave
 * {@code /metrics}. A total never goes down while its row lives. Not thread-safe: one refresh at a time.
 */
public final class CounterRows {
    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Tags, Value> rows = new HashMap<>();

    /**
     * @param registry    the registry
     * @param name        the counter's name, without {@code _total} (Prometheus adds it)
     * @param description its help text
     */
    public CounterRows(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    /**
     * Sets every row; rows not in {@code totals} leave {@code /metrics}.
     *
     * @param totals tags → total
     */
    public void set(Map<Tags, Double> totals) {
        totals.forEach((tags, v) -> rows.computeIfAbsent(tags, t -> {
            Value holder = new Value();
            holder.counter = FunctionCounter.builder(name, holder, h -> h.value).description(description).tags(t).register(registry);
            return holder;
        }).value = v);
        rows.entrySet().removeIf(e -> {
            if (totals.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().counter);
            return true;
        });
    }

    /** Removes every row. */
    public void clear() {
        set(Map.of());
    }

    private static final class Value {
        volatile double value;
        FunctionCounter counter;
    }
}
