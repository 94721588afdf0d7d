package dev.weir.processor.rules;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.YamlFiles;
import dev.weir.schemas.LogLevel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A validated set of rules read from rule files (YAML, a top-level {@code rules:} list; the
 * README's "Alert rules" section documents every field). Immutable; rule names are unique.
 * Loading is all or nothing: the first problem throws a {@link RuleException} that names the
 * file, the rule and the field.
 */
public final class RuleSet {
    /** Labels a rule may group by or match on. */
    public static final Set<String> LABELS = Set.of("service", "route", "method", "status", "source_ip", "user_name",
            "level", "fingerprint", "error_type", "probe");
    /** The classpath resource holding the default rule pack. */
    public static final String DEFAULT_PACK = "rules/default.yml";

    private static final Set<String> TOP_LEVEL = Set.of("rules", "slos", "metrics");
    private static final Set<String> FIELDS = Set.of("alert", "signal", "group_by", "match", "window", "op", "threshold",
            "for", "keep_firing_for", "min_events", "severity", "labels", "annotations", "quantile", "level", "objective",
            "sli", "sli_latency", "burn_windows", "lookback", "baseline", "max_groups", "public", "metric");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_:.-]*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), List.of(), Map.of());

    private final List<Rule> rules;
    private final List<Slo> slos;
    private final List<LogMetric> metrics;
    private final List<LogMetric> allMetrics;
    private final Map<String, Rule> byName;
    private final Map<String, String> files;

    private RuleSet(List<Rule> rules, List<Slo> slos, List<LogMetric> metrics, Map<String, String> files) {
        this.rules = List.copyOf(rules);
        this.slos = List.copyOf(slos);
        this.metrics = List.copyOf(metrics);
        List<LogMetric> all = new ArrayList<>(LogMetricFields.BUILT_IN);
        all.addAll(metrics);
        this.allMetrics = List.copyOf(all);
        Map<String, Rule> m = new LinkedHashMap<>();
        for (Rule r : rules) {
            m.put(r.name(), r);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.files = Collections.unmodifiableMap(new TreeMap<>(files));
    }

    /** @return a set without rules */
    public static RuleSet empty() {
        return EMPTY;
    }

    /** @return the rules, in file-name order and then file order */
    public List<Rule> rules() {
        return rules;
    }

    /** @return the service-level objectives, in file-name order and then file order */
    public List<Slo> slos() {
        return slos;
    }

    /** @return the log metrics declared in the files, in file-name order and then file order */
    public List<LogMetric> metrics() {
        return metrics;
    }

    /** @return the built-in metrics ({@link LogMetricFields#BUILT_IN}) and then the declared ones */
    public List<LogMetric> allMetrics() {
        return allMetrics;
    }

    /**
     * @param name a metric name
     * @return the built-in or declared metric, or {@code null}
     */
    public LogMetric metric(String name) {
        for (LogMetric m : allMetrics) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /**
     * @param name an SLO name
     * @return the SLO, or {@code null}
     */
    public Slo slo(String name) {
        for (Slo s : slos) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * @param name a rule name
     * @return the rule, or {@code null}
     */
    public Rule rule(String name) {
        return byName.get(name);
    }

    /** @return file name → YAML text, as loaded */
    public Map<String, String> files() {
        return files;
    }

    /**
     * Loads one rule file, or every {@code *.yml} / {@code *.yaml} file directly in a directory.
     *
     * @param path a file or a directory
     * @return the rules
     * @throws RuleException when a rule is invalid or the path holds no rule file
     * @throws UncheckedIOException when a file cannot be read
     */
    public static RuleSet load(Path path) {
        Map<String, String> files;
        try {
            files = YamlFiles.read(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new RuleException(path.toString(), null, null, "no such file or directory");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read rules from " + path + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new RuleException(path.toString(), null, null, "the directory holds no .yml or .yaml file; put rule files there or name a file");
        }
        return parse(files);
    }

    /** @return the default rule pack shipped in this jar ({@value #DEFAULT_PACK}) */
    public static RuleSet defaults() {
        try (InputStream in = RuleSet.class.getClassLoader().getResourceAsStream(DEFAULT_PACK)) {
            if (in == null) {
                throw new IllegalStateException("The default rule pack " + DEFAULT_PACK + " is missing from the classpath");
            }
            return parse(Map.of("default.yml", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param files file name → YAML text
     * @return the rules of all files
     * @throws RuleException at the first invalid rule, or when two rules share a name
     */
    public static RuleSet parse(Map<String, String> files) {
        List<Rule> all = new ArrayList<>();
        List<Slo> slos = new ArrayList<>();
        List<LogMetric> metrics = new ArrayList<>();
        Map<String, String> origin = new LinkedHashMap<>();
        Map<String, String> sloOrigin = new LinkedHashMap<>();
        Map<String, String> metricOrigin = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
            Parsed parsed = parseFile(f.getKey(), f.getValue());
            for (LogMetric m : parsed.metrics()) {
                String other = metricOrigin.putIfAbsent(m.name(), f.getKey());
                if (other != null) {
                    throw new RuleException(f.getKey(), m.name(), "name", "the metric name is already used in " + other
                            + "; metric names must be unique across all files");
                }
                metrics.add(m);
            }
            for (Slo slo : parsed.slos()) {
                String other = sloOrigin.putIfAbsent(slo.name(), f.getKey());
                if (other != null) {
                    throw new RuleException(f.getKey(), slo.name(), "name", "the SLO name is already used in " + other
                            + "; SLO names must be unique across all files");
                }
                slos.add(slo);
            }
            for (Rule r : parsed.rules()) {
                String other = origin.putIfAbsent(r.name(), f.getKey());
                if (other != null) {
                    throw new RuleException(f.getKey(), r.name(), "alert", "the name is already used by a rule in " + other
                            + "; rule names must be unique across all files");
                }
                all.add(r);
            }
        }
        List<Rule> resolved = new ArrayList<>();
        for (Rule r : all) {
            resolved.add(resolve(r, metrics));
        }
        return new RuleSet(resolved, slos, metrics, files);
    }

    /** The rules (derived burn-rate rules included), SLOs and log metrics of one file. */
    record Parsed(List<Rule> rules, List<Slo> slos, List<LogMetric> metrics) {
    }

    /**
     * Checks a {@code metric} rule against the metric it reads (declared in any file, or built in) and gives it the
     * metric's kind; other rules are returned as they are.
     *
     * @throws RuleException when the metric is unknown or the rule asks it for labels it does not keep
     */
    private static Rule resolve(Rule r, List<LogMetric> declared) {
        if (r.signal() != Signal.METRIC) {
            return r;
        }
        LogMetric m = null;
        for (LogMetric x : LogMetricFields.BUILT_IN) {
            m = x.name().equals(r.metric()) ? x : m;
        }
        for (LogMetric x : declared) {
            m = x.name().equals(r.metric()) ? x : m;
        }
        if (m == null) {
            throw new RuleException(r.file(), r.name(), "metric", "no metric " + r.metric() + " is declared (metrics: in any rule"
                    + " file) or built in");
        }
        for (String l : r.groupBy()) {
            if (!m.labelNames().contains(l)) {
                throw new RuleException(r.file(), r.name(), "group_by", "metric " + m.name() + " keeps no label " + l + "; it keeps "
                        + m.labelNames());
            }
        }
        for (String l : r.match().keySet()) {
            if (!m.labelNames().contains(l)) {
                throw new RuleException(r.file(), r.name(), "match." + l, "metric " + m.name() + " keeps no label " + l + "; it keeps "
                        + m.labelNames());
            }
        }
        if ((m.kind() == LogMetric.Kind.DISTRIBUTION) != (r.quantile() > 0)) {
            throw new RuleException(r.file(), r.name(), "quantile", m.kind() == LogMetric.Kind.DISTRIBUTION
                    ? "is required for a distribution metric, e.g. quantile: 0.95" : "is only for distribution metrics; remove it");
        }
        Rule k = r.withMetricKind(m.kind());
        return k.withVersion(versionOf(k));
    }

    /**
     * Like {@link #parse(Map)}, but skips invalid files (and rules whose name an earlier file took),
     * reporting each problem; used when starting from a rules topic someone wrote without validation.
     *
     * @param files   file name → YAML text
     * @param onError told about each skipped file
     * @return the rules of the valid files
     */
    public static RuleSet lenient(Map<String, String> files, Consumer<RuleException> onError) {
        List<Rule> all = new ArrayList<>();
        List<Slo> slos = new ArrayList<>();
        List<LogMetric> metrics = new ArrayList<>();
        Map<String, String> kept = new TreeMap<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> sloNames = new LinkedHashSet<>();
        Set<String> metricNames = new LinkedHashSet<>();
        for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
            try {
                Parsed parsed = parseFile(f.getKey(), f.getValue());
                List<Rule> rs = parsed.rules();
                for (Rule r : rs) {
                    if (names.contains(r.name())) {
                        throw new RuleException(f.getKey(), r.name(), "alert", "the name is already used by another file");
                    }
                }
                for (Slo slo : parsed.slos()) {
                    if (sloNames.contains(slo.name())) {
                        throw new RuleException(f.getKey(), slo.name(), "name", "the SLO name is already used by another file");
                    }
                }
                for (LogMetric m : parsed.metrics()) {
                    if (metricNames.contains(m.name())) {
                        throw new RuleException(f.getKey(), m.name(), "name", "the metric name is already used by another file");
                    }
                }
                rs.forEach(r -> names.add(r.name()));
                parsed.slos().forEach(slo -> sloNames.add(slo.name()));
                parsed.metrics().forEach(m -> metricNames.add(m.name()));
                all.addAll(rs);
                slos.addAll(parsed.slos());
                metrics.addAll(parsed.metrics());
                kept.put(f.getKey(), f.getValue());
            } catch (RuleException e) {
                onError.accept(e);
            }
        }
        List<Rule> resolved = new ArrayList<>();
        for (Rule r : all) {
            try {
                resolved.add(resolve(r, metrics));
            } catch (RuleException e) {
                onError.accept(e);
            }
        }
        return new RuleSet(resolved, slos, metrics, kept);
    }

    /**
     * @param file file name for messages
     * @param yaml its text
     * @return its rules (with the burn-rate rules derived from its SLOs) and SLOs
     * @throws RuleException when it is invalid
     */
    static Parsed parseFile(String file, String yaml) {
        ConfigNode top;
        try {
            top = ConfigNode.parseVerbatim(yaml, "", file);
        } catch (ConfigException e) {
            boolean notYaml = e.reason().startsWith("not valid YAML");
            throw new RuleException(file, null, null, e.reason() + (notYaml ? "" : " holding a rules: list, a slos: list and a metrics: list"));
        }
        for (String k : top.keys()) {
            if (!TOP_LEVEL.contains(k)) {
                throw new RuleException(file, null, k, "unknown key; a rule file holds a rules: list, a slos: list"
                        + " and a metrics: list");
            }
        }
        List<Slo> slos = SloFields.parseAll(file, RuleException.reading(file, null, top.path(), () -> top.children("slos")));
        List<LogMetric> metrics = LogMetricFields.parseAll(file, RuleException.reading(file, null, top.path(), () -> top.children("metrics")));
        List<Rule> result = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int index = 0;
        for (ConfigNode item : RuleException.reading(file, null, top.path(), () -> top.children("rules"))) {
            index++;
            Rule r = new Fields(file, index, item).rule();
            if (!seen.add(r.name())) {
                throw new RuleException(file, r.name(), "alert", "the name is used twice in this file");
            }
            result.add(r);
        }
        for (Slo slo : slos) {
            for (Rule r : SloFields.derivedRules(slo)) {
                if (!seen.add(r.name())) {
                    throw new RuleException(file, r.name(), "alert", "the name is taken by the burn-rate alert derived from SLO "
                            + slo.name() + "; rename the rule");
                }
                result.add(r);
            }
        }
        return new Parsed(result, slos, metrics);
    }

    /** Reads one rule mapping, naming the rule and field in every problem. */
    private static final class Fields {
        private final String file;
        private final ConfigNode node;
        private String rule;

        Fields(String file, int index, ConfigNode node) {
            this.file = file;
            this.rule = "#" + index;
            this.node = node;
        }

        RuleException bad(String field, String reason) {
            return new RuleException(file, rule, field, reason);
        }

        Rule rule() {
            String name = RuleException.reading(file, rule, node.path(), () -> node.string("alert", null));
            if (name == null || name.isBlank()) {
                throw bad("alert", "is required: the rule's name, e.g. alert: HighErrorRate");
            }
            if (!NAME.matcher(name).matches()) {
                throw bad("alert", "must start with a letter or _ and hold only letters, digits, _ : . - (got \"" + name + "\")");
            }
            rule = name;
            for (String k : node.keys()) {
                if (!FIELDS.contains(k)) {
                    throw bad(k, "unknown field; known fields: " + String.join(", ", new TreeSet<>(FIELDS)));
                }
            }
            return RuleException.reading(file, rule, node.path(), this::fields);
        }

        private Rule fields() {
            String signalText = string("signal", null);
            if (signalText == null) {
                throw bad("signal", "is required; one of " + Signal.choices());
            }
            Signal signal = Signal.parse(signalText);
            if (signal == null) {
                throw bad("signal", "unknown signal \"" + signalText + "\"; one of " + Signal.choices());
            }

            List<String> defaultGroup = switch (signal) {
                case FAILED_LOGINS, LOGIN_SPRAYING, LOGIN_SUCCESS_AFTER_FAILURES -> List.of("service", "source_ip");
                case LOGIN_DISTINCT_IPS -> List.of("service", "user_name");
                case NEW_FINGERPRINT, ESCALATING_FINGERPRINT -> List.of("service", "fingerprint");
                case PROBE_DOWN -> List.of("service", "probe");
                default -> List.of("service");
            };
            List<String> groupBy = labelList("group_by", defaultGroup, signal == Signal.METRIC);
            if (!groupBy.contains("service")) {
                throw bad("group_by", "must contain service: events are partitioned by service, so every group"
                        + " must lie within one service (see README, Alert rules)");
            }
            if ((signal == Signal.NEW_FINGERPRINT || signal == Signal.ESCALATING_FINGERPRINT) && !groupBy.contains("fingerprint")) {
                throw bad("group_by", "must contain fingerprint for signal " + signal.yamlName());
            }
            String counted = RuleEngine.distinctLabel(signal);
            if (counted != null && groupBy.contains(counted)) {
                throw bad("group_by", "must not contain " + counted + " for signal " + signal.yamlName() + ", which counts the distinct "
                        + counted + " values of each group");
            }
            if (signal == Signal.PROBE_DOWN && !groupBy.contains("probe")) {
                throw bad("group_by", "must contain probe for signal probe_down");
            }
            Map<String, String> match = stringMap("match", true, signal == Signal.METRIC);

            Duration window = duration("window", signal == Signal.NEW_FINGERPRINT ? Duration.ofHours(1) : Duration.ofMinutes(5));
            if (window.compareTo(Duration.ofSeconds(1)) < 0) {
                throw bad("window", "must be at least 1s");
            }
            String opText = string("op", signal == Signal.PROBE_DOWN ? ">=" : ">");
            Comparison op = Comparison.parse(opText);
            if (op == null) {
                throw bad("op", "must be one of >, >=, <, <= (got \"" + opText + "\")");
            }
            Duration forDuration = duration("for", Duration.ZERO);
            Duration keep = duration("keep_firing_for", Duration.ZERO);
            long minEvents = longValue("min_events", signal == Signal.METRIC ? 0 : 1, 0, Long.MAX_VALUE);
            int maxGroups = (int) longValue("max_groups", 10_000, 1, 1_000_000);

            Map<String, String> labels = stringMap("labels", true, false);
            String severity = string("severity", labels.get("severity"));
            if (severity == null || severity.isBlank()) {
                throw bad("severity", "is required (severity: critical, or labels: {severity: critical})");
            }
            Map<String, String> plainLabels = new LinkedHashMap<>(labels);
            plainLabels.remove("severity");
            if (plainLabels.containsKey("alertname")) {
                throw bad("labels.alertname", "is set from the rule name; remove it");
            }
            Map<String, String> annotations = stringMap("annotations", false, false);
            for (Map.Entry<String, String> a : annotations.entrySet()) {
                String problem = Templates.check(a.getValue());
                if (problem != null) {
                    throw bad("annotations." + a.getKey(), problem);
                }
            }

            double quantile = 0;
            LogLevel level = LogLevel.ERROR;
            double objective = 0;
            boolean latencySli = false;
            boolean probeSli = false;
            boolean publicAlert = bool("public", false);
            double sliLatencyMs = 0;
            List<BurnWindow> burnWindows = List.of();
            Duration lookback = duration("lookback", Duration.ofDays(7));
            Duration baseline = duration("baseline", Duration.ofDays(1));
            String metric = null;
            if (signal == Signal.METRIC) {
                metric = string("metric", null);
                if (metric == null || metric.isEmpty()) {
                    throw bad("metric", "is required for signal metric: the name of a metric declared under metrics: or built in");
                }
            } else if (node.has("metric")) {
                throw bad("metric", "is only for signal metric");
            }
            double threshold;
            switch (signal) {
                case LATENCY_QUANTILE -> {
                    quantile = quantile();
                    threshold = threshold(true);
                }
                case LOG_RATE -> {
                    String l = string("level", "ERROR").toUpperCase(Locale.ROOT);
                    try {
                        level = LogLevel.valueOf(l.equals("WARNING") ? "WARN" : l);
                    } catch (IllegalArgumentException e) {
                        throw bad("level", "must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL (got \"" + l + "\")");
                    }
                    threshold = threshold(false);
                }
                case ABSENCE -> threshold = threshold(true);
                case BURN_RATE -> {
                    objective = fraction("objective");
                    String sli = string("sli", "availability");
                    if (sli.equals("probe")) {
                        probeSli = true;
                        if (!groupBy.contains("probe") && !match.containsKey("probe")) {
                            throw bad("sli", "probe needs match: {probe: NAME} or probe in group_by");
                        }
                    } else if (sli.equals("latency")) {
                        latencySli = true;
                        if (!node.has("sli_latency")) {
                            throw bad("sli_latency", "is required with sli: latency, e.g. sli_latency: 500ms");
                        }
                        sliLatencyMs = duration("sli_latency", Duration.ZERO).toNanos() / 1e6;
                    } else if (!sli.equals("availability")) {
                        throw bad("sli", "must be availability, latency or probe (got \"" + sli + "\")");
                    }
                    burnWindows = burnWindows();
                    threshold = burnWindows.stream().mapToDouble(BurnWindow::factor).min().orElse(0);
                    if (node.has("threshold")) {
                        throw bad("threshold", "is set by burn_windows (the factors) for signal burn_rate; remove it");
                    }
                }
                case PROBE_DOWN -> threshold = node.has("threshold") ? threshold(false) : 1;
                case METRIC -> {
                    quantile = node.has("quantile") ? quantile() : 0; // checked against the metric's kind once all files are read
                    threshold = threshold(false);
                }
                case NEW_FINGERPRINT -> {
                    threshold = 0;
                    if (node.has("threshold")) {
                        throw bad("threshold", "is not used by signal new_fingerprint (it fires on a fingerprint unseen for lookback); remove it");
                    }
                }
                default -> threshold = threshold(false);
            }
            if (baseline.compareTo(window) <= 0 && signal == Signal.ESCALATING_FINGERPRINT) {
                throw bad("baseline", "must be longer than window");
            }
            Rule r = new Rule(rule, file, signal, groupBy, match, window, op, threshold, forDuration, keep, minEvents,
                    severity, plainLabels, annotations, quantile, level, objective, latencySli, sliLatencyMs, burnWindows,
                    lookback, baseline, maxGroups, 0, probeSli, publicAlert, metric, null);
            return r.withVersion(versionOf(r));
        }

        boolean bool(String field, boolean defaultValue) {
            return node.bool(field, defaultValue);
        }

        String string(String field, String defaultValue) {
            return SloFields.text(node, field, defaultValue);
        }

        long longValue(String field, long defaultValue, long min, long max) {
            return node.longInRange(field, defaultValue, min, max);
        }

        Duration duration(String field, Duration defaultValue) {
            return node.duration(field, defaultValue);
        }

        double threshold(boolean durationAllowed) {
            String s = string("threshold", null);
            if (s == null) {
                throw bad("threshold", "is required");
            }
            try {
                if (s.endsWith("%")) {
                    return Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100;
                }
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                Duration d = durationAllowed ? parseDuration(s) : null;
                if (d != null) {
                    return d.toNanos() / 1e9;
                }
                throw bad("threshold", "must be a number or a percentage such as 5%" + (durationAllowed
                        ? ", or a duration such as 2s" : "") + " (got \"" + s + "\")");
            }
        }

        double quantile() {
            String s = string("quantile", null);
            if (s == null) {
                throw bad("quantile", "is required for signal latency_quantile, e.g. quantile: 0.95");
            }
            double q;
            try {
                q = s.startsWith("p") ? Double.parseDouble("0." + s.substring(1).replace(".", "")) : s.endsWith("%")
                        ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw bad("quantile", "must be a number between 0 and 1, e.g. 0.95 (got \"" + s + "\")");
            }
            if (!(q > 0 && q < 1)) {
                throw bad("quantile", "must be between 0 and 1 exclusive (got " + s + ")");
            }
            return q;
        }

        double fraction(String field) {
            String s = string(field, null);
            if (s == null) {
                throw bad(field, "is required, e.g. " + field + ": 99.9%");
            }
            double f;
            try {
                f = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw bad(field, "must be a fraction such as 0.999 or a percentage such as 99.9% (got \"" + s + "\")");
            }
            if (!(f > 0 && f < 1)) {
                throw bad(field, "must be between 0 and 1 exclusive (got " + s + ")");
            }
            return f;
        }

        List<BurnWindow> burnWindows() {
            List<ConfigNode> windows = node.children("burn_windows");
            if (windows.isEmpty()) {
                throw bad("burn_windows", "is required for signal burn_rate: a list of {long: 1h, short: 5m, factor: 14.4}");
            }
            List<BurnWindow> result = new ArrayList<>();
            int i = 0;
            for (ConfigNode w : windows) {
                String f = "burn_windows[" + i++ + "]";
                for (String k : w.keys()) {
                    if (!Set.of("long", "short", "factor").contains(k)) {
                        throw bad(f + "." + k, "unknown field; use long, short and factor");
                    }
                }
                Duration lw = w.duration("long", null);
                Duration sw = w.duration("short", null);
                if (lw == null || lw.isZero()) {
                    throw bad(f + ".long", "must be a duration such as 1h (got \"" + w.string("long", null) + "\")");
                }
                if (sw == null || sw.isZero() || sw.compareTo(lw) >= 0) {
                    throw bad(f + ".short", "must be a duration shorter than long, such as 5m (got \"" + w.string("short", null) + "\")");
                }
                if (!w.has("factor")) {
                    throw bad(f + ".factor", "is required: a number such as 14.4");
                }
                double factor = w.doubleInRange("factor", 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
                if (!(factor > 0)) {
                    throw bad(f + ".factor", "must be positive");
                }
                result.add(new BurnWindow(lw, sw, factor));
            }
            return result;
        }

        List<String> labelList(String field, List<String> defaultValue, boolean metricLabels) {
            List<String> list = node.stringList(field, null);
            if (list == null) {
                return defaultValue;
            }
            List<String> result = new ArrayList<>();
            for (String l : list) {
                if (metricLabels ? !LABEL.matcher(l).matches() : !LABELS.contains(l)) {
                    throw bad(field, "unknown label " + l + "; one of " + new TreeSet<>(LABELS));
                }
                if (!result.contains(l)) {
                    result.add(l);
                }
            }
            return result;
        }

        Map<String, String> stringMap(String field, boolean labelKeys, boolean metricLabels) {
            Map<String, String> result = SloFields.textMap(file, rule, node, field);
            for (String k : result.keySet()) {
                if (labelKeys && !LABEL.matcher(k).matches()) {
                    throw bad(field + "." + k, "is not a valid label name (letters, digits and _)");
                }
                if (field.equals("match") && !metricLabels && !LABELS.contains(k)) {
                    throw bad(field + "." + k, "unknown label; one of " + new TreeSet<>(LABELS));
                }
            }
            return result;
        }
    }

    /**
     * @param text e.g. {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}, {@code 7d}, in the grammar of every Weir
     *             file ({@link ConfigNode#durationOrNull})
     * @return the duration, or {@code null} when the text is not one
     */
    static Duration parseDuration(String text) {
        return ConfigNode.durationOrNull(text);
    }

    static long versionOf(Rule r) {
        try {
            List<Object> parts = new ArrayList<>(List.of(r.signal(), r.groupBy(), r.match(),
                    r.window(), r.op(), r.threshold(), r.quantile(), r.level(), r.objective(), r.latencySli(), r.sliLatencyMs(),
                    r.burnWindows(), r.lookback(), r.baseline(), r.probeSli()));
            if (r.metric() != null) {
                // only then: the other rules keep the versions they had, so their state survives an upgrade
                parts.add(r.metric());
                parts.add(String.valueOf(r.metricKind()));
            }
            byte[] d = MessageDigest.getInstance("SHA-256").digest(parts.toString().getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
