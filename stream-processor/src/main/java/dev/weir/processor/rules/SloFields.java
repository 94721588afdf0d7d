package dev.weir.processor.rules;

import dev.weir.common.config.ConfigNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the {@code slos:} list of a rule file into {@link Slo}s, naming the SLO and the field in
 * every problem, and derives each SLO's multi-window, multi-burn-rate alerts (the SRE workbook's:
 * 14.4x over 1h and 5m or 6x over 6h and 30m pages; 3x over 1d and 2h or 1x over 3d and 6h opens a ticket).
 */
final class SloFields {
    /** Longest rolling window: the processor keeps hourly counts of 31 days. */
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    private static final Set<String> FIELDS = new TreeSet<>(List.of("name", "service", "probe", "sli", "threshold", "objective",
            "window", "public", "min_events", "alerts"));
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private SloFields() {
    }

    static List<Slo> parseAll(String file, List<ConfigNode> items) {
        return parseList(file, items, "SLO", SloFields::parse, Slo::name);
    }

    /** Reads one item of a list in a rule file. */
    interface ItemParser<T> {
        /**
         * @param file  the file, for messages
         * @param index the item's 1-based position
         * @param node  its fields
         * @return the item
         */
        T parse(String file, int index, ConfigNode node);
    }

    /**
     * Reads a top-level list of a rule file whose items are mappings with unique names.
     *
     * @param what what an item is, e.g. {@code SLO}, for messages
     */
    static <T> List<T> parseList(String file, List<ConfigNode> items, String what, ItemParser<T> parser,
                                 java.util.function.Function<T, String> name) {
        List<T> result = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int index = 0;
        for (ConfigNode item : items) {
            index++;
            T parsed = parser.parse(file, index, item);
            if (!seen.add(name.apply(parsed))) {
                throw new RuleException(file, name.apply(parsed), "name", "the " + what + " name is used twice in this file");
            }
            result.add(parsed);
        }
        return result;
    }

    private static Slo parse(String file, int index, ConfigNode node) {
        String n = RuleException.reading(file, "SLO #" + index, node.path(), () -> text(node, "name", null));
        String label = n == null ? "SLO #" + index : n;
        if (n == null || !NAME.matcher(label).matches()) {
            throw new RuleException(file, label, "name", "is required: letters, digits, _ . - starting with a letter, e.g. name: checkout-availability");
        }
        for (String k : node.keys()) {
            if (!FIELDS.contains(k)) {
                throw new RuleException(file, label, k, "unknown field; known fields: " + String.join(", ", FIELDS));
            }
        }
        return RuleException.reading(file, label, node.path(), () -> parse(file, label, node));
    }

    private static Slo parse(String file, String label, ConfigNode node) {
        String sliText = text(node, "sli", "availability").toLowerCase(Locale.ROOT);
        Slo.Sli sli = switch (sliText) {
            case "availability" -> Slo.Sli.AVAILABILITY;
            case "latency" -> Slo.Sli.LATENCY;
            case "probe" -> Slo.Sli.PROBE;
            default -> throw new RuleException(file, label, "sli", "must be availability (requests not answered 5xx), latency"
                    + " (requests within threshold) or probe (probe runs that found the target up); got \"" + sliText + "\"");
        };
        String service = text(node, "service", null);
        String probe = text(node, "probe", null);
        if (sli == Slo.Sli.PROBE && probe == null) {
            throw new RuleException(file, label, "probe", "is required with sli: probe: the probe's name");
        }
        if (sli != Slo.Sli.PROBE && probe != null) {
            throw new RuleException(file, label, "probe", "is only for sli: probe");
        }
        if (sli != Slo.Sli.PROBE && service == null) {
            throw new RuleException(file, label, "service", "is required: the service whose requests count");
        }
        double thresholdMs = 0;
        if (sli == Slo.Sli.LATENCY) {
            String t = text(node, "threshold", null);
            Duration d = t == null ? null : RuleSet.parseDuration(t);
            if (d == null || d.isZero()) {
                throw new RuleException(file, label, "threshold", "is required with sli: latency: a duration such as 500ms");
            }
            thresholdMs = d.toNanos() / 1e6;
        } else if (node.has("threshold")) {
            throw new RuleException(file, label, "threshold", "is only for sli: latency");
        }
        double objective = objective(file, label, text(node, "objective", null));
        String windowText = text(node, "window", "30d");
        boolean calendar = windowText.equals("calendar_month");
        Duration window = calendar ? Duration.ofDays(31) : RuleSet.parseDuration(windowText);
        if (window == null || window.compareTo(Duration.ofHours(1)) < 0 || window.compareTo(MAX_WINDOW) > 0 || window.toMillis() % 3_600_000 != 0) {
            throw new RuleException(file, label, "window", "must be calendar_month or whole hours between 1h and 31d, e.g. 30d (got \""
                    + windowText + "\")");
        }
        boolean isPublic = node.bool("public", false);
        boolean alerts = node.bool("alerts", true);
        long minEvents = 1;
        String m = text(node, "min_events", null);
        if (m != null) {
            try {
                minEvents = Long.parseLong(m);
            } catch (NumberFormatException e) {
                minEvents = -1;
            }
            if (minEvents < 1) {
                throw new RuleException(file, label, "min_events", "must be a whole number of at least 1 (got \"" + m + "\")");
            }
        }
        long version = version(List.of(sli, String.valueOf(service), String.valueOf(probe), thresholdMs));
        return new Slo(label, file, service, probe, sli, thresholdMs, objective, window, calendar, isPublic, minEvents, alerts, version);
    }

