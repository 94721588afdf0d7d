package dev.weir.processor.measure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Caps the label cardinality of everything downstream (stores, stats topics, Prometheus series):
 * at most {@code maxServices} services per task and {@code maxRoutesPerService} routes per service;
 * the rest is counted under {@link #OVERFLOW}. A service or route not seen for
 * {@code cardinalityIdle} of event time (the highest event time this processor has seen) frees its slot. Also reports each event to the
 * {@link MeasureListener}, with the capped labels.
 *
 * <p>Store {@value MeasureTopology#CARDINALITY_STORE}: {@code s|service} or {@code r|service|route} → last seen (event time).
 * The per-service counts are derived from it in {@link #init} (bounded by the caps). Not thread-safe.
 */
final class CardinalityCap implements Processor<String, Observation, String, Observation> {
    /** The overflow bucket's service or route label. */
    static final String OVERFLOW = "__overflow__";
    private static final long TOUCH_EVERY_MS = 60_000;
    private static final long EXPIRE_EVERY_MS = 60_000;

    private final MeasureSettings settings;
    private final MeasureListener listener;
    private ProcessorContext<String, Observation> context;
    private KeyValueStore<String, Long> seen;
    /**
     * What {@code seen} holds, in memory: it is read twice per event and written at most once a
     * minute per key, and a hash lookup costs far less than a store read (key serialization, the
     * record cache's sorted map). Bounded by the caps, like the store. Rebuilt in {@link #init}.
     */
    private final Map<String, Long> lastSeen = new HashMap<>();
    private final Map<String, Integer> routesPerService = new HashMap<>();
    private int services;
    private long clock; // the highest event time seen since init
    private long nextExpiry;

    CardinalityCap(MeasureSettings settings, MeasureListener listener) {
        this.settings = settings;
        this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, Observation> context) {
        this.context = context;
        this.seen = context.getStateStore(MeasureTopology.CARDINALITY_STORE);
        lastSeen.clear();
        routesPerService.clear();
        services = 0;
        try (KeyValueIterator<String, Long> it = seen.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                lastSeen.put(kv.key, kv.value);
                count(kv.key, +1);
            }
        }
        clock = Long.MIN_VALUE;
        nextExpiry = Long.MIN_VALUE;
    }

    @Override
    public void process(Record<String, Observation> record) {
        Observation o = record.value();
        if (o == null || o.service() == null) {
            return;
        }
        long ts = o.timestampMs();
        String service = admit("s|" + o.service(), services < settings.maxServices(), ts) ? o.service() : OVERFLOW;
        if (service.equals(OVERFLOW) && !o.service().equals(OVERFLOW)) {
            listener.overflow("service");
        }
        String route = o.route();
        if (route != null) {
            boolean room = routesPerService.getOrDefault(service, 0) < settings.maxRoutesPerService();
            if (!admit("r|" + service + "|" + route, room, ts)) {
                route = OVERFLOW;
                listener.overflow("route");
            }
        }
        Observation capped = o.capped(service, route);
        if (capped.request()) {
            listener.request(service, capped.method(), route, capped.status(), capped.durationMs());
        } else {
            listener.log(service, capped.errorLog(), capped.count());
        }
        context.forward(record.withKey(service).withValue(capped));
        // Idle entries expire on event time, once a minute of it, the first time at the first event after init.
        // This is the processor's own clock, not a stream-time punctuation: in the raw topics' tasks the task's
        // stream time is the producers' time, not the events'.
        if (ts > clock) {
            clock = ts;
        }
        if (clock >= nextExpiry) {
            expire(clock);
            nextExpiry = Math.floorDiv(clock, EXPIRE_EVERY_MS) * EXPIRE_EVERY_MS + EXPIRE_EVERY_MS;
        }
    }

    /** Whether {@code key} is tracked (touching it), or was admitted now because there is room. */
    private boolean admit(String key, boolean room, long ts) {
        Long last = lastSeen.get(key);
        if (last != null) {
            if (ts - last >= TOUCH_EVERY_MS) {
                seen.put(key, ts);
                lastSeen.put(key, ts);
            }
            return true;
        }
        if (!room) {
            return false;
        }
        seen.put(key, ts);
        lastSeen.put(key, ts);
        count(key, +1);
        return true;
    }

    private void count(String key, int delta) {
        if (key.startsWith("s|")) {
            services += delta;
        } else {
            int bar = key.indexOf('|', 2);
            routesPerService.merge(key.substring(2, bar), delta, Integer::sum);
        }
    }

    private void expire(long clock) {
        long cutoff = clock - settings.cardinalityIdle().toMillis();
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = seen.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                if (kv.value < cutoff) {
                    idle.add(kv.key);
                }
            }
        }
        for (String key : idle) {
            seen.delete(key);
            lastSeen.remove(key);
            count(key, -1);
        }
    }
}
