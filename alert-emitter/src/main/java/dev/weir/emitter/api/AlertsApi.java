package dev.weir.emitter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.alert.Fingerprints;
import dev.weir.emitter.group.Dispatcher;
import dev.weir.emitter.silence.Silence;
import dev.weir.emitter.silence.Silences;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Alertmanager's v2 API subset: {@code POST/GET /api/v2/alerts},
 * {@code GET /api/v2/alerts/groups}, {@code GET/POST /api/v2/silences},
 * {@code GET/DELETE /api/v2/silence/{id}} (also under {@code /api/v2/silences/{id}}), and Weir's
 * {@code POST /api/v1/alerts/{fingerprint}/ack} and {@code GET /api/v1/alerts/resolved} (alerts
 * resolved recently, newest first, as in {@code /api/v2/alerts}, kept in memory).
 * With {@code http.token} set, the server in front ({@code OpsServer.create}) asks every route for
 * {@code Authorization: Bearer TOKEN}.
 */
public final class AlertsApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Dispatcher dispatcher;
    private final Silences silences;
    private final Clock clock;
    private final Duration resolveTimeout;

    public AlertsApi(Dispatcher dispatcher, Silences silences, Clock clock, Duration resolveTimeout) {
        this.dispatcher = dispatcher;
        this.silences = silences;
        this.clock = clock;
        this.resolveTimeout = resolveTimeout;
    }

    /** Registers the routes. */
    public void install(Javalin app) {
        app.post("/api/v2/alerts", this::postAlerts);
        app.get("/api/v2/alerts", this::getAlerts);
        app.get("/api/v2/alerts/groups", this::getGroups);
        app.get("/api/v1/alerts/resolved", this::getResolved);
        app.get("/api/v2/silences", this::getSilences);
        app.post("/api/v2/silences", this::postSilence);
        app.get("/api/v2/silence/{id}", this::getSilence);
        app.get("/api/v2/silences/{id}", this::getSilence);
        app.delete("/api/v2/silence/{id}", this::deleteSilence);
        app.delete("/api/v2/silences/{id}", this::deleteSilence);
        app.post("/api/v1/alerts/{fingerprint}/ack", this::ack);
    }

    private void postAlerts(Context ctx) throws Exception {
        JsonNode body = JSON.readTree(ctx.body());
        if (!body.isArray()) {
            ctx.status(400).json(Map.of("error", "body must be a JSON array of alerts"));
            return;
        }
        Instant now = clock.instant();
        int i = 0;
        for (JsonNode n : body) {
            Map<String, String> labels = strings(n.path("labels"));
            if (labels.isEmpty()) {
                ctx.status(400).json(Map.of("error", "alert " + i + " has no labels"));
                return;
            }
            try {
                Instant startsAt = n.hasNonNull("startsAt") ? Instant.parse(n.get("startsAt").asText()) : now;
                Instant endsAt = n.hasNonNull("endsAt") ? Instant.parse(n.get("endsAt").asText()) : null;
                if (endsAt != null && endsAt.getEpochSecond() <= 0) {
                    endsAt = null;
                }
                if (endsAt == null) {
                    endsAt = now.plus(resolveTimeout);
                }
                dispatcher.put(new Alert(Fingerprints.of(labels), labels, strings(n.path("annotations")), startsAt, endsAt,
                        n.path("generatorURL").asText(""), Alert.Status.FIRING));
            } catch (DateTimeParseException e) {
                ctx.status(400).json(Map.of("error", "alert " + i + ": " + e.getMessage()));
                return;
            }
            i++;
        }
        ctx.status(200);
    }

    private void getAlerts(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        for (Dispatcher.AlertView v : dispatcher.alerts()) {
            out.add(toJson(v));
        }
        ctx.contentType("application/json").result(out.toString());
    }

    /** Alertmanager's {@code GET /api/v2/alerts/groups}: each aggregation group with its receiver and alerts. */
    private void getGroups(Context ctx) {
        Map<String, Dispatcher.AlertView> views = new LinkedHashMap<>();
        dispatcher.alerts().forEach(v -> views.put(v.alert().fingerprint(), v));
        ArrayNode out = JSON.createArrayNode();
        for (Dispatcher.GroupView g : dispatcher.groups()) {
            ObjectNode n = out.addObject();
            n.putPOJO("labels", g.labels());
            n.putObject("receiver").put("name", g.receiver());
            ArrayNode alerts = n.putArray("alerts");
            g.fingerprints().stream().map(views::get).filter(java.util.Objects::nonNull).forEach(v -> alerts.add(toJson(v)));
        }
        ctx.contentType("application/json").result(out.toString());
    }

    private void getResolved(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        for (Alert a : dispatcher.recentlyResolved()) {
            out.add(toJson(new Dispatcher.AlertView(a, true, java.util.List.of(), false, false, java.util.List.of())));
        }
        ctx.contentType("application/json").result(out.toString());
    }

    private ObjectNode toJson(Dispatcher.AlertView v) {
        ObjectNode n = JSON.createObjectNode();
        n.putPOJO("labels", v.alert().labels());
        n.putPOJO("annotations", v.alert().annotations());
        n.put("startsAt", v.alert().startsAt().toString());
        n.put("endsAt", v.alert().endsAt() == null ? "0001-01-01T00:00:00Z" : v.alert().endsAt().toString());
        n.put("generatorURL", v.alert().generatorURL());
        n.put("fingerprint", v.alert().fingerprint());
        n.put("updatedAt", clock.instant().toString());
        ArrayNode receivers = n.putArray("receivers");
        v.receivers().forEach(r -> receivers.addObject().put("name", r));
        ObjectNode status = n.putObject("status");
        boolean suppressed = !v.silencedBy().isEmpty() || v.inhibited();
        status.put("state", v.resolved() ? "resolved" : suppressed ? "suppressed" : "active");
        status.putPOJO("silencedBy", v.silencedBy());
        status.putArray("inhibitedBy");
        n.put("acknowledged", v.acknowledged());
        return n;
    }

    private void getSilences(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        Instant now = clock.instant();
        silences.list().forEach(s -> out.add(withStatus(s, now)));
        ctx.contentType("application/json").result(out.toString());
    }

    private ObjectNode withStatus(Silence s, Instant now) {
        ObjectNode n = Silences.toJson(s);
        n.putObject("status").put("state", s.state(now));
        return n;
    }

    private void getSilence(Context ctx) {
        silences.get(ctx.pathParam("id")).ifPresentOrElse(
                s -> ctx.contentType("application/json").result(withStatus(s, clock.instant()).toString()),
                () -> ctx.status(404).json(Map.of("error", "no silence " + ctx.pathParam("id"))));
    }

    private void postSilence(Context ctx) throws Exception {
        JsonNode body = JSON.readTree(ctx.body());
        String id = body.hasNonNull("id") && !body.get("id").asText().isBlank() ? body.get("id").asText() : UUID.randomUUID().toString();
        try {
            Silence s = Silences.fromJson(body, id, clock.instant());
            silences.put(s);
            ctx.status(200).json(Map.of("silenceID", id));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            ctx.status(400).json(Map.of("error", "invalid silence: " + e.getMessage()));
        }
    }

    private void deleteSilence(Context ctx) {
        if (silences.expire(ctx.pathParam("id"), clock.instant())) {
            ctx.status(200);
        } else {
            ctx.status(404).json(Map.of("error", "no silence " + ctx.pathParam("id")));
        }
    }

    private void ack(Context ctx) {
        if (dispatcher.acknowledge(ctx.pathParam("fingerprint"))) {
            ctx.status(200).json(Map.of("fingerprint", ctx.pathParam("fingerprint"), "acknowledged", true));
        } else {
            ctx.status(404).json(Map.of("error", "no alert with fingerprint " + ctx.pathParam("fingerprint")));
        }
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
