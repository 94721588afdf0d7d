package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opsgenie's Alert API v2, as Alertmanager's {@code notify/opsgenie} calls it, with
 * {@code Authorization: GenieKey <api_key>}: while any alert of the group fires,
 * {@code POST <api_url>v2/alerts} with {@code alias} (the SHA-256 of the group key, so Opsgenie
 * deduplicates repeats), {@code message} (at most 130 characters), {@code description},
 * {@code details} (the common labels, then the configured details), {@code source},
 * {@code responders}, {@code tags}, {@code note}, {@code priority}, {@code entity},
 * {@code actions}, and with {@code update_alerts} also {@code PUT .../message} and
 * {@code .../description}; once all resolved, {@code POST <api_url>v2/alerts/<alias>/close?identifierType=alias}.
 */
public final class OpsGenieIntegration implements Integration {
    static final int MAX_MESSAGE = 130;

    private final AlertmanagerConfig.OpsGenie config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;
    private final Map<String, TemplateFields> details = new LinkedHashMap<>();
    private final List<TemplateFields> responders = new ArrayList<>();

    public OpsGenieIntegration(AlertmanagerConfig.OpsGenie config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        String where = "receiver '" + receiver + "' opsgenie_configs[" + index + "]";
        this.fields = new TemplateFields(templates, where).add("message", config.message()).add("description", config.description())
                .add("source", config.source()).add("entity", config.entity()).add("actions", config.actions())
                .add("tags", config.tags()).add("note", config.note()).add("priority", config.priority());
        config.details().forEach((k, v) -> details.put(k, new TemplateFields(templates, where + ".details").add(k, v)));
        for (int i = 0; i < config.responders().size(); i++) {
            AlertmanagerConfig.OpsGenie.Responder r = config.responders().get(i);
            responders.add(new TemplateFields(templates, where + ".responders[" + i + "]").add("id", r.id()).add("name", r.name())
                    .add("username", r.username()).add("type", r.type()));
        }
    }

    @Override
    public String kind() {
        return "opsgenie";
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** One HTTP call of a notification. */
    public record Call(String method, URI url, Map<String, Object> body) {}

    @Override
    public void send(NotificationData data, String id) throws DeliveryException {
        if (config.apiUrl() == null) {
            throw new DeliveryException("opsgenie api_url is a placeholder; set it in alertmanager.yml", false, null);
        }
        Map<String, String> headers = Map.of("Authorization", "GenieKey " + config.apiKey().reveal(), HttpPoster.IDEMPOTENCY_KEY, id);
        for (Call c : calls(data)) {
            http.send(c.method(), c.url(), HttpPoster.toJson(c.body()), headers);
        }
    }

    /** The calls a notification makes, in order. */
    public List<Call> calls(NotificationData data) {
        String alias = PagerDutyIntegration.dedupKey(data.groupKey());
        String base = config.apiUrl().toString();
        if (!base.endsWith("/")) {
            base = base + "/";
        }
        String byAlias = base + "v2/alerts/" + URLEncoder.encode(alias, StandardCharsets.UTF_8);
        if (data.status().equals("resolved")) {
            Map<String, Object> close = new LinkedHashMap<>();
            close.put("source", fields.render("source", data));
            return List.of(new Call("POST", URI.create(byAlias + "/close?identifierType=alias"), close));
        }
        Map<String, String> detailValues = new LinkedHashMap<>(data.commonLabels().map());
        details.forEach((k, f) -> detailValues.put(k, f.render(k, data)));
        List<Map<String, String>> responderValues = new ArrayList<>();
        for (TemplateFields r : responders) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String k : List.of("id", "name", "username", "type")) {
                m.put(k, r.render(k, data));
            }
            if (m.values().stream().allMatch(String::isEmpty)) {
                continue;
            }
            if (m.get("type").equals("teams")) {
                for (String team : split(m.get("name"))) {
                    Map<String, String> t = new LinkedHashMap<>();
                    t.put("name", team);
                    t.put("type", "team");
                    responderValues.add(t);
                }
                continue;
            }
            m.values().removeIf(String::isEmpty);
            m.putIfAbsent("type", "");
            responderValues.add(m);
        }
        String message = HttpPoster.truncate(fields.render("message", data), MAX_MESSAGE);
        String description = fields.render("description", data);
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("alias", alias);
        create.put("message", message);
        putIfNotEmpty(create, "description", description);
        create.put("details", detailValues);
        create.put("source", fields.render("source", data));
        if (!responderValues.isEmpty()) {
            create.put("responders", responderValues);
        }
        List<String> tags = split(fields.render("tags", data));
        if (!tags.isEmpty()) {
            create.put("tags", tags);
        }
        putIfNotEmpty(create, "note", fields.render("note", data));
        putIfNotEmpty(create, "priority", fields.render("priority", data));
        putIfNotEmpty(create, "entity", fields.render("entity", data));
        List<String> actions = split(fields.render("actions", data));
        if (!actions.isEmpty()) {
            create.put("actions", actions);
        }
        List<Call> calls = new ArrayList<>();
        calls.add(new Call("POST", URI.create(base + "v2/alerts"), create));
        if (config.updateAlerts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            putIfNotEmpty(m, "message", message);
            calls.add(new Call("PUT", URI.create(byAlias + "/message?identifierType=alias"), m));
            Map<String, Object> d = new LinkedHashMap<>();
            putIfNotEmpty(d, "description", description);
            calls.add(new Call("PUT", URI.create(byAlias + "/description?identifierType=alias"), d));
        }
        return calls;
    }

    /** Alertmanager's {@code safeSplit}: split on commas, drop empty parts. */
    private static List<String> split(String s) {
        return Arrays.stream(s.strip().split(",")).filter(x -> !x.isEmpty()).toList();
    }

    private static void putIfNotEmpty(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
