package dev.weir.processor.rules;

import dev.weir.common.config.ConfigNode;
import dev.weir.schemas.LogLevel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the {@code metrics:} list of a rule file into {@link LogMetric}s, naming the metric and the field in every
 * problem ({@code Invalid rule signups in business.yml, field select.event.action: …}), and holds Weir's built-in
 * metrics: request and response body sizes per service and route, and the browser's Web Vitals per page.
 */
public final class LogMetricFields {
    /** Series a metric keeps per processor task unless {@code max_series} says otherwise. */
    public static final int DEFAULT_MAX_SERIES = 1000;
    /** Built in: request body sizes per service and route ({@code http.request.body.bytes} of request events). */
    public static final LogMetric REQUEST_SIZE = builtIn("http_request_size_bytes", "http.request.body.bytes",
            "Request body sizes per service and route, bytes (from request events' http.request.body.bytes)", true,
            LogMetric.Selector.ANY, List.of("service", "route"), List.of("service", "http.route"));
    /** Built in: response body sizes per service and route ({@code http.response.body.bytes} of request events). */
    public static final LogMetric RESPONSE_SIZE = builtIn("http_response_size_bytes", "http.response.body.bytes",
            "Response body sizes per service and route, bytes (from request events' http.response.body.bytes)", true,
            LogMetric.Selector.ANY, List.of("service", "route"), List.of("service", "http.route"));
    /** Built in: the browser's Web Vitals per service, page and vital (events the agent's beacon endpoint writes). */
    public static final LogMetric WEB_VITALS = builtIn("web_vitals", "labels.value",
            "Web Vitals reported by browsers per page: LCP, INP, FCP, TTFB in milliseconds, CLS unitless",
            false, new LogMetric.Selector(Set.of(), Set.of("web-vital"), Set.of("web"), Set.of(), Set.of(), Map.of(), null),
            List.of("service", "page", "vital"), List.of("service", "http.route", "labels.vital"));
    /** The built-in metrics, always measured whatever the rule files hold. */
    public static final List<LogMetric> BUILT_IN = List.of(REQUEST_SIZE, RESPONSE_SIZE, WEB_VITALS);

    private static final Set<String> FIELDS = new TreeSet<>(List.of("name", "kind", "help", "select", "field", "labels", "max_series"));
    private static final Set<String> SELECT_FIELDS = new TreeSet<>(List.of("service", "event.action", "event.category",
            "event.outcome", "level", "labels", "message"));
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Prefixes of the series Weir and its libraries put on /metrics already. */
    private static final List<String> RESERVED_PREFIXES = List.of("weir_", "http_", "jvm_", "process_", "system_", "kafka_",
            "executor_", "logback_", "disk_", "jetty_", "failed_login_attempts");
    /** Suffixes Prometheus's Java client strips from metric names (OpenMetrics reserves them). */
    private static final List<String> RESERVED_SUFFIXES = List.of("_total", "_created", "_bucket", "_info");
    /** Labels the metrics' own rows or Prometheus use. */
    private static final Set<String> RESERVED_LABELS = Set.of("window", "percentile", "quantile", "le", "component", "instance",
            "job");

    private LogMetricFields() {
    }

    private static LogMetric builtIn(String name, String field, String help, boolean requests, LogMetric.Selector select,
                                     List<String> labelNames, List<String> labelPaths) {
        List<EventField> fields = labelPaths.stream().map(EventField::of).toList();
        EventField f = EventField.of(field);
        return new LogMetric(name, "(built-in)", LogMetric.Kind.DISTRIBUTION, f, select, labelNames, fields, 2 * DEFAULT_MAX_SERIES,
                help, requests, SloFields.version(List.of(LogMetric.Kind.DISTRIBUTION, field, select, labelNames, labelPaths)));
    }

    /**
     * @param file  the file's name, for messages
     * @param items the items of its {@code metrics:} list
     * @return the metrics, in file order
     * @throws RuleException at the first problem
     */
    static List<LogMetric> parseAll(String file, List<ConfigNode> items) {
        return SloFields.parseList(file, items, "metric", LogMetricFields::parse, LogMetric::name);
    }

