package dev.weir.processor.rules;

import com.datadoghq.sketch.ddsketch.DDSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import dev.weir.processor.state.CommitHook;
import dev.weir.processor.state.WriteBehindMap;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule on each event of its task (requests and logs of the services of one
 * partition) and, on a wall-clock punctuation, for groups without events (absence, windows that
 * emptied) and to pick up rule changes from the rules topic. Forwards an {@link AlertEvent} keyed
 * by fingerprint on every state change. One instance per task; not thread-safe.
 */
final class RulesProcessor implements Processor<String, RuleInput, String, AlertEvent> {
    private static final Logger log = LoggerFactory.getLogger(RulesProcessor.class);
    static final char SEP = '\u0001';
    /** Group states kept deserialized per task (at most about 4 kB each: a burn-rate rule's four rings). */
    private static final int STATE_CACHE_ENTRIES = 4096;
    /** Latency sketches kept deserialized per task (up to 8 kB each, far less for a typical bucket). */
    private static final int SKETCH_CACHE_ENTRIES = 2048;

    private final RulesSettings settings;
    private final String rulesTopic;

    private ProcessorContext<String, AlertEvent> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> sketches;
    private KeyValueStore<String, AlertEvent> alerts;
    private KeyValueStore<String, Object> files;

    private RuleSet rules;
    private Map<String, String> loadedFiles = Map.of();
    private List<Rule> requestRules = List.of();
    private List<Rule> logRules = List.of();
    private List<Rule> metricRules = List.of();
    private final Map<String, Integer> groups = new HashMap<>();
    private final Set<String> capWarned = new HashSet<>();
    private final StateKeys stateKeys = new StateKeys();
    /**
     * Deserialized group states and latency sketches, by store key: decoding every rule's state
     * (and re-parsing a sketch protobuf) for every event was most of the rules' cost, and encoding
     * them back for every event the next largest. Write-behind: each changed one is encoded and
     * put into its store once, before the commit (through the task's {@link CommitHook}), or when
     * it leaves the map. Forgotten in {@link #init}.
     */
    private final WriteBehindMap<GroupState> stateCache =
            new WriteBehindMap<>(STATE_CACHE_ENTRIES, GroupState::fromBytes, this::encode);
    private final WriteBehindMap<DDSketch> sketchCache =
            new WriteBehindMap<>(SKETCH_CACHE_ENTRIES, LatencySketches::fromBytes, LatencySketches::toBytes);
    /** The HLL buckets of distinct-metric rules, in the sketch store beside the DDSketches (a group has one kind or the other). */
    private final WriteBehindMap<HllSketch> hllCache =
            new WriteBehindMap<>(SKETCH_CACHE_ENTRIES, DistinctSketches::fromBytes, DistinctSketches::toBytes);
    /** Reused to encode group states; grows to the largest state's worst-case size. */
    private ByteBuffer scratch = ByteBuffer.allocate(16 * 1024);

