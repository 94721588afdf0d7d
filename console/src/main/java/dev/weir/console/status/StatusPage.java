package dev.weir.console.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.console.upstream.TokenRequiredException;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.upstream.UpstreamException;
import dev.weir.console.web.Templates;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /status}: the public status page. Each probe target and each service with a public SLO as
 * operational, degraded or down, a 90-day uptime bar each, and the current incidents (firing alerts of
 * rules marked public), from the processor's {@code GET /api/v1/status}. Needs no token and shows no
 * internal detail: no log line, no URL, no address, and when the processor cannot be read, a sentence
 * without its address (the console's log has the cause).
 */
public final class StatusPage {
    private static final Logger log = LoggerFactory.getLogger(StatusPage.class);

    private final Upstream processor;
    private final Templates templates;
    private final Clock clock;
    private final long refreshSeconds;

    /**
     * @param processor      the processor's API
     * @param templates      the templates
     * @param clock          the clock
     * @param refreshSeconds how often the page refreshes its content
     */
    public StatusPage(Upstream processor, Templates templates, Clock clock, long refreshSeconds) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshSeconds = refreshSeconds;
    }

    /** Registers the route. */
    public void register(Javalin app) {
        app.get("/status", this::show);
    }

    /**
     * One day of a bar.
     *
     * @param day   UTC day
     * @param ratio share of good events, or null without any
     */
    public record Day(String day, Double ratio) {
        /** @return the bar's colour class */
        public String css() {
            if (ratio == null) {
                return "none";
            }
            return ratio >= 0.999 ? "ok" : ratio >= 0.99 ? "warn" : "bad";
        }

        /** @return the tooltip */
        public String title() {
            return day + ": " + (ratio == null ? "no data" : percent(ratio));
        }
    }

    /**
     * One target.
     *
     * @param name   probe or service name
     * @param kind   probe or service
     * @param state  operational, degraded or down
     * @param uptime share of good events over the bar, or null
     * @param days   the bar, oldest first
     */
    public record Target(String name, String kind, String state, Double uptime, List<Day> days) {
        /** @return the uptime as text */
        public String uptimeText() {
            return uptime == null ? "no data" : percent(uptime) + " uptime";
        }

        /** @return the state as people read it */
        public String stateText() {
            return switch (state) {
                case "operational" -> "Operational";
                case "degraded" -> "Degraded";
                case "down" -> "Down";
                default -> state;
            };
        }
    }

    /**
     * @param title    what is wrong
     * @param target   the probe or service
     * @param severity its severity
     * @param since    since when, UTC
     */
    public record Incident(String title, String target, String severity, String since) {
    }

    /**
     * @param overall   the worst state, or null when the status could not be read
     * @param targets   the targets
     * @param incidents the incidents
     * @param problem   a sentence when the status could not be read, else null
     * @param asOf      when it was read
     * @param refreshSeconds how often the page refreshes
     */
    public record Model(String overall, List<Target> targets, List<Incident> incidents, String problem, String asOf,
                        long refreshSeconds) {
        /** @return the overall state as a sentence */
        public String headline() {
            if (overall == null) {
                return "Status unavailable";
            }
            return switch (overall) {
                case "operational" -> "All systems operational";
                case "degraded" -> "Some systems degraded";
                default -> "Some systems down";
            };
        }
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.2f %%", ratio * 100);
    }

    private void show(Context ctx) {
        Model model;
        String asOf = clock.instant().toString().substring(0, 19).replace('T', ' ') + " UTC";
        try {
            JsonNode s = processor.get("/api/v1/status", null); // public: never the visitor's token
            List<Target> targets = new ArrayList<>();
            for (JsonNode t : s.path("targets")) {
                List<Day> days = new ArrayList<>();
                t.path("days").forEach(d -> days.add(new Day(d.path("day").asText(), d.path("ratio").isNumber() ? d.path("ratio").asDouble() : null)));
                targets.add(new Target(t.path("name").asText(), t.path("kind").asText(), t.path("state").asText(),
                        t.path("uptime").isNumber() ? t.path("uptime").asDouble() : null, days));
            }
            List<Incident> incidents = new ArrayList<>();
            for (JsonNode i : s.path("incidents")) {
                String since = i.path("since").asText();
                incidents.add(new Incident(i.path("title").asText(), i.path("target").asText(), i.path("severity").asText(),
                        since.length() >= 19 ? since.substring(0, 19).replace('T', ' ') + " UTC" : since));
            }
            model = new Model(s.path("overall").asText("operational"), targets, incidents, null, asOf, refreshSeconds);
        } catch (TokenRequiredException | UpstreamException e) {
            log.warn("The status page cannot read the processor's status: {}", e.getMessage());
            model = new Model(null, List.of(), List.of(), "The status cannot be read right now; try again in a minute.", asOf,
                    refreshSeconds);
        }
        ctx.header("Cache-Control", "no-store");
        templates.render(ctx, Templates.live(ctx) ? "status/live.jte" : "status/page.jte", Map.of("m", model));
    }
}