    private static LogMetric parse(String file, int index, ConfigNode node) {
        String n = RuleException.reading(file, "metric #" + index, node.path(), () -> SloFields.text(node, "name", null));
        String label = n == null ? "metric #" + index : n;
        if (n == null || !NAME.matcher(label).matches()) {
            throw new RuleException(file, label, "name", "is required: a Prometheus metric name (letters, digits and _, not starting"
                    + " with a digit), e.g. name: signups");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (label.startsWith(prefix)) {
                throw new RuleException(file, label, "name", "must not start with " + prefix + ": Weir's own series use that prefix");
            }
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (label.endsWith(suffix)) {
                throw new RuleException(file, label, "name", "must not end with " + suffix + ": the Prometheus client drops that suffix"
                        + " (counters get _total on /metrics), so the series would have another name; e.g. created_tasks, not tasks_created");
            }
        }
        if (BUILT_IN.stream().anyMatch(b -> b.name().equals(label))) {
            throw new RuleException(file, label, "name", "is a built-in metric's name; choose another");
        }
        for (String k : node.keys()) {
            if (!FIELDS.contains(k)) {
                throw new RuleException(file, label, k, "unknown field; known fields: " + String.join(", ", FIELDS));
            }
        }
        return RuleException.reading(file, label, node.path(), () -> parse(file, label, node));
    }

