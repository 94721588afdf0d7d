package dev.weir.processor.route;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Caps the number of distinct routes per service: the first {@code max} routes of a service are
 * kept, any further new route is reported as {@value #OVERFLOW}. Known routes are remembered in
 * a key-value store ({@code route|<service>|<route>} → first-seen millis, {@code count|<service>}
 * → number of routes), so the state is bounded by services × max per partition, and survives
 * restarts through the store's changelog.
 *
 * <p>The cap applies per input partition: with the service as the raw record key (as the agents
 * send it) each service lives in one partition, so the cap is per service.
 *
 * <p>Not thread-safe: one per stream task, like its store.
 */
public final class RouteCardinality {
    /** The route reported once a service has {@code max} routes. */
    public static final String OVERFLOW = "{other}";
    /** The store name; renaming it orphans the remembered routes. */
    public static final String STORE = "route-cardinality-store";

    private final KeyValueStore<String, Long> store;
    private final int max;
    private final Counter overflows;
    /**
     * Route keys known to be in the store, so that a known route (nearly every request) costs a hash
     * lookup instead of a store read. Routes are never removed from the store, so this cannot go
     * stale; it forgets everything when it reaches {@link #KNOWN_MAX} entries.
     */
    private final Set<String> known = new HashSet<>();
    private static final int KNOWN_MAX = 100_000;

    /**
     * @param store    the task's route store
     * @param max      routes kept per service
     * @param registry for {@code weir_route_overflow_total}
     */
    public RouteCardinality(KeyValueStore<String, Long> store, int max, MeterRegistry registry) {
        this.store = Objects.requireNonNull(store, "store");
        this.max = max;
        this.overflows = Counter.builder("weir.route.overflow")
                .description("Requests whose route was replaced by {other} because their service has too many routes")
                .register(registry);
    }

    /**
     * @param service  the service
     * @param route    the templated route
     * @param nowMillis when the route is seen
     * @return {@code route}, or {@value #OVERFLOW} when the service is at its cap and the route is new
     */
    public String admit(String service, String route, long nowMillis) {
        String routeKey = "route|" + service + "|" + route;
        if (known.contains(routeKey)) {
            return route;
        }
        if (store.get(routeKey) != null) {
            remember(routeKey);
            return route;
        }
        String countKey = "count|" + service;
        Long count = store.get(countKey);
        long n = count == null ? 0 : count;
        if (n >= max) {
            overflows.increment();
            return OVERFLOW;
        }
        store.put(routeKey, nowMillis);
        store.put(countKey, n + 1);
        remember(routeKey);
        return route;
    }

    private void remember(String routeKey) {
        if (known.size() >= KNOWN_MAX) {
            known.clear();
        }
        known.add(routeKey);
    }
}
