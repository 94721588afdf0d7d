package dev.weir.console.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.upstream.UpstreamException;
import dev.weir.console.web.Links;
import dev.weir.console.web.Page;
import dev.weir.console.web.Templates;
import dev.weir.console.web.Tokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /alerts}: firing alerts grouped as the emitter groups them (route and {@code group_by}),
 * recently resolved ones, and the silences; {@code POST /alerts/silences} creates a silence,
 * {@code POST /alerts/silences/{id}/expire} expires one, {@code POST /alerts/{fingerprint}/ack}
 * acknowledges an alert. Every write goes to the emitter with the user's token.
 */
public final class AlertsPage {
    private final Upstream emitter;
    private final Templates templates;
    private final Clock clock;
    private final long refreshSeconds;

    /**
     * @param emitter        the emitter's API
     * @param templates      the templates
     * @param clock          the clock
     * @param refreshSeconds how often the live part refreshes
     */
    public AlertsPage(Upstream emitter, Templates templates, Clock clock, long refreshSeconds) {
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshSeconds = refreshSeconds;
    }

    /** Registers the routes. */
    public void register(Javalin app) {
        app.get("/alerts", ctx -> show(ctx, done(ctx.queryParam("done")), null));
        app.post("/alerts/silences", this::createSilence);
        app.post("/alerts/silences/{id}/expire", this::expireSilence);
        app.post("/alerts/{fingerprint}/ack", this::acknowledge);
    }

    /** An aggregation group: its labels, its receiver and its alerts. */
    public record Group(Map<String, String> labels, String receiver, List<AlertItem> alerts) {
    }

    /**
     * What the page shows.
     *
     * @param groups   firing alerts by group
     * @param resolved recently resolved alerts
     * @param silences every silence, newest first
     * @param firing   firing alerts in all
     * @param form     the new-silence form's values
     * @param message  the outcome of the last action (silence created, ...), or null
     * @param error    why the last action failed, or null
     */
    public record Model(List<Group> groups, List<AlertItem> resolved, List<SilenceItem> silences, int firing,
                        Map<String, String> form, String message, String error) {
    }

    private void show(Context ctx, String message, String error) {
        String token = Tokens.of(ctx);
        List<String> problems = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        List<AlertItem> resolved = new ArrayList<>();
        List<SilenceItem> silences = new ArrayList<>();
        int firing = 0;
        try {
            for (JsonNode g : emitter.get("/api/v2/alerts/groups", token)) {
                List<AlertItem> alerts = new ArrayList<>();
                g.path("alerts").forEach(a -> alerts.add(AlertItem.of(a)));
                alerts.removeIf(a -> !a.firing());
                if (!alerts.isEmpty()) {
                    groups.add(new Group(AlertItem.strings(g.path("labels")), g.path("receiver").path("name").asText(), alerts));
                    firing += alerts.size();
                }
            }
            int n = 0;
            for (JsonNode a : emitter.get("/api/v1/alerts/resolved", token)) {
                if (n++ >= 50) {
                    break;
                }
                resolved.add(AlertItem.of(a));
            }
            emitter.get("/api/v2/silences", token).forEach(s -> silences.add(SilenceItem.of(s)));
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        Map<String, String> form = new HashMap<>();
        form.put("matchers", value(ctx.formParam("matchers"), value(ctx.queryParam("silence"), "")));
        form.put("duration", value(ctx.formParam("duration"), "2h"));
        form.put("comment", value(ctx.formParam("comment"), ""));
        form.put("createdBy", value(ctx.formParam("createdBy"), ""));
        Model model = new Model(groups, resolved, silences, firing, form, message, error);
        Page page = new Page("Alerts", "alerts", "/alerts", refreshSeconds, problems, clock.instant().toString());
        if (error != null) {
            ctx.status(400);
        }
        templates.render(ctx, Templates.live(ctx) ? "alerts/live.jte" : "alerts/page.jte", Map.of("page", page, "m", model));
    }

    private static final java.util.regex.Pattern DONE =
            java.util.regex.Pattern.compile("(Silence|Alert) [A-Za-z0-9-]{1,64} (created|expired|acknowledged)\\.");

    /** @return the outcome message after a redirect, only when it is one this page writes */
    private static String done(String message) {
        return message != null && DONE.matcher(message).matches() ? message : null;
    }

    private static String value(String v, String fallback) {
        return v == null ? fallback : v;
    }

    private void createSilence(Context ctx) {
        String body;
        try {
            body = SilenceForm.body(ctx.formParam("matchers"), ctx.formParam("duration"), ctx.formParam("comment"),
                    ctx.formParam("createdBy"), clock.instant());
        } catch (IllegalArgumentException e) {
            show(ctx, null, e.getMessage());
            return;
        }
        try {
            String id = emitter.send("POST", "/api/v2/silences", body, Tokens.of(ctx)).path("silenceID").asText();
            ctx.redirect(Links.to("/alerts", "done", "Silence " + id + " created."));
        } catch (UpstreamException e) {
            show(ctx, null, e.getMessage());
        }
    }

    private void expireSilence(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            emitter.send("DELETE", "/api/v2/silence/" + Links.encode(id), null, Tokens.of(ctx));
            ctx.redirect(Links.to("/alerts", "done", "Silence " + id + " expired."));
        } catch (UpstreamException e) {
            show(ctx, null, e.getMessage());
        }
    }

    private void acknowledge(Context ctx) {
        String fp = ctx.pathParam("fingerprint");
        try {
            emitter.send("POST", "/api/v1/alerts/" + Links.encode(fp) + "/ack", null, Tokens.of(ctx));
            ctx.redirect(Links.to("/alerts", "done", "Alert " + fp + " acknowledged."));
        } catch (UpstreamException e) {
            show(ctx, null, e.getMessage());
        }
    }
}
