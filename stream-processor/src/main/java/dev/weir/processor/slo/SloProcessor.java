package dev.weir.processor.slo;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import dev.weir.processor.measure.latency.Sketches;
import dev.weir.processor.measure.latency.StoredSketches;
import dev.weir.processor.rules.RuleInput;
import dev.weir.processor.rules.RuleSetSource;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import dev.weir.processor.rules.Slo;
import dev.weir.processor.state.CommitHook;
import dev.weir.processor.state.WriteBehindMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the good and total events of every declared SLO and every probe's results, per UTC minute,
 * hour and day ({@link SloKeys}), and keeps each probe's latest result and latency sketches. Old
 * buckets are deleted once a minute (wall clock), so the state of a target is bounded by its
 * number of buckets, not by its traffic. Counts are written back once per commit through
 * {@link RulesTopology#SLO_COMMIT_HOOK}, exactly once with the events under exactly_once_v2.
 * One instance per task; not thread-safe.
 */
public final class SloProcessor implements Processor<String, RuleInput, Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(SloProcessor.class);
    private static final long CLEANUP_EVERY_MS = 60_000;
    private static final double SKETCH_ACCURACY = 0.01;
    private static final SloKeys.Grain[] COUNTED = {SloKeys.Grain.MINUTE, SloKeys.Grain.HOUR, SloKeys.Grain.DAY};

    private final RulesSettings settings;
    private final WriteBehindMap<long[]> counts = new WriteBehindMap<>(4096, Counts::decode, Counts::encode);
    private final WriteBehindMap<TargetInfo> infos = new WriteBehindMap<>(1024, TargetInfo::decode, TargetInfo::encode);
    /** Targets with state in this task: probes, and SLOs (also removed ones, until their state is deleted). */
    private final Set<String> targets = new HashSet<>();
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;
    private RuleSetSource rules;
    private long lastCleanup;

    /** @param settings the rules settings (the configured rule set, evaluation interval) */
    public SloProcessor(RulesSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(RulesTopology.SLO_STORE);
        counts.attach(store);
        infos.attach(store);
        CommitHook.register(context, RulesTopology.SLO_COMMIT_HOOK, counts);
        CommitHook.register(context, RulesTopology.SLO_COMMIT_HOOK, infos);
        rules = new RuleSetSource(settings.rules(), context.getStateStore(RulesTopology.RULES_FILES_STORE));
        targets.clear();
        try (KeyValueIterator<String, byte[]> it = store.range(SloKeys.indexStart(), SloKeys.indexEnd())) {
            it.forEachRemaining(kv -> targets.add(kv.key.substring(SloKeys.indexStart().length())));
        }
        lastCleanup = context.currentSystemTimeMs();
        context.schedule(settings.evaluationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<String, RuleInput> record) {
        RuleInput in = record.value();
        if (in == null) {
            return;
        }
        long wall = context.currentSystemTimeMs();
        if (in.probe() != null) {
            probe(in, wall);
        }
        for (Slo slo : rules.current().slos()) {
            if (slo.counts(in)) {
                String target = SloKeys.slo(slo.name());
                TargetInfo info = infos.get(SloKeys.info(target));
                if (info != null && info.version() != slo.version()) {
                    log.info("SLO {} changed what it counts; its counts start over", slo.name());
                    deleteAll(target);
                    info = null;
                }
                long last = info == null ? in.timestamp() : Math.max(info.lastEventTime(), in.timestamp());
                add(target, in.timestamp(), last, slo.good(in));
                infos.put(SloKeys.info(target), new TargetInfo(slo.version(), in.service(), last, wall, true, 0, 0, 0, 0));
                track(target);
            }
        }
    }

    private void probe(RuleInput in, long wall) {
        String target = SloKeys.probe(in.probe());
        TargetInfo prev = infos.get(SloKeys.info(target));
        long last = prev == null ? in.timestamp() : Math.max(prev.lastEventTime(), in.timestamp());
        add(target, in.timestamp(), last, in.probeUp());
        if (prev != null && in.timestamp() < prev.lastEventTime()) {
            return; // an older result: counted, but the latest result stays
        }
        long failures = in.probeUp() ? 0 : (prev == null ? 0 : prev.failures()) + 1;
        long since = prev == null || prev.up() != in.probeUp() ? in.timestamp() : prev.since();
        double duration = in.durationMs() == null ? 0 : in.durationMs();
        infos.put(SloKeys.info(target), new TargetInfo(0, in.service(), last, wall, in.probeUp(), in.status(), duration, failures,
                since));
        track(target);
        if (in.durationMs() != null) {
            String key = SloKeys.bucket(target, SloKeys.Grain.SKETCH, SloKeys.Grain.SKETCH.bucket(in.timestamp()));
            byte[] bytes = store.get(key);
            DDSketch sketch = bytes == null ? Sketches.newSketch(SKETCH_ACCURACY) : StoredSketches.decode(bytes, UnboundedSizeDenseStore::new);
            sketch.accept(Math.max(in.durationMs(), 1e-3));
            store.put(key, StoredSketches.encode(sketch));
        }
    }

    private void track(String target) {
        if (targets.add(target)) {
            store.put(SloKeys.index(target), new byte[0]);
        }
    }

    /** Adds one event to its minute, hour and day, unless that bucket is no longer kept. */
    private void add(String target, long time, long latest, boolean good) {
        for (SloKeys.Grain g : COUNTED) {
            long b = g.bucket(time);
            if (b <= g.bucket(latest) - g.kept) {
                continue; // late beyond what is kept at this grain
            }
            String key = SloKeys.bucket(target, g, b);
            long[] v = counts.get(key);
            if (v == null) {
                v = new long[2];
            }
            v[1]++;
            if (good) {
                v[0]++;
            }
            counts.put(key, v);
        }
    }

    private void punctuate(long wall) {
        rules.refresh();
        if (wall - lastCleanup < CLEANUP_EVERY_MS) {
            return;
        }
        lastCleanup = wall;
        counts.flushDirty();
        infos.flushDirty();
        Set<String> declared = new HashSet<>();
        rules.current().slos().forEach(s -> declared.add(SloKeys.slo(s.name())));
        for (String target : List.copyOf(targets)) {
            byte[] bytes = store.get(SloKeys.info(target));
            TargetInfo info = bytes == null ? null : TargetInfo.decode(bytes);
            boolean removedSlo = target.startsWith("s:") && !declared.contains(target);
            if (info == null || removedSlo || wall - info.lastEventWall() > SloKeys.Grain.DAY.width * SloKeys.Grain.DAY.kept) {
                deleteAll(target);
                continue;
            }
            long now = info.lastEventTime() + Math.max(0, wall - info.lastEventWall());
            for (SloKeys.Grain g : SloKeys.Grain.values()) {
                deleteRange(SloKeys.bucket(target, g, 0), SloKeys.bucket(target, g, g.bucket(now) - g.kept));
            }
        }
    }

    private void deleteAll(String target) {
        counts.flushDirty();
        infos.flushDirty();
        deleteRange(target + '\u0000', SloKeys.end(target));
        store.delete(SloKeys.index(target));
        targets.remove(target);
    }

    /** Deletes the keys from {@code from} to {@code to}, both included. */
    private void deleteRange(String from, String to) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(from, to)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (String k : keys) {
            counts.delete(k);
            infos.delete(k);
        }
    }
}
