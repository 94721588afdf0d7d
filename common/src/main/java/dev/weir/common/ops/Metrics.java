package dev.weir.common.ops;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Builds the meter registry a component's {@code App} owns. */
public final class Metrics {
    private Metrics() {}

    /**
     * A Prometheus registry with JVM, process and uptime meters and a {@code component} tag.
     *
     * @param component e.g. {@code processor}
     * @return a new registry; the caller closes it at shutdown
     */
    public static PrometheusMeterRegistry newRegistry(String component) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("component", component)
                // promtool check metrics rejects these two names ("abbreviated units" in
                // process_cpu_time_ns_total, a "_count" suffix on a gauge in system_cpu_count);
                // Weir's /metrics must be clean under it, and process_cpu_usage remains.
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                        || id.getName().equals("system.cpu.count")));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // JvmGcMetrics holds a notification listener; it is closed with the JVM.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }
}