    private static double objective(String file, String label, String s) {
        if (s == null) {
            throw new RuleException(file, label, "objective", "is required, e.g. objective: 99.9%");
        }
        double f;
        try {
            f = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100 : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new RuleException(file, label, "objective", "must be a percentage such as 99.9% or a fraction such as 0.999 (got \"" + s + "\")");
        }
        if (!(f > 0 && f < 1)) {
            throw new RuleException(file, label, "objective", "must be between 0 and 100% exclusive (got " + s + ")");
        }
        // 99.9% read as 0.9990000000000001 would make every budget a hair larger
        return java.math.BigDecimal.valueOf(f).round(new java.math.MathContext(12)).doubleValue();
    }

    /**
     * @return the single value of {@code field} without surrounding blanks, or {@code defaultValue} when absent
     * @throws dev.weir.common.config.ConfigException when it is a list or a mapping
     */
    static String text(ConfigNode node, String field, String defaultValue) {
        String v = node.string(field, null);
        return v == null ? defaultValue : v.trim();
    }

    /**
     * @param label the rule, SLO or metric, for messages
     * @return the mapping under {@code field}, names to single values in file order; empty when absent
     * @throws RuleException when a value is empty
     * @throws dev.weir.common.config.ConfigException when it is not a mapping or a value is a list or mapping
     */
    static Map<String, String> textMap(String file, String label, ConfigNode node, String field) {
        ConfigNode m = node.child(field);
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : m.keys()) {
            String v = m.string(k, null);
            if (v == null) {
                throw new RuleException(file, label, field + "." + k, "must be text");
            }
            out.put(k, v);
        }
        return out;
    }

    /**
     * @param slo an SLO
     * @return its page and ticket burn-rate rules, or none when its {@code alerts} is false
     */
    static List<Rule> derivedRules(Slo slo) {
        if (!slo.alerts()) {
            return List.of();
        }
        return List.of(derived(slo, "ErrorBudgetBurnFast:", "page", Slo.PAGE, "fast"),
                derived(slo, "ErrorBudgetBurnSlow:", "ticket", Slo.TICKET, "steadily"));
    }

    private static Rule derived(Slo slo, String prefix, String severity, List<BurnWindow> windows, String how) {
        Map<String, String> match = new LinkedHashMap<>();
        if (slo.service() != null) {
            match.put("service", slo.service());
        }
        if (slo.probe() != null) {
            match.put("probe", slo.probe());
        }
        String objective = java.math.BigDecimal.valueOf(slo.objective() * 100).stripTrailingZeros().toPlainString() + "%";
        Map<String, String> annotations = Map.of(
                "summary", "{{ $labels.service }}: SLO " + slo.name() + " burns its error budget " + how,
                "description", "Burn rate {{ $value | humanize }}x of the " + objective + " objective of SLO " + slo.name());
        Rule r = new Rule(prefix + slo.name(), slo.file(), Signal.BURN_RATE, List.of("service"), match, Duration.ofMinutes(5),
                Comparison.GT, windows.stream().mapToDouble(BurnWindow::factor).min().orElseThrow(), Duration.ZERO, Duration.ZERO,
                slo.minEvents(), severity, Map.of("slo", slo.name()), annotations, 0, dev.weir.schemas.LogLevel.ERROR, slo.objective(),
                slo.sli() == Slo.Sli.LATENCY, slo.thresholdMs(), windows, Duration.ofDays(7), Duration.ofDays(1), 10_000, 0,
                slo.sli() == Slo.Sli.PROBE, slo.publicSlo(), null, null);
        return r.withVersion(RuleSet.versionOf(r));
    }

    /** @return a hash of {@code parts}' text, for definitions' versions */
    static long version(List<Object> parts) {
        try {
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