    RulesProcessor(RulesSettings settings, String rulesTopic) {
        this.rulesTopic = rulesTopic;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.states = context.getStateStore(RulesTopology.STATE_STORE);
        this.sketches = context.getStateStore(RulesTopology.SKETCH_STORE);
        this.alerts = context.getStateStore(RulesTopology.ALERTS_STORE);
        this.files = context.getStateStore(RulesTopology.RULES_FILES_STORE);
        // also re-run after a dirty close, with the stores restored from their changelogs
        stateCache.attach(states);
        sketchCache.attach(sketches);
        hllCache.attach(sketches);
        CommitHook.register(context, RulesTopology.COMMIT_HOOK, stateCache);
        CommitHook.register(context, RulesTopology.COMMIT_HOOK, sketchCache);
        CommitHook.register(context, RulesTopology.COMMIT_HOOK, hllCache);
        Map<String, String> current = RuleSetSource.readFiles(files);
        loadedFiles = current;
        use(current.isEmpty() ? settings.rules()
                : RuleSet.lenient(current, e -> log.error("Skipping rule file {} from the rules topic: {}", e.file(), e.getMessage())));
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            while (it.hasNext()) {
                groups.merge(ruleName(it.next().key), 1, Integer::sum);
            }
        }
        context.schedule(settings.evaluationInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    private void use(RuleSet set) {
        rules = set;
        stateKeys.clear();
        requestRules = set.rules().stream().filter(r -> r.signal().readsRequests()).toList();
        logRules = set.rules().stream().filter(r -> r.signal().readsLogs()).toList();
        metricRules = set.rules().stream().filter(r -> r.signal() == Signal.METRIC).toList();
    }

    private void reloadIfChanged() {
        Map<String, String> current = RuleSetSource.readFiles(files);
        if (current.equals(loadedFiles)) {
            return;
        }
        loadedFiles = current;
        if (current.isEmpty()) {
            use(settings.rules());
            log.info("Rules topic {} is empty: using the {} configured rules", rulesTopic, rules.rules().size());
            return;
        }
        try {
            use(RuleSet.parse(current));
            log.info("Loaded {} rules from {} files of topic {}", rules.rules().size(), current.size(), rulesTopic);
        } catch (RuleException e) {
            log.error("Rejected the rule set in topic {}, keeping the {} running rules: {}", rulesTopic,
                    rules.rules().size(), e.getMessage());
        }
    }

    @Override
    public void process(Record<String, RuleInput> record) {
        RuleInput in = record.value();
        if (in == null) {
            return;
        }
        // When this throws, the event goes to the dead-letter topic and the stream goes on: states it had
        // already changed keep the change (they are not rolled back; they also hold the earlier events' changes).
        evaluate(in);
    }

    private void evaluate(RuleInput in) {
        long wall = context.currentSystemTimeMs();
        for (Rule rule : in.metric() != null ? metricRules : in.request() ? requestRules : logRules) {
            if (!RuleEngine.accepts(rule, in)) {
                continue;
            }
            String key = stateKeys.of(rule, in);
            GroupState s = stateCache.get(key);
            if (s == null) {
                int n = groups.getOrDefault(rule.name(), 0);
                if (n >= rule.maxGroups()) {
                    if (capWarned.add(rule.name())) {
                        log.warn("Rule {} tracks {} groups in task {}, its max_groups; events of further groups are not evaluated"
                                + " (first dropped: {})", rule.name(), n, context.taskId(), key.replace(SEP, '/'));
                    }
                    continue;
                }
                groups.put(rule.name(), n + 1);
                s = RuleEngine.newState(rule, in);
            }
            if (s.ruleVersion != rule.version()) {
                reset(rule, s, key);
            }
            RuleEngine.record(rule, s, in, bucket -> deleteSketch(sketchKey(key, bucket)));
            if (rule.signal() == Signal.LATENCY_QUANTILE) {
                addToSketch(latestSketchKey(key, s, s.rings.get(0).bucket(in.timestamp())), in.durationMs());
            } else if (rule.signal() == Signal.METRIC && rule.metricKind() == LogMetric.Kind.DISTRIBUTION) {
                addToSketch(latestSketchKey(key, s, s.rings.get(0).bucket(in.timestamp())), in.value());
            } else if (rule.signal() == Signal.METRIC && rule.metricKind() == LogMetric.Kind.DISTINCT) {
                addDistinct(key, s, in);
            }
            s.lastEventTime = Math.max(s.lastEventTime, in.timestamp());
            s.lastEventWall = wall;
            long now = rule.signal() == Signal.ABSENCE ? wall : s.lastEventTime;
            refreshDistinct(rule, s, key, now);
            RuleEngine.Transition t = RuleEngine.step(rule, s, now, RuleEngine.evaluate(rule, s, now, wall));
            if (t != RuleEngine.Transition.NONE) {
                emit(rule, key, s, t, now, wall);
            }
            putState(key, s);
        }
    }

    private void putState(String key, GroupState s) {
        stateCache.put(key, s);
    }

    private byte[] encode(GroupState s) {
        try {
            return s.toBytes(scratch);
        } catch (java.nio.BufferOverflowException e) {
            // rare (the buffer only grows): size it from the worst case rather than computing that for every state
            scratch = ByteBuffer.allocate(2 * s.maxBytes());
            return s.toBytes(scratch);
        }
    }

    private void reset(Rule rule, GroupState s, String key) {
        s.ruleVersion = rule.version();
        s.rings.clear();
        s.rings.addAll(RuleEngine.newRings(rule));
        s.firstSeen = Long.MIN_VALUE;
        s.occurrences = 0;
        s.exemplars.clear();
        s.distinct.clear();
        deleteSketches(key);
    }

    private void addToSketch(String k, double durationMs) {
        DDSketch sketch = sketch(k);
        if (sketch == null) {
            sketch = LatencySketches.newSketch();
        }
        sketch.accept(Math.max(durationMs, 1e-3));
        sketchCache.put(k, sketch);
    }

    /** Adds a distinct metric's value to its bucket's HLL sketch and, when it is current, to the window's union. */
    private void addDistinct(String key, GroupState s, RuleInput in) {
        String k = sketchKey(key, s.rings.get(0).bucket(in.timestamp()));
        HllSketch h = hllCache.get(k);
        if (h == null) {
            h = DistinctSketches.newSketch();
        }
        h.update(in.distinct());
        hllCache.put(k, h);
        if (s.union != null) {
            s.union.update(in.distinct());
        }
    }

    /**
     * Sets a distinct-metric group's estimate at {@code now}: the union of the window's buckets, rebuilt only when
     * the window moved to another bucket since (events of the current window update the union as they come).
     */
    private void refreshDistinct(Rule rule, GroupState s, String key, long now) {
        if (rule.signal() != Signal.METRIC || rule.metricKind() != LogMetric.Kind.DISTINCT) {
            return;
        }
        Ring ring = s.rings.get(0);
        long bucket = ring.bucket(now);
        if (s.union == null || s.unionBucket != bucket) {
            Union u = DistinctSketches.newUnion();
            for (long b : ring.occupied(now)) {
                HllSketch h = hllCache.get(sketchKey(key, b));
                if (h != null) {
                    u.update(h);
                }
            }
            s.union = u;
            s.unionBucket = bucket;
        }
        s.unionEstimate = s.union.getEstimate();
    }

    /** @return the sketch under {@code k} (the live instance: copy it before changing it other than through {@link #addToSketch}), or null */
    private DDSketch sketch(String k) {
        return sketchCache.get(k);
    }

    private void deleteSketch(String k) {
        sketchCache.delete(k);
        hllCache.delete(k);
    }

    /** @return the rule's quantile over the window's sketches: seconds for latency rules, the metric's unit for metric rules */
    private double quantileValue(Rule rule, GroupState s, String key, long now) {
        DDSketch merged = null;
        for (long bucket : s.rings.get(0).occupied(now)) {
            DDSketch sk = sketch(sketchKey(key, bucket));
            if (sk != null) {
                if (merged == null) {
                    merged = sk.copy(); // not the cached instance, which must keep what the store holds
                } else {
                    merged.mergeWith(sk);
                }
            }
        }
        if (merged == null || merged.isEmpty()) {
            return Double.NaN;
        }
        double q = merged.getValueAtQuantile(rule.quantile());
        return rule.signal() == Signal.LATENCY_QUANTILE ? q / 1000 : q;
    }

    private void deleteSketches(String key) {
        List<String> keys = new ArrayList<>();
        sketchCache.flushDirty(); // the store must hold every sketch of the group before it is scanned
        hllCache.flushDirty();
        try (KeyValueIterator<String, byte[]> it = sketches.prefixScan(key + '\u0000', new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(this::deleteSketch);
    }

    private void punctuate(long wall) {
        reloadIfChanged();
        stateCache.flushDirty(); // the store must hold every state before it is iterated
        List<KeyValue<String, byte[]>> all = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = states.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, byte[]> kv : all) {
            String key = kv.key;
            GroupState s = GroupState.fromBytes(kv.value);
            Rule rule = rules.rule(ruleName(key));
            if (rule == null) {
                if (s.status == GroupState.Status.FIRING) {
                    emit(placeholder(ruleName(key), s), key, s, RuleEngine.Transition.RESOLVED, wall, wall);
                    s.status = GroupState.Status.INACTIVE;
                }
                forget(key, ruleName(key));
                continue;
            }
            boolean changed = false;
            if (s.ruleVersion != rule.version()) {
                reset(rule, s, key);
                changed = true;
            }
            long now = rule.signal() == Signal.ABSENCE ? wall : s.lastEventTime + Math.max(0, wall - s.lastEventWall);
            GroupState.Status before = s.status;
            long activeBefore = s.activeAt;
            refreshDistinct(rule, s, key, now);
            RuleEngine.Transition t = RuleEngine.step(rule, s, now, RuleEngine.evaluate(rule, s, now, wall));
            if (t != RuleEngine.Transition.NONE) {
                emit(rule, key, s, t, now, wall);
                if (rule.signal() != Signal.ABSENCE) {
                    // The change happened at `now`, the group's time moved on the wall clock: it stays there, so that
                    // events held up until after the change are evaluated from then on, never before a change already sent.
                    s.lastEventTime = now;
                    s.lastEventWall = wall;
                }
            }
            long idle = wall - s.lastEventWall;
            long keepFor = rule.signal() == Signal.ABSENCE || rule.holdsWhenEmpty() ? rule.lookback().toMillis()
                    : rule.retention().toMillis();
            if (idle > keepFor) {
                if (s.status == GroupState.Status.FIRING) {
                    emit(rule, key, s, RuleEngine.Transition.RESOLVED, now, wall);
                }
                forget(key, rule.name());
            } else if (changed || t != RuleEngine.Transition.NONE || s.status != before || s.activeAt != activeBefore) {
                putState(key, s);
            }
        }
    }

    /** A stand-in for a rule that was removed while one of its alerts fired, so the alert can resolve. */
    private static Rule placeholder(String name, GroupState s) {
        return new Rule(name, "(removed)", Signal.REQUEST_RATE, new ArrayList<>(s.labels.keySet()), Map.of(),
                java.time.Duration.ofMinutes(1), Comparison.GT, 0, java.time.Duration.ZERO, java.time.Duration.ZERO, 0,
                "none", Map.of(), Map.of(), 0, null, 0, false, 0, List.of(), java.time.Duration.ZERO,
                java.time.Duration.ZERO, 1, 0, false, false, null, null);
    }

    private void forget(String key, String rule) {
        stateCache.delete(key);
        deleteSketches(key);
        groups.computeIfPresent(rule, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void emit(Rule rule, String key, GroupState s, RuleEngine.Transition t, long now, long wall) {
        if (rule.signal() == Signal.LATENCY_QUANTILE || rule.signal() == Signal.METRIC && rule.metricKind() == LogMetric.Kind.DISTRIBUTION) {
            double v = quantileValue(rule, s, key, now);
            if (!Double.isNaN(v)) {
                s.lastValue = v;
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity());
        labels.putAll(rule.labels());
        labels.putAll(s.labels);
        Map<String, String> annotations = new LinkedHashMap<>();
        rule.annotations().forEach((k, v) -> annotations.put(k, Templates.render(v, s.lastValue, rule.threshold(), labels)));
        boolean firing = t == RuleEngine.Transition.FIRING;
        Instant startsAt = Instant.ofEpochMilli(s.startsAt);
        Instant endsAt = firing ? null : Instant.ofEpochMilli(Math.max(now, s.startsAt));
        String fingerprint = fingerprint(rule.name(), s.labels);
        List<String> ids = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        for (String[] x : s.exemplars) {
            ids.add(x[0]);
            if (x[1] != null) {
                traces.add(x[1]);
            }
        }
        String kibana = settings.kibanaBaseUrl() == null ? null : Kibana.discover(settings.kibanaBaseUrl(), labels,
                startsAt.minus(rule.window()), endsAt);
        AlertEvent alert = AlertEvent.newBuilder()
                .setFingerprint(fingerprint)
                .setStatus(firing ? AlertStatus.FIRING : AlertStatus.RESOLVED)
                .setRule(rule.name())
                .setSeverity(rule.severity())
                .setLabels(new LinkedHashMap<>(labels))
                .setAnnotations(new LinkedHashMap<>(annotations))
                .setValue(Double.isNaN(s.lastValue) ? 0 : s.lastValue)
                .setThreshold(rule.threshold())
                .setStartsAt(startsAt)
                .setEndsAt(endsAt)
                .setKibanaUrl(kibana)
                .setExemplarEventIds(ids)
                .setExemplarTraceIds(traces)
                .setGenerator("weir-processor")
                .setUpdatedAt(settings.clock().instant())
                .build();
        if (firing) {
            alerts.put(fingerprint, alert);
        } else {
            alerts.delete(fingerprint);
        }
        context.forward(new Record<>(fingerprint, alert, wall));
    }

    static String stateKey(Rule rule, RuleInput in) {
        StringBuilder b = new StringBuilder(rule.name());
        for (String l : rule.groupBy()) {
            b.append(SEP).append(in.label(l));
        }
        return b.toString();
    }

    static String ruleName(String stateKey) {
        int i = stateKey.indexOf(SEP);
        return i < 0 ? stateKey : stateKey.substring(0, i);
    }

    /** The sketch key of a group's bucket; the group keeps the latest one, as every event of the bucket needs it. */
    private static String latestSketchKey(String stateKey, GroupState s, long bucket) {
        if (s.sketchKey == null || s.sketchKeyBucket != bucket) {
            s.sketchKey = sketchKey(stateKey, bucket);
            s.sketchKeyBucket = bucket;
        }
        return s.sketchKey;
    }

    private static String sketchKey(String stateKey, long bucket) {
        String hex = Long.toHexString(bucket); // 16 hex digits, zero-padded, as String.format("%016x") wrote them (hot: no Formatter)
        return stateKey + '\u0000' + "0000000000000000".substring(hex.length()) + hex;
    }

    /**
     * @param rule   rule name
     * @param labels the group's labels
     * @return the alert fingerprint: 16 hex digits of SHA-256 over the rule name and the sorted group labels
     */
    static String fingerprint(String rule, Map<String, String> labels) {
        StringBuilder b = new StringBuilder(rule);
        new TreeMap<>(labels).forEach((k, v) -> b.append('\u0000').append(k).append('=').append(v));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
