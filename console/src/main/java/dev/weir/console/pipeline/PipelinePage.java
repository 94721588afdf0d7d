package dev.weir.console.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.console.logs.LogStore;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.upstream.UpstreamException;
import dev.weir.console.web.Page;
import dev.weir.console.web.Templates;
import dev.weir.console.web.Tokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /pipeline}: each component's readiness ({@code /health/ready}), records in and out
 * per second and consumer lag (from its {@code /metrics}), dead letters by reason with samples of
 * the original input (from the {@code weir-deadletter} data stream) and redactions per rule.
 */
public final class PipelinePage {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far back dead-letter samples are looked for. */
    static final Duration DEAD_LETTER_VIEW = Duration.ofHours(24);

    private final Upstream processor;
    private final Upstream emitter;
    private final Upstream sink;
    private final Upstream agent;
    private final LogStore logs;
    private final Templates templates;
    private final Clock clock;
    private final long refreshSeconds;
    private final Rates rates = new Rates();

    /**
     * @param processor      the processor
     * @param emitter        the emitter
     * @param sink           the sink, or null when not configured
     * @param agent          the agent, or null when not configured
     * @param logs           Elasticsearch
     * @param templates      the templates
     * @param clock          the clock
     * @param refreshSeconds how often the live part refreshes
     */
    public PipelinePage(Upstream processor, Upstream emitter, Upstream sink, Upstream agent, LogStore logs, Templates templates,
                        Clock clock, long refreshSeconds) {
        this.processor = Objects.requireNonNull(processor, "processor");
        this.emitter = Objects.requireNonNull(emitter, "emitter");
        this.sink = sink;
        this.agent = agent;
        this.logs = Objects.requireNonNull(logs, "logs");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshSeconds = refreshSeconds;
    }

    /** Registers the route. */
    public void register(Javalin app) {
        app.get("/pipeline", this::show);
    }

    /**
     * One component.
     *
     * @param name    e.g. {@code stream-processor}
     * @param url     where it was asked
     * @param ready   whether {@code /health/ready} answered 200
     * @param state   what its readiness said (or why it could not be asked)
     * @param inRate  records in per second, null until known
     * @param outRate records out per second, null until known
     * @param inLabel what "in" counts
     * @param outLabel what "out" counts
     * @param lag     consumer lag (records), null when not reported
     * @param lagUnit what the lag counts
     */
    public record Component(String name, String url, boolean ready, String state, Double inRate, Double outRate,
                            String inLabel, String outLabel, Double lag, String lagUnit) {
    }

    /** A counter by label value (dead letters by reason, redactions by rule). */
    public record Count(String key, double value) {
    }

    /** What the page shows. */
    public record Model(List<Component> components, List<Count> deadLettersByReason, List<LogStore.DeadLetters> samples,
                        List<Count> redactions) {
    }

    private void show(Context ctx) {
        String token = Tokens.of(ctx);
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        List<Component> components = new ArrayList<>();
        PromText proc = scrape(processor, token, problems);
        Double lag = proc.sum("kafka_consumer_fetch_manager_records_lag", s -> s.labels().containsKey("partition"));
        components.add(component("stream-processor", processor, proc, now, "weir_records_in_total", "raw records",
                "weir_records_out_total", "clean + dead letters",
                lag != null ? lag : proc.sum("kafka_consumer_fetch_manager_records_lag_max"), "records"));
        if (sink != null) {
            PromText s = scrape(sink, token, problems);
            Double indexed = s.sum("weir_sink_indexed_total");
            Double dead = s.sum("weir_sink_dead_lettered_total");
            Double in = indexed == null ? null : indexed + (dead == null ? 0 : dead);
            components.add(component("sink-elastic", sink, s, now, in, "records consumed", indexed, "documents indexed",
                    s.sum("weir_sink_consumer_lag"), "records"));
        }
        PromText em = scrape(emitter, token, problems);
        components.add(component("alert-emitter", emitter, em, now, "weir_emitter_alert_events_consumed_total", "alert events",
                "weir_emitter_notifications_sent_total", "notifications", null, ""));
        if (agent != null) {
            PromText a = scrape(agent, token, problems);
            components.add(component("producer-agent", agent, a, now, "weir_agent_events_read_total", "events read",
                    "weir_agent_events_sent_total", "events sent", a.sum("weir_agent_file_bytes_behind"), "bytes behind"));
        }
        components.add(elasticsearch());

        List<Count> byReason = counts(proc.sumBy("weir_deadletters_total", "reason"));
        List<Count> redactions = counts(proc.sumBy("weir_redactions_total", "rule"));
        List<LogStore.DeadLetters> samples = List.of();
        try {
            samples = logs.deadLetters(now.minus(DEAD_LETTER_VIEW), 3);
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        Model model = new Model(components, byReason, samples, redactions);
        Page page = new Page("Pipeline", "pipeline", "/pipeline", refreshSeconds, problems, now.toString());
        templates.render(ctx, Templates.live(ctx) ? "pipeline/live.jte" : "pipeline/page.jte", Map.of("page", page, "m", model));
    }

    private static List<Count> counts(Map<String, Double> byKey) {
        List<Count> out = new ArrayList<>();
        byKey.forEach((k, v) -> out.add(new Count(k, v)));
        out.sort((a, b) -> Double.compare(b.value(), a.value()) != 0 ? Double.compare(b.value(), a.value()) : a.key().compareTo(b.key()));
        return out;
    }

    private static PromText scrape(Upstream api, String token, List<String> problems) {
        try {
            return PromText.parse(api.text("/metrics", token));
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
            return PromText.EMPTY;
        }
    }

    private Component component(String name, Upstream api, PromText metrics, Instant now, String in, String inLabel, String out,
                                String outLabel, Double lag, String lagUnit) {
        return component(name, api, metrics, now, metrics.sum(in), inLabel, metrics.sum(out), outLabel, lag, lagUnit);
    }

    private Component component(String name, Upstream api, PromText metrics, Instant now, Double in, String inLabel, Double out,
                                String outLabel, Double lag, String lagUnit) {
        boolean ready = false;
        String state;
        try {
            HttpResponse<String> r = api.probe("/health/ready");
            ready = r.statusCode() == 200;
            state = readiness(r.body(), ready);
        } catch (UpstreamException e) {
            state = "not reachable";
        }
        return new Component(name, api.base().toString(), ready, state, rates.rate(name + "/in", in, now),
                rates.rate(name + "/out", out, now), inLabel, outLabel, lag, lagUnit);
    }

    private static String readiness(String body, boolean ready) {
        try {
            JsonNode n = JSON.readTree(body);
            if (!ready && n.path("errors").isArray() && !n.path("errors").isEmpty()) {
                List<String> errors = new ArrayList<>();
                n.path("errors").forEach(e -> errors.add(e.asText()));
                return String.join("; ", errors);
            }
            return n.path("status").asText(ready ? "healthy" : "unhealthy");
        } catch (IOException | RuntimeException e) {
            return ready ? "healthy" : "unhealthy";
        }
    }

    private Component elasticsearch() {
        String url = logs.url();
        try {
            String status = logs.clusterHealth();
            return new Component("elasticsearch", url, !"red".equals(status), "cluster " + status, null, null, "", "", null, "");
        } catch (UpstreamException e) {
            return new Component("elasticsearch", url, false, "not reachable", null, null, "", "", null, "");
        }
    }
}
