package dev.weir.processor.rules;

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
     * @param file the file's name, for messages
     * @param list the value of its {@code metrics:} key, or null
     * @return the metrics, in file order
     * @throws RuleException at the first problem
     */
    static List<LogMetric> parseAll(String file, Object list) {
        return SloFields.parseList(file, list, "metrics", "metric", LogMetricFields::parse, LogMetric::name);
    }

    private static LogMetric parse(String file, int index, Map<String, Object> map) {
        Object n = map.get("name");
        String label = n == null ? "metric #" + index : n.toString();
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
        for (String k : map.keySet()) {
            if (!FIELDS.contains(k)) {
                throw new RuleException(file, label, k, "unknown field; known fields: " + String.join(", ", FIELDS));
            }
        }
        String kindText = SloFields.text(file, label, map, "kind", "count").toLowerCase(Locale.ROOT);
        LogMetric.Kind kind = null;
        for (LogMetric.Kind k : LogMetric.Kind.values()) {
            if (k.yamlName().equals(kindText)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new RuleException(file, label, "kind", "must be count, sum, distribution or distinct (got \"" + kindText + "\")");
        }
        String fieldText = SloFields.text(file, label, map, "field", null);
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
        LogMetric.Selector select = selector(file, label, map.get("select"));
        List<String> names = new ArrayList<>(List.of("service"));
        List<EventField> fields = new ArrayList<>(List.of(EventField.of("service")));
        labels(file, label, map.get("labels"), names, fields);
        int maxSeries = DEFAULT_MAX_SERIES;
        Object ms = map.get("max_series");
        if (ms != null) {
            try {
                maxSeries = Integer.parseInt(ms.toString().trim());
            } catch (NumberFormatException e) {
                maxSeries = -1;
            }
            if (maxSeries < 1 || maxSeries > 100_000) {
                throw new RuleException(file, label, "max_series", "must be a whole number from 1 to 100000 (got \"" + ms + "\")");
            }
        }
        String help = SloFields.text(file, label, map, "help", "Log metric " + label + " (" + kindText + (field == null ? "" : " of " + field) + ")");
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

    private static LogMetric.Selector selector(String file, String metric, Object raw) {
        if (raw == null) {
            return LogMetric.Selector.ANY;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new RuleException(file, metric, "select", "must be a mapping such as {event.action: user-signup}");
        }
        Set<String> services = Set.of();
        Set<String> actions = Set.of();
        Set<String> categories = Set.of();
        Set<String> outcomes = Set.of();
        Set<LogLevel> levels = Set.of();
        Map<String, String> labels = Map.of();
        Pattern message = null;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String k = String.valueOf(e.getKey());
            String key = "select." + k;
            switch (k) {
                case "service" -> services = values(file, metric, key, e.getValue());
                case "event.action" -> actions = values(file, metric, key, e.getValue());
                case "event.category" -> categories = lower(values(file, metric, key, e.getValue()));
                case "event.outcome" -> outcomes = lower(values(file, metric, key, e.getValue()));
                case "level", "log.level" -> {
                    Set<LogLevel> l = new LinkedHashSet<>();
                    for (String v : values(file, metric, key, e.getValue())) {
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
                    if (!(e.getValue() instanceof Map<?, ?> lm) || lm.isEmpty()) {
                        throw new RuleException(file, metric, key, "must be a mapping of label names to values, e.g. {plan: pro}");
                    }
                    Map<String, String> m = new LinkedHashMap<>();
                    lm.forEach((a, b) -> m.put(String.valueOf(a), String.valueOf(b)));
                    labels = m;
                }
                case "message" -> {
                    String p = String.valueOf(e.getValue());
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

    private static Set<String> values(String file, String metric, String key, Object v) {
        List<?> list = v instanceof List<?> l ? l : java.util.Collections.singletonList(v);
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list) {
            if (o == null || o instanceof Map || o instanceof List || o.toString().isBlank()) {
                throw new RuleException(file, metric, key, "must be a value or a list of values");
            }
            out.add(o.toString().trim());
        }
        if (out.isEmpty()) {
            throw new RuleException(file, metric, key, "must hold at least one value");
        }
        return out;
    }

    /** Reads {@code labels:}: a list of fields ({@code [labels.plan]}) or a mapping of names to fields ({@code {plan: labels.plan}}). */
    private static void labels(String file, String metric, Object raw, List<String> names, List<EventField> fields) {
        if (raw == null) {
            return;
        }
        Map<String, String> byName = new LinkedHashMap<>();
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                String path = String.valueOf(o).trim();
                EventField f = field(file, metric, "labels", path);
                byName.put(f.defaultLabelName(), path);
            }
        } else if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> byName.put(String.valueOf(k), String.valueOf(v).trim()));
        } else {
            throw new RuleException(file, metric, "labels", "must be a list of fields such as [labels.plan] or a mapping such as {plan: labels.plan}");
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
