package dev.weir.processor.rules;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A metric made from events, as declared under {@code metrics:} in a rule file (or built in): which log events
 * count ({@link Selector}), what is measured of them ({@link Kind}, {@code field}) and which labels each series
 * keeps. The processor turns it into a Prometheus metric, a query API series and the rule signal {@code metric}.
 * Immutable.
 *
 * @param name        unique name, a Prometheus metric name (e.g. {@code signups}: {@code signups_total})
 * @param file        the file it came from ({@code (built-in)} for Weir's own)
 * @param kind        what is measured
 * @param field       the measured field (sum and distribution: a number; distinct: any value); null for count
 * @param select      which events count
 * @param labelNames  the labels each series keeps, {@code service} first
 * @param labelFields the field each label is read from, in the order of {@code labelNames}
 * @param maxSeries   series kept per processor task; events of further ones go to one overflow series
 * @param help        the metric's help text
 * @param requests    true when it reads request events (the built-in size distributions), false for log events
 * @param version     a hash of what decides what is counted and how; a series kept under another version starts over
 */
public record LogMetric(String name, String file, Kind kind, EventField field, Selector select, List<String> labelNames,
                        List<EventField> labelFields, int maxSeries, String help, boolean requests, long version) {
    /** Label value of every label of the overflow series. */
    public static final String OVERFLOW = "__overflow__";

    /** What a metric measures of the events it selects. */
    public enum Kind {
        /** How many events: a counter. */
        COUNT,
        /** The sum of a numeric field: a counter. */
        SUM,
        /** The distribution of a numeric field, as a DDSketch (1 % relative accuracy): quantile gauges. */
        DISTRIBUTION,
        /** How many distinct values of a field, as an HLL sketch (about 1.6 % standard error): gauges. */
        DISTINCT;

        /** @return the name in rule files */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public LogMetric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(select, "select");
        labelNames = List.copyOf(labelNames);
        labelFields = List.copyOf(labelFields);
        if (labelNames.size() != labelFields.size() || labelNames.isEmpty() || !labelNames.get(0).equals("service")) {
            throw new IllegalArgumentException("labelNames and labelFields must match, service first");
        }
        if ((field == null) != (kind == Kind.COUNT)) {
            throw new IllegalArgumentException("a " + kind.yamlName() + " metric " + (field == null ? "needs" : "takes no") + " field");
        }
        Objects.requireNonNull(help, "help");
    }

    /** @return whether the event counts (a log metric reading log events) */
    public boolean selects(LogEvent e) {
        return select.matches(e);
    }

    /**
     * Which log events a metric counts: every given condition must hold. Sets hold the accepted values; empty
     * means any. Immutable.
     *
     * @param services   service names
     * @param actions    {@code event.action} values
     * @param categories {@code event.category} values
     * @param outcomes   {@code event.outcome} values
     * @param levels     log levels
     * @param labels     label → value the event must carry
     * @param message    a regular expression found in the message, or null
     */
    public record Selector(Set<String> services, Set<String> actions, Set<String> categories, Set<String> outcomes,
                           Set<LogLevel> levels, Map<String, String> labels, Pattern message) {
        /** Any event. */
        public static final Selector ANY = new Selector(Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Map.of(), null);

        public Selector {
            services = Set.copyOf(services);
            actions = Set.copyOf(actions);
            categories = Set.copyOf(categories);
            outcomes = Set.copyOf(outcomes);
            levels = Set.copyOf(levels);
            labels = Map.copyOf(labels);
        }

        /** @return whether {@code e} is selected; the cheap comparisons first, the message pattern last */
        public boolean matches(LogEvent e) {
            if (!actions.isEmpty() && (e.getEvent() == null || !in(actions, e.getEvent().getAction()))) {
                return false;
            }
            if (!services.isEmpty() && !in(services, e.getService())) {
                return false;
            }
            if (!categories.isEmpty() && (e.getEvent() == null || !in(categories, e.getEvent().getCategory()))) {
                return false;
            }
            if (!outcomes.isEmpty() && (e.getEvent() == null || !in(outcomes, e.getEvent().getOutcome()))) {
                return false;
            }
            if (!levels.isEmpty() && (e.getLevel() == null || !levels.contains(e.getLevel()))) {
                return false;
            }
            if (!labels.isEmpty()) {
                Map<String, String> l = e.getLabels();
                for (Map.Entry<String, String> m : labels.entrySet()) {
                    if (!m.getValue().equals(l.get(m.getKey()))) {
                        return false;
                    }
                }
            }
            return message == null || message.matcher(e.getMessage()).find();
        }

        /** Set.of(…).contains(null) throws: a missing field is simply not a value asked for. */
        private static boolean in(Set<String> values, String v) {
            return v != null && values.contains(v);
        }

        @Override
        public String toString() {
            // part of the metric's version: the pattern's text, not its identity
            return "Selector[services=" + new java.util.TreeSet<>(services) + ", actions=" + new java.util.TreeSet<>(actions)
                    + ", categories=" + new java.util.TreeSet<>(categories) + ", outcomes=" + new java.util.TreeSet<>(outcomes)
                    + ", levels=" + new java.util.TreeSet<>(levels) + ", labels=" + new java.util.TreeMap<>(labels)
                    + ", message=" + (message == null ? null : message.pattern()) + "]";
        }
    }
}
