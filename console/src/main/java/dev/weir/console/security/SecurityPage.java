package dev.weir.console.security;

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
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /security?window=1h}: failed-login bursts, password spraying, success after
 * failures and users failing from many addresses (the processor's login detectors), and the top
 * sources and users by failed logins, over the chosen view: the last 5m, 15m or 1h, {@code all}
 * retained data (whenever its events happened: a log file replayed days later), or an event-time
 * span {@code from}…{@code to} (ISO-8601 instants), handed to the processor as they are.
 */
public final class SecurityPage {
    /** The views offered. */
    public static final List<String> WINDOWS = List.of("5m", "15m", "1h", "all");

    private final Upstream processor;
    private final Templates templates;
    private final Clock clock;
    private final long refreshSeconds;

    /**
     * @param processor      the processor's query API
     * @param templates      the templates
     * @param clock          the clock
     * @param refreshSeconds how often the live part refreshes
     */
    public SecurityPage(Upstream processor, Templates templates, Clock clock, long refreshSeconds) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshSeconds = refreshSeconds;
    }

    /** Registers the route. */
    public void register(Javalin app) {
        app.get("/security", this::show);
    }

    /** A source IP or user with its failed and successful logins and how many distinct users or IPs failed. */
    public record Entry(String key, long failures, long successes, int distinct) {
        static Entry of(JsonNode n) {
            return new Entry(n.path("key").asText(), n.path("failures").asLong(), n.path("successes").asLong(), n.path("distinct").asInt());
        }
    }

    /** One detection: a login window where a detector's threshold was reached. */
    public record Detection(String kind, String key, String windowStart, long failures, long successes, int distinct,
                            List<String> sampleUsers, List<String> exemplarEventIds) {
        static Detection of(JsonNode n) {
            List<String> users = new ArrayList<>();
            n.path("sampleUsers").forEach(u -> users.add(u.asText()));
            List<String> ids = new ArrayList<>();
            n.path("exemplarEventIds").forEach(u -> ids.add(u.asText()));
            return new Detection(n.path("kind").asText(), n.path("key").asText(), n.path("windowStart").asText(),
                    n.path("failures").asLong(), n.path("successes").asLong(), n.path("distinct").asInt(), users, ids);
        }

        /** @return what the detection means, for people */
        public String title() {
            return switch (kind) {
                case "BY_SOURCE" -> "Failed-login burst";
                case "SPRAYING" -> "Password spraying";
                case "SUCCESS_AFTER_FAILURES" -> "Success after failures";
                case "BY_USER_DISTINCT_IPS" -> "One user, many sources";
                default -> kind;
            };
        }
    }

    /** What the page shows over one view. */
    public record Model(String window, List<Detection> detections, List<Entry> sources, List<Entry> users, long failures) {
        /** @return the link to another view */
        public String windowLink(String w) {
            return Links.to("/security", "window", w);
        }

        /** @return the view in words: {@code last 1h}, {@code all retained data} or the span */
        public String viewText() {
            return switch (window) {
                case "all" -> "all retained data";
                case "range" -> "the chosen span";
                default -> "last " + window;
            };
        }
    }

    private void show(Context ctx) {
        String window = ctx.queryParam("window");
        if (!WINDOWS.contains(window)) {
            window = "1h";
        }
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        String view = from == null ? Links.to("", "window", window, "to", to) : Links.to("", "from", from, "to", to);
        if (from != null) {
            window = "range";
        }
        String token = Tokens.of(ctx);
        List<String> problems = new ArrayList<>();
        List<Detection> detections = new ArrayList<>();
        List<Entry> sources = new ArrayList<>();
        List<Entry> users = new ArrayList<>();
        try {
            processor.get("/api/v1/security/detections" + view, token).path("detections")
                    .forEach(d -> detections.add(Detection.of(d)));
            JsonNode logins = processor.get("/api/v1/security/logins" + view + "&limit=15", token);
            logins.path("sources").forEach(n -> sources.add(Entry.of(n)));
            logins.path("users").forEach(n -> users.add(Entry.of(n)));
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        long failures = sources.stream().mapToLong(Entry::failures).sum();
        Model model = new Model(window, detections, sources, users, failures);
        Page page = new Page("Security", "security", "/security" + view, refreshSeconds, problems,
                clock.instant().toString());
        templates.render(ctx, Templates.live(ctx) ? "security/live.jte" : "security/page.jte", Map.of("page", page, "m", model));
    }
}