    private static LogMetric parse(String file, String label, ConfigNode node) {
        String kindText = SloFields.text(node, "kind", "count").toLowerCase(Locale.ROOT);
        LogMetric.Kind kind = null;
        for (LogMetric.Kind k : LogMetric.Kind.values()) {
            if (k.yamlName().equals(kindText)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new RuleException(file, label, "kind", "must be count, sum, distribution or distinct (got \"" + kindText + "\")");
        }
        String fieldText = SloFields.text(node, "field", null);
        EventField field = null;
        if (kind == LogMetric.Kind.COUNT) {
            if (fieldText != null) {
                throw new RuleException(file, label, "field", "is not used by kind count; remove it, or choose sum, distribution or distinct");
            }
        } else {
            if (fieldText == null) {
                throw new RuleException(file, label, "field", "is required with kind " + kindText + ", e.g. field: "
                        + (kind == LogMetric.Kind.DISTINCT ? "user.name" : "labels.amount"));
            }
            field = field(file, label, "field", fieldText);
        }
        LogMetric.Selector select = node.has("select") ? selector(file, label, node.child("select")) : LogMetric.Selector.ANY;
        List<String> names = new ArrayList<>(List.of("service"));
        List<EventField> fields = new ArrayList<>(List.of(EventField.of("service")));
        labels(file, label, node, names, fields);
        int maxSeries = DEFAULT_MAX_SERIES;
        String ms = SloFields.text(node, "max_series", null);
        if (ms != null) {
            try {
                maxSeries = Integer.parseInt(ms);
            } catch (NumberFormatException e) {
                maxSeries = -1;
            }
            if (maxSeries < 1 || maxSeries > 100_000) {
                throw new RuleException(file, label, "max_series", "must be a whole number from 1 to 100000 (got \"" + ms + "\")");
            }
        }
        String help = SloFields.text(node, "help", "Log metric " + label + " (" + kindText + (field == null ? "" : " of " + field) + ")");
        long version = SloFields.version(List.of(kind, String.valueOf(field), select, names, fields));
        return new LogMetric(label, file, kind, field, select, names, fields, maxSeries, help, false, version);
    }

    private static EventField field(String file, String metric, String key, String path) {
        EventField f = EventField.of(path);
        if (f == null) {
            throw new RuleException(file, metric, key, "unknown field \"" + path + "\"; use labels.NAME or one of "
                    + String.join(", ", EventField.PATHS.keySet()));
        }
        return f;
    }

    private static LogMetric.Selector selector(String file, String metric, ConfigNode select) {
        Set<String> services = Set.of();
        Set<String> actions = Set.of();
        Set<String> categories = Set.of();
        Set<String> outcomes = Set.of();
        Set<LogLevel> levels = Set.of();
        Map<String, String> labels = Map.of();
        Pattern message = null;
        for (String k : select.keys()) {
            String key = "select." + k;
            switch (k) {
                case "service" -> services = values(file, metric, key, select.stringList(k, null));
                case "event.action" -> actions = values(file, metric, key, select.stringList(k, null));
                case "event.category" -> categories = lower(values(file, metric, key, select.stringList(k, null)));
                case "event.outcome" -> outcomes = lower(values(file, metric, key, select.stringList(k, null)));
                case "level", "log.level" -> {
                    Set<LogLevel> l = new LinkedHashSet<>();
                    for (String v : values(file, metric, key, select.stringList(k, null))) {
                        String u = v.toUpperCase(Locale.ROOT);
                        try {
                            l.add(LogLevel.valueOf(u.equals("WARNING") ? "WARN" : u));
                        } catch (IllegalArgumentException x) {
                            throw new RuleException(file, metric, key, "must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL (got \"" + v + "\")");
                        }
                    }
                    levels = l;
                }
                case "labels" -> {
                    labels = SloFields.textMap(file, metric, select, k);
                    if (labels.isEmpty()) {
                        throw new RuleException(file, metric, key, "must be a mapping of label names to values, e.g. {plan: pro}");
                    }
                }
                case "message" -> {
                    String p = select.string(k, "");
                    try {
                        message = Pattern.compile(p);
                    } catch (PatternSyntaxException x) {
                        throw new RuleException(file, metric, key, "is not a valid regular expression: " + x.getDescription()
                                + " near index " + x.getIndex());
                    }
                }
                default -> throw new RuleException(file, metric, key, "unknown selector; known: " + String.join(", ", SELECT_FIELDS));
            }
        }
        return new LogMetric.Selector(services, actions, categories, outcomes, levels, labels, message);
    }

    private static Set<String> lower(Set<String> values) {
        Set<String> out = new LinkedHashSet<>();
        values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
        return out;
    }

    private static Set<String> values(String file, String metric, String key, List<String> list) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : list == null ? List.of("") : list) {
            if (v.isBlank()) {
                throw new RuleException(file, metric, key, "must be a value or a list of values");
            }
            out.add(v.trim());
        }
        if (out.isEmpty()) {
            throw new RuleException(file, metric, key, "must hold at least one value");
        }
        return out;
    }

    /** Reads {@code labels:}: a list of fields ({@code [labels.plan]}) or a mapping of names to fields ({@code {plan: labels.plan}}). */
    private static void labels(String file, String metric, ConfigNode node, List<String> names, List<EventField> fields) {
        Map<String, String> byName = new LinkedHashMap<>();
        if (node.isMapping("labels")) {
            SloFields.textMap(file, metric, node, "labels").forEach((k, v) -> byName.put(k, v.trim()));
        } else {
            for (String o : node.stringList("labels", List.of())) {
                String path = o.trim();
                EventField f = field(file, metric, "labels", path);
                byName.put(f.defaultLabelName(), path);
            }
        }
        for (Map.Entry<String, String> e : byName.entrySet()) {
            EventField f = field(file, metric, "labels." + e.getKey(), e.getValue());
            if (f.path().equals("service")) {
                continue; // always kept, first
            }
            String name = e.getKey();
            if (!LABEL.matcher(name).matches() || name.startsWith("__") || RESERVED_LABELS.contains(name) || name.equals("service")) {
                throw new RuleException(file, metric, "labels." + name, "is not a label name a metric can keep (letters, digits and _;"
                        + " not service, " + String.join(", ", new TreeSet<>(RESERVED_LABELS)) + " or starting with __)");
            }
            if (names.contains(name)) {
                throw new RuleException(file, metric, "labels." + name, "is kept twice");
            }
            names.add(name);
            fields.add(f);
        }
    }
}
