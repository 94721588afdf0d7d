package dev.weir.console.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.console.alerts.AlertItem;
import dev.weir.console.logs.LogLine;
import dev.weir.console.logs.LogStore;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.upstream.UpstreamException;
import dev.weir.console.web.Links;
import dev.weir.console.web.Page;
import dev.weir.console.web.Sparkline;
import dev.weir.console.web.Templates;
import dev.weir.console.web.Tokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /services}: every service with rate, error ratio and p50/p95/p99 over 1m/5m/1h, a
 * sparkline of the last hour and its health colour, sortable ({@code ?sort=name|health|rate|errors|p95&dir=asc|desc});
 * {@code GET /services/{service}}: its views, per-minute charts, routes, latency distribution,
 * firing alerts, recent error logs and top error fingerprints. Both refresh their live part with htmx.
 */
public final class ServicesPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Upstream processor;
    private final Upstream emitter;
    private final LogStore logs;
    private final Templates templates;
    private final Clock clock;
    private final long refreshSeconds;

    /**
     * @param processor      the processor's query API
     * @param emitter        the emitter's API
     * @param logs           Elasticsearch
     * @param templates      the templates
     * @param clock          the clock
     * @param refreshSeconds how often the live parts refresh
     */
    public ServicesPage(Upstream processor, Upstream emitter, LogStore logs, Templates templates, Clock clock, long refreshSeconds) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshSeconds = refreshSeconds;
    }

    /** Registers the routes. */
    public void register(Javalin app) {
        app.get("/services", this::list);
        app.get("/services/{service}", this::one);
    }

    /** The Services table, sorted as asked. */
    public record Table(List<ServiceRow> rows, String sort, String dir, int critical, int warning) {
        /** @return the link that sorts by {@code key}, flipping the direction when already sorted by it */
        public String sortLink(String key) {
            String d = key.equals(sort) && "desc".equals(dir) ? "asc" : key.equals(sort) ? "desc" : "name".equals(key) ? "asc" : "desc";
            return Links.to("/services", "sort", key, "dir", d);
        }

        /** @return the arrow shown beside the sorted column's title */
        public String arrow(String key) {
            return key.equals(sort) ? ("asc".equals(dir) ? " ▲" : " ▼") : "";
        }
    }

    private void list(Context ctx) {
        String token = Tokens.of(ctx);
        List<String> problems = new ArrayList<>();
        FiringAlerts firing = FiringAlerts.NONE;
        try {
            firing = FiringAlerts.of(emitter.get("/api/v2/alerts", token));
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        List<ServiceRow> rows = new ArrayList<>();
        try {
            JsonNode overview = processor.get("/api/v1/overview", token);
            for (JsonNode s : overview.path("services")) {
                rows.add(row(s, firing));
            }
            overview.path("unreachable").forEach(h -> problems.add("Processor instance " + h.asText()
                    + " did not answer; its services are missing below."));
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        String sort = ctx.queryParamAsClass("sort", String.class).getOrDefault("health");
        String dir = "asc".equals(ctx.queryParam("dir")) ? "asc" : "desc";
        rows.sort(order(sort, dir));
        int critical = (int) rows.stream().filter(r -> r.health() == Health.CRITICAL).count();
        int warning = (int) rows.stream().filter(r -> r.health() == Health.WARNING).count();
        Table table = new Table(rows, sort, dir, critical, warning);
        Page page = new Page("Services", "services", Links.to("/services", "sort", sort, "dir", dir), refreshSeconds, problems,
                clock.instant().toString());
        templates.render(ctx, Templates.live(ctx) ? "services/table.jte" : "services/page.jte", Map.of("page", page, "table", table));
    }

    private static ServiceRow row(JsonNode s, FiringAlerts firing) {
        String name = s.path("service").asText();
        Map<String, View> views = new java.util.HashMap<>();
        s.path("windows").forEach(w -> views.put(w.path("window").asText(), View.of(w)));
        List<Double> rate = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (JsonNode p : s.path("series")) {
            rate.add(p.path("requests").asDouble());
            errors.add(p.path("errorRatio").asDouble());
        }
        View m5 = views.getOrDefault("5m", View.empty("5m"));
        int count = firing.count().getOrDefault(name, 0);
        return new ServiceRow(name, Health.of(m5, count, firing.critical().getOrDefault(name, false)),
                views.getOrDefault("1m", View.empty("1m")), m5, views.getOrDefault("1h", View.empty("1h")),
                Sparkline.of(rate, errors), count);
    }

    private static Comparator<ServiceRow> order(String sort, String dir) {
        Comparator<ServiceRow> byName = Comparator.comparing(ServiceRow::name);
        Comparator<ServiceRow> c = switch (sort) {
            case "rate" -> Comparator.comparingDouble((ServiceRow r) -> r.m5().rate());
            case "errors" -> Comparator.comparingDouble((ServiceRow r) -> r.m5().errorRatio());
            case "p95" -> Comparator.comparingDouble((ServiceRow r) -> r.m5().p95() == null ? -1 : r.m5().p95());
            case "health" -> Comparator.comparingInt((ServiceRow r) -> -r.health().ordinal());
            default -> byName;
        };
        if ("desc".equals(dir)) {
            c = c.reversed();
        }
        return c.thenComparing(byName);
    }

    /** A route of the service page. */
    public record RouteRow(String route, View m5, View h1) {
    }

    /** A bar of the latency distribution: the bucket's upper bound, its count and its share of the widest bar. */
    public record Bar(String label, long count, double width) {
    }

    /** Everything the service page shows. */
    public record Detail(String name, Health health, List<View> views, List<RouteRow> routes, String chart,
                         List<Bar> distribution, List<AlertItem> alerts, List<LogLine> errors,
                         List<LogStore.Fingerprint> fingerprints, boolean found) {
    }

    private void one(Context ctx) {
        String token = Tokens.of(ctx);
        String name = ctx.pathParam("service");
        List<String> problems = new ArrayList<>();
        List<View> views = new ArrayList<>();
        List<RouteRow> routes = new ArrayList<>();
        boolean found = true;
        try {
            JsonNode stats = processor.get("/api/v1/services/" + Links.encode(name), token);
            stats.path("windows").forEach(w -> views.add(View.of(w)));
            stats.path("routes").fields().forEachRemaining(e -> {
                View m5 = View.empty("5m");
                View h1 = View.empty("1h");
                for (JsonNode w : e.getValue()) {
                    View v = View.of(w);
                    if ("5m".equals(v.window())) {
                        m5 = v;
                    } else if ("1h".equals(v.window())) {
                        h1 = v;
                    }
                }
                routes.add(new RouteRow(e.getKey(), m5, h1));
            });
        } catch (UpstreamException e) {
            if (e.status() == 404) {
                found = false;
            } else {
                problems.add(e.getMessage());
            }
        }
        String chart = "";
        List<Bar> distribution = new ArrayList<>();
        if (found) {
            try {
                JsonNode series = processor.get("/api/v1/services/" + Links.encode(name) + "/series", token);
                chart = chart(series);
                distribution = bars(series.path("distribution"));
            } catch (UpstreamException e) {
                problems.add(e.getMessage());
            }
        }
        List<AlertItem> alerts = new ArrayList<>();
        try {
            for (JsonNode a : emitter.get("/api/v2/alerts", token)) {
                if (name.equals(a.path("labels").path("service").asText(null))) {
                    alerts.add(AlertItem.of(a));
                }
            }
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        Instant since = clock.instant().minus(LogStore.serviceView());
        List<LogLine> errors = List.of();
        List<LogStore.Fingerprint> fingerprints = List.of();
        try {
            errors = logs.recentErrors(name, since, 10);
            fingerprints = logs.fingerprints(name, since, 10);
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        View m5 = views.stream().filter(v -> "5m".equals(v.window())).findFirst().orElse(View.empty("5m"));
        boolean critical = alerts.stream().anyMatch(a -> a.firing() && "critical".equals(a.severity()));
        int firingCount = (int) alerts.stream().filter(AlertItem::firing).count();
        Detail detail = new Detail(name, Health.of(m5, firingCount, critical), views, routes, chart, distribution, alerts, errors,
                fingerprints, found);
        Page page = new Page(name, "services", Links.service(name), refreshSeconds, problems, clock.instant().toString());
        templates.render(ctx, Templates.live(ctx) ? "services/detail.jte" : "services/one.jte", Map.of("page", page, "d", detail));
    }

    /** @return the per-minute series as the JSON the page's uPlot charts read (epoch seconds; rate per second) */
    private static String chart(JsonNode series) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode t = out.putArray("t");
        ArrayNode rate = out.putArray("rate");
        ArrayNode err = out.putArray("err");
        ArrayNode p50 = out.putArray("p50");
        ArrayNode p95 = out.putArray("p95");
        ArrayNode p99 = out.putArray("p99");
        long seconds = Math.max(1, series.path("windowSeconds").asLong(60));
        for (JsonNode p : series.path("points")) {
            t.add(Instant.parse(p.path("start").asText()).getEpochSecond());
            rate.add(p.path("requests").asDouble() / seconds);
            err.add(p.path("errorRatio").asDouble() * 100);
            p50.add(p.path("p50"));
            p95.add(p.path("p95"));
            p99.add(p.path("p99"));
        }
        return out.toString();
    }

    private static List<Bar> bars(JsonNode distribution) {
        long max = 1;
        for (JsonNode b : distribution) {
            max = Math.max(max, b.path("count").asLong());
        }
        List<Bar> out = new ArrayList<>();
        double previous = 0;
        for (JsonNode b : distribution) {
            double le = b.path("leMs").asDouble();
            String label = Double.isInfinite(le) || le > 1e12 ? "> " + dev.weir.console.web.Format.millis(previous)
                    : "≤ " + dev.weir.console.web.Format.millis(le);
            out.add(new Bar(label, b.path("count").asLong(), 100.0 * b.path("count").asLong() / max));
            previous = le;
        }
        return out;
    }
}
