package dev.weir.emitter.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.config.ConfigException;
import dev.weir.emitter.ack.Acks;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.alert.Fingerprints;
import dev.weir.emitter.group.Dispatcher;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.silence.Silence;
import dev.weir.emitter.silence.Silences;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Alertmanager's v2 API as {@code amtool} and Grafana's Alertmanager data source call it:
 * {@code POST/GET /api/v2/alerts} (with {@code filter}, {@code active}, {@code silenced},
 * {@code inhibited}, {@code unprocessed}, {@code receiver}), {@code GET /api/v2/alerts/groups}
 * (the same parameters), {@code GET/POST /api/v2/silences} ({@code filter}),
 * {@code GET/DELETE /api/v2/silence/{id}} (also under {@code /api/v2/silences/{id}}),
 * {@code GET /api/v2/status}, {@code GET /api/v2/receivers}; and Weir's
 * {@code POST/DELETE /api/v1/alerts/{fingerprint}/ack} and {@code GET /api/v1/alerts/resolved}
 * (alerts resolved recently, newest first, kept in memory). With {@code http.token} set, the
 * server in front ({@code OpsServer.create}) asks every route for {@code Authorization: Bearer TOKEN}.
 */
public final class AlertsApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Alertmanager release whose v2 API this one follows, as {@code /api/v2/status} reports it. */
    public static final String ALERTMANAGER_API_VERSION = "0.25.0";

    private final Dispatcher dispatcher;
    private final Silences silences;
    private final Acks acks;
    private final Clock clock;
    private final Duration resolveTimeout;
    private final StatusInfo status;

    /**
     * What {@code GET /api/v2/status} and {@code GET /api/v2/receivers} tell.
     *
     * @param original the alertmanager.yml with secrets replaced by {@code <secret>}
     * @param receivers the receivers' names, in file order
     * @param started when this instance started
     * @param version Weir's version
     * @param cluster the cluster's state now
     */
    public record StatusInfo(String original, List<String> receivers, Instant started, String version, Supplier<Cluster> cluster) {}

    /**
     * Alertmanager's {@code clusterStatus}.
     *
     * @param name this instance's name
     * @param status {@code ready}, {@code settling} or {@code disabled}
     * @param peers the instances of the cluster, this one included
     */
    public record Cluster(String name, String status, List<Peer> peers) {}

    /** A cluster member: its name and address. */
    public record Peer(String name, String address) {}

    public AlertsApi(Dispatcher dispatcher, Silences silences, Acks acks, Clock clock, Duration resolveTimeout, StatusInfo status) {
        this.dispatcher = dispatcher;
        this.silences = silences;
        this.acks = acks;
        this.clock = clock;
        this.resolveTimeout = resolveTimeout;
        this.status = status;
    }

    /** Registers the routes. */
    public void install(Javalin app) {
        app.post("/api/v2/alerts", this::postAlerts);
        app.get("/api/v2/alerts", this::getAlerts);
        app.get("/api/v2/alerts/groups", this::getGroups);
        app.get("/api/v2/status", this::getStatus);
        app.get("/api/v2/receivers", this::getReceivers);
        app.get("/api/v1/alerts/resolved", this::getResolved);
        app.get("/api/v2/silences", this::getSilences);
        app.post("/api/v2/silences", this::postSilence);
        app.get("/api/v2/silence/{id}", this::getSilence);
        app.get("/api/v2/silences/{id}", this::getSilence);
        app.delete("/api/v2/silence/{id}", this::deleteSilence);
        app.delete("/api/v2/silences/{id}", this::deleteSilence);
        app.post("/api/v1/alerts/{fingerprint}/ack", this::ack);
        app.delete("/api/v1/alerts/{fingerprint}/ack", this::unack);
    }

    private void postAlerts(Context ctx) throws Exception {
        JsonNode body = JSON.readTree(ctx.body());
        if (body == null || !body.isArray()) {
            ctx.status(400).json(Map.of("error", "body must be a JSON array of alerts"));
            return;
        }
        Instant now = clock.instant();
        int i = 0;
        for (JsonNode n : body) {
            Map<String, String> labels = strings(n.path("labels"));
            labels.values().removeIf(String::isEmpty);
            if (labels.isEmpty()) {
                ctx.status(400).json(Map.of("error", "alert " + i + " has no labels"));
                return;
            }
            try {
                Instant endsAt = n.hasNonNull("endsAt") ? Instant.parse(n.get("endsAt").asText()) : null;
                if (endsAt != null && endsAt.getEpochSecond() <= 0) {
                    endsAt = null;
                }
                Instant startsAt = n.hasNonNull("startsAt") ? Instant.parse(n.get("startsAt").asText()) : null;
                if (startsAt == null || startsAt.getEpochSecond() <= 0) {
                    startsAt = endsAt == null ? now : endsAt;
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

    /** The alert filter of {@code /api/v2/alerts} and {@code /api/v2/alerts/groups}, or null after answering 400. */
    private Predicate<Dispatcher.AlertView> filter(Context ctx) {
        List<Matcher> matchers = matchers(ctx);
        if (matchers == null) {
            return null;
        }
        boolean active = bool(ctx, "active");
        boolean silenced = bool(ctx, "silenced");
        boolean inhibited = bool(ctx, "inhibited");
        return v -> {
            boolean suppressed = !v.silencedBy().isEmpty() || !v.inhibitedBy().isEmpty();
            if (!active && !suppressed) {
                return false;
            }
            if (!silenced && !v.silencedBy().isEmpty()) {
                return false;
            }
            if (!inhibited && !v.inhibitedBy().isEmpty()) {
                return false;
            }
            return matchers.stream().allMatch(m -> filterMatches(m, v.alert().labels()));
        };
    }

    /** The {@code filter} parameters, or null after answering 400. */
    private static List<Matcher> matchers(Context ctx) {
        List<Matcher> matchers = new ArrayList<>();
        for (String f : ctx.queryParams("filter")) {
            try {
                matchers.add(Matcher.parse("filter", f));
            } catch (ConfigException e) {
                ctx.status(400).result("bad matcher in filter: " + e.getMessage());
                return null;
            }
        }
        return matchers;
    }

    /** Alertmanager's {@code matchFilterLabels}: a matcher with an empty value also matches a missing label. */
    private static boolean filterMatches(Matcher m, Map<String, String> labels) {
        boolean present = labels.containsKey(m.name());
        boolean negative = m.type() == Matcher.Type.NOT_EQUAL || m.type() == Matcher.Type.NOT_REGEX;
        if (m.value().isEmpty() && (negative == present)) {
            return true;
        }
        return m.matches(labels);
    }

    private static boolean bool(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || !v.equalsIgnoreCase("false");
    }

    /** The {@code receiver} parameter: a regex matched against the whole name, or null after answering 400. */
    private static Pattern receiverFilter(Context ctx, boolean[] bad) {
        String r = ctx.queryParam("receiver");
        if (r == null || r.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile("^(?:" + r + ")$");
        } catch (PatternSyntaxException e) {
            ctx.status(400).result("failed to parse receiver param: " + e.getDescription());
            bad[0] = true;
            return null;
        }
    }

    private void getAlerts(Context ctx) {
        Predicate<Dispatcher.AlertView> filter = filter(ctx);
        boolean[] bad = {false};
        Pattern receiver = receiverFilter(ctx, bad);
        if (filter == null || bad[0]) {
            return;
        }
        List<Dispatcher.AlertView> views = new ArrayList<>(dispatcher.alerts());
        views.sort(Comparator.comparing(v -> v.alert().fingerprint()));
        ArrayNode out = JSON.createArrayNode();
        for (Dispatcher.AlertView v : views) {
            if (filter.test(v) && (receiver == null || v.receivers().stream().anyMatch(r -> receiver.matcher(r).matches()))) {
                out.add(toJson(v));
            }
        }
        ctx.contentType("application/json").result(out.toString());
    }

    /** Alertmanager's {@code GET /api/v2/alerts/groups}: each aggregation group with its receiver and alerts. */
    private void getGroups(Context ctx) {
        Predicate<Dispatcher.AlertView> filter = filter(ctx);
        boolean[] bad = {false};
        Pattern receiver = receiverFilter(ctx, bad);
        if (filter == null || bad[0]) {
            return;
        }
        Map<String, Dispatcher.AlertView> views = new LinkedHashMap<>();
        dispatcher.alerts().forEach(v -> views.put(v.alert().fingerprint(), v));
        ArrayNode out = JSON.createArrayNode();
        for (Dispatcher.GroupView g : dispatcher.groups()) {
            if (receiver != null && !receiver.matcher(g.receiver()).matches()) {
                continue;
            }
            List<Dispatcher.AlertView> members = g.fingerprints().stream().map(views::get).filter(Objects::nonNull).filter(filter).toList();
            if (members.isEmpty()) {
                continue;
            }
            ObjectNode n = out.addObject();
            n.putPOJO("labels", g.labels());
            n.putObject("receiver").put("name", g.receiver());
            ArrayNode alerts = n.putArray("alerts");
            members.forEach(v -> alerts.add(toJson(v)));
        }
        ctx.contentType("application/json").result(out.toString());
    }

    private void getStatus(Context ctx) {
        ObjectNode n = JSON.createObjectNode();
        Cluster c = status.cluster().get();
        ObjectNode cluster = n.putObject("cluster");
        if (c.name() != null) {
            cluster.put("name", c.name());
        }
        cluster.put("status", c.status());
        ArrayNode peers = cluster.putArray("peers");
        c.peers().forEach(p -> peers.addObject().put("name", p.name()).put("address", p.address()));
        // version: the Alertmanager API Weir implements (amtool warns when it differs from its own);
        // Weir's own version is in revision, branch says weir.
        n.putObject("versionInfo").put("version", ALERTMANAGER_API_VERSION).put("revision", "weir-" + status.version())
                .put("branch", "weir").put("buildUser", "").put("buildDate", "").put("goVersion", "java" + Runtime.version().feature());
        n.putObject("config").put("original", status.original());
        n.put("uptime", status.started().toString());
        ctx.contentType("application/json").result(n.toString());
    }

    private void getReceivers(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        status.receivers().forEach(r -> out.addObject().put("name", r));
        ctx.contentType("application/json").result(out.toString());
    }

    private void getResolved(Context ctx) {
        ArrayNode out = JSON.createArrayNode();
        for (Alert a : dispatcher.recentlyResolved()) {
            out.add(toJson(new Dispatcher.AlertView(a, true, List.of(), List.of(), false, List.of())));
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
        boolean suppressed = !v.silencedBy().isEmpty() || !v.inhibitedBy().isEmpty();
        status.put("state", v.resolved() ? "resolved" : suppressed ? "suppressed" : "active");
        status.putPOJO("silencedBy", v.silencedBy());
        status.putPOJO("inhibitedBy", v.inhibitedBy());
        n.put("acknowledged", v.acknowledged());
        return n;
    }

    private void getSilences(Context ctx) {
        List<Matcher> filter = matchers(ctx);
        if (filter == null) {
            return;
        }
        ArrayNode out = JSON.createArrayNode();
        Instant now = clock.instant();
        // Alertmanager: a silence is listed when, for every filter matcher, it has the same matcher
        silences.list().stream().filter(s -> filter.stream().allMatch(s.matchers()::contains))
                .forEach(s -> out.add(withStatus(s, now)));
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

    private void ack(Context ctx) throws Exception {
        String fp = ctx.pathParam("fingerprint");
        Alert alert = dispatcher.alert(fp).filter(a -> !a.resolvedAt(clock.instant())).orElse(null);
        if (alert == null) {
            ctx.status(404).json(Map.of("error", "no firing alert with fingerprint " + fp));
            return;
        }
        JsonNode body = ctx.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(ctx.body());
        Acks.Ack ack = acks.acknowledge(alert, body.path("by").asText(""), body.path("comment").asText(""), clock.instant());
        ctx.status(200).json(Map.of("fingerprint", fp, "acknowledged", true, "startsAt", ack.startsAt().toString()));
    }

    private void unack(Context ctx) {
        String fp = ctx.pathParam("fingerprint");
        Alert alert = dispatcher.alert(fp).orElse(null);
        if (alert == null || !acks.unacknowledge(alert)) {
            ctx.status(404).json(Map.of("error", "alert " + fp + " is not acknowledged"));
            return;
        }
        ctx.status(200).json(Map.of("fingerprint", fp, "acknowledged", false));
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
