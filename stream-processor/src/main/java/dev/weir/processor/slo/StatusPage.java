package dev.weir.processor.slo;

import dev.weir.processor.rules.Slo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The public status: every probe target (operational when its latest run succeeded, degraded after
 * one or two failed runs in a row, down after {@value #DOWN_AFTER}) and every service with a public SLO
 * (down while one of its SLOs burns at a page rate, degraded at a ticket rate or with its budget spent) as operational,
 * degraded or down, a 90-day uptime bar each, and the incidents (firing alerts of public rules).
 * Built only from names, states, ratios and alert summaries with addresses masked: no log line,
 * no URL, no IP.
 */
public final class StatusPage {
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(\\.\\d{1,3}){3}\\b");
    /** Three or more colons between hex groups, or a {@code ::}; a time such as 05:47:18 has two and stays. */
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}(?![\\w:])|(?<![\\w:])[0-9A-Fa-f:]*::[0-9A-Fa-f:]*(?![\\w:])");
    private static final Pattern URL = Pattern.compile("\\bhttps?://\\S+");

    /** Consecutive failed runs after which a probe target shows as down (before: degraded). */
    public static final int DOWN_AFTER = 3;

    private StatusPage() {
    }

    /**
     * What one instance knows; instances' parts are merged before the status is built.
     *
     * @param slos      SLOs with their daily counts
     * @param probes    probes with their daily counts
     * @param incidents firing alerts of public rules
     */
    public record Parts(List<SloPart> slos, List<ProbePart> probes, List<Incident> incidents) {
    }

    /** An SLO now and its days. */
    public record SloPart(SloQueries.SloView view, List<SloQueries.DayCount> days) {
    }

    /** A probe now and its days. */
    public record ProbePart(SloQueries.ProbeView view, List<SloQueries.DayCount> days) {
    }

    /**
     * @param id       the alert's fingerprint
     * @param title    its summary, addresses masked
     * @param target   the probe or service it is about
     * @param severity its severity
     * @param since    when it started firing
     */
    public record Incident(String id, String title, String target, String severity, String since) {
    }

    /**
     * @param day   UTC day
     * @param ratio share of good events, null without events
     */
    public record Day(String day, Double ratio) {
    }

    /**
     * @param name     probe or service name
     * @param kind     {@code probe} or {@code service}
     * @param state    {@code operational}, {@code degraded} or {@code down}
     * @param uptime   share of good events over the bar's days, null without events
     * @param days     the last 90 UTC days, oldest first
     */
    public record Target(String name, String kind, String state, Double uptime, List<Day> days) {
    }

    /**
     * @param asOf      when it was computed
     * @param overall   the worst state of all targets ({@code operational} without targets)
     * @param targets   probes first, then services, by name
     * @param incidents newest first
     */
    public record Status(String asOf, String overall, List<Target> targets, List<Incident> incidents) {
    }

    /**
     * @param summary an alert's summary
     * @return it with URLs and IP addresses replaced by {@code …}
     */
    public static String mask(String summary) {
        String s = URL.matcher(summary == null ? "" : summary).replaceAll("…");
        s = IPV4.matcher(s).replaceAll("…");
        return IPV6.matcher(s).replaceAll("…");
    }

    /**
     * @param parts the merged parts
     * @param asOf  when
     * @return the public status
     */
    public static Status build(Parts parts, String asOf) {
        List<Target> targets = new ArrayList<>();
        for (ProbePart p : parts.probes().stream().sorted(Comparator.comparing(p -> p.view().name())).toList()) {
            SloQueries.ProbeView v = p.view();
            // one failed run may be a blip: degraded; three in a row: down
            String state = v.up() ? "operational" : v.failures() < DOWN_AFTER ? "degraded" : "down";
            targets.add(target(v.name(), "probe", state, List.of(p.days())));
        }
        Map<String, List<SloPart>> byService = new TreeMap<>();
        for (SloPart s : parts.slos()) {
            if (s.view().isPublic() && s.view().service() != null && s.view().probe() == null) {
                byService.computeIfAbsent(s.view().service(), k -> new ArrayList<>()).add(s);
            }
        }
        byService.forEach((service, slos) -> {
            String state = "operational";
            List<List<SloQueries.DayCount>> days = new ArrayList<>();
            for (SloPart s : slos) {
                SloQueries.SloView v = s.view();
                if (SloQueries.burning(v, Slo.PAGE, v.objective())) {
                    state = "down";
                } else if (!state.equals("down") && (SloQueries.burning(v, Slo.TICKET, v.objective()) || v.errorBudgetRemaining() <= 0)) {
                    state = "degraded";
                }
                days.add(s.days());
            }
            targets.add(target(service, "service", state, days));
        });
        String overall = targets.stream().map(Target::state).reduce("operational", StatusPage::worse);
        List<Incident> incidents = parts.incidents().stream().sorted(Comparator.comparing(Incident::since).reversed()).toList();
        return new Status(asOf, overall, targets, incidents);
    }

    private static String worse(String a, String b) {
        List<String> order = List.of("operational", "degraded", "down");
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }

    /** A target whose bar shows, per day, the lowest ratio among its series. */
    private static Target target(String name, String kind, String state, List<List<SloQueries.DayCount>> series) {
        Map<String, Double> worst = new LinkedHashMap<>();
        long good = 0;
        long total = 0;
        for (List<SloQueries.DayCount> days : series) {
            for (SloQueries.DayCount d : days) {
                Double r = d.total() == 0 ? null : (double) d.good() / d.total();
                worst.merge(d.day(), r == null ? Double.NaN : r, (x, y) -> x.isNaN() ? y : y.isNaN() ? x : Math.min(x, y));
                good += d.good();
                total += d.total();
            }
        }
        List<Day> days = new ArrayList<>();
        worst.forEach((day, r) -> days.add(new Day(day, r.isNaN() ? null : r)));
        return new Target(name, kind, state, total == 0 ? null : (double) good / total, days);
    }
}
