package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PagerDuty Events API v2: {@code trigger} while any alert of the group fires,
 * {@code resolve} once all are resolved; {@code dedup_key} is the SHA-256 of the group key (as
 * Alertmanager computes it), so updates and the resolve land on the same incident.
 * {@code service_key} (Events v1 in Alertmanager) is sent as the v2 routing key.
 */
public final class PagerDutyIntegration implements Integration {
    private final AlertmanagerConfig.PagerDuty config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;
    private final Map<String, TemplateFields> details = new LinkedHashMap<>();

    public PagerDutyIntegration(AlertmanagerConfig.PagerDuty config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        String where = "receiver '" + receiver + "' pagerduty_configs[" + index + "]";
        this.fields = new TemplateFields(templates, where).add("description", config.description())
                .add("client", config.client()).add("client_url", config.clientUrl()).add("severity", config.severity())
                .add("class", config.eventClass()).add("component", config.component()).add("group", config.group());
        config.details().forEach((k, v) -> details.put(k, new TemplateFields(templates, where + ".details").add(k, v)));
    }

    @Override
    public String kind() {
        return "pagerduty";
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean sendResolved() {
        return config.sendResolved();
    }

    @Override
    public void send(NotificationData data, String id) throws DeliveryException {
        http.postJson("pagerduty url", config.url(), id, () -> payload(data));
    }

    /** The Events v2 body, as ordered maps. */
    public Map<String, Object> payload(NotificationData data) {
        boolean resolve = data.status().equals("resolved");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("routing_key", config.routingKey() != null ? config.routingKey() : config.serviceKey());
        body.put("event_action", resolve ? "resolve" : "trigger");
        body.put("dedup_key", dedupKey(data.groupKey()));
        if (!resolve) {
            String description = fields.render("description", data);
            String client = fields.render("client", data);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("summary", description.length() > 1024 ? description.substring(0, 1021) + "..." : description);
            payload.put("source", client);
            payload.put("severity", fields.render("severity", data));
            Map<String, String> custom = new LinkedHashMap<>();
            details.forEach((k, f) -> custom.put(k, f.render(k, data)));
            payload.put("custom_details", custom);
            putIfNotEmpty(payload, "class", fields.render("class", data));
            putIfNotEmpty(payload, "component", fields.render("component", data));
            putIfNotEmpty(payload, "group", fields.render("group", data));
            body.put("payload", payload);
            body.put("client", client);
            body.put("client_url", fields.render("client_url", data));
        }
        return body;
    }

    /** SHA-256 of the group key in hex, Alertmanager's PagerDuty dedup key. */
    public static String dedupKey(String groupKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfNotEmpty(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
