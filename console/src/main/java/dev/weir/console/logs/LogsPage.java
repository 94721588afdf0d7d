package dev.weir.console.logs;

import dev.weir.console.upstream.UpstreamException;
import dev.weir.console.web.Page;
import dev.weir.console.web.Templates;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /logs}: search the log data streams by query string, service, level and time range,
 * 50 lines a page; {@code ?event=ID} and {@code ?trace=ID} find an exemplar's line or a trace's lines.
 * {@code GET /logs/event?index=&id=}: one line with every field, and the service's lines around it.
 */
public final class LogsPage {
    private final LogStore logs;
    private final Templates templates;
    private final Clock clock;

    /**
     * @param logs      Elasticsearch
     * @param templates the templates
     * @param clock     the clock
     */
    public LogsPage(LogStore logs, Templates templates, Clock clock) {
        this.logs = Objects.requireNonNull(logs, "logs");
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Registers the routes. */
    public void register(Javalin app) {
        app.get("/logs", this::search);
        app.get("/logs/event", this::event);
    }

    /** A search and its page of results. */
    public record Results(LogQuery query, LogStore.Page page, String error) {
        /** @return the link to another page of the same search */
        public String pageLink(int p) {
            LogQuery q = query;
            return dev.weir.console.web.Links.to("/logs", "q", q.text(), "service", q.service(), "level", q.level(), "range", q.range(),
                    "from", "custom".equals(q.range()) ? q.from().toString() : null,
                    "to", "custom".equals(q.range()) ? q.to().toString() : null,
                    "event", q.eventId(), "trace", q.traceId(), "page", Integer.toString(p));
        }

        /** @return whether there is a page after this one */
        public boolean hasNext() {
            return page != null && (long) (query.page() + 1) * LogQuery.PAGE_SIZE < page.total() && query.page() < LogQuery.MAX_PAGE;
        }
    }

    private void search(Context ctx) {
        LogQuery q = LogQuery.of(ctx::queryParam, clock.instant());
        List<String> problems = new ArrayList<>();
        LogStore.Page page = null;
        String error = null;
        try {
            page = logs.search(q);
        } catch (UpstreamException e) {
            if (e.status() == 400) {
                error = "Elasticsearch did not accept the query \"" + q.text() + "\"; check its syntax (e.g. message:\"connection reset\" AND NOT level:debug). "
                        + e.getMessage();
            } else {
                problems.add(e.getMessage());
            }
        }
        Page p = new Page("Logs", "logs", null, 0, problems, clock.instant().toString());
        templates.render(ctx, "logs/page.jte", Map.of("page", p, "r", new Results(q, page, error)));
    }

    private void event(Context ctx) {
        List<String> problems = new ArrayList<>();
        LogLine line = null;
        List<LogLine> around = List.of();
        try {
            line = logs.event(ctx.queryParam("index"), ctx.queryParam("id"));
            if (line != null) {
                around = logs.around(line, 10);
            }
        } catch (UpstreamException e) {
            problems.add(e.getMessage());
        }
        if (line == null && problems.isEmpty()) {
            ctx.status(404);
        }
        Page p = new Page("Log line", "logs", null, 0, problems, clock.instant().toString());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("page", p);
        params.put("line", line);
        params.put("around", around);
        templates.render(ctx, "logs/event.jte", params);
    }
}
