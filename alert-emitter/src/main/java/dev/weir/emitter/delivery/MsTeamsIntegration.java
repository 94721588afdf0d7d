package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Microsoft Teams incoming-webhook MessageCard, as Alertmanager's {@code notify/msteams} sends
 * it: {@code @context}, {@code type}, {@code title}, {@code summary}, {@code text} and
 * {@code themeColor} (red {@code 8C1A1A} while firing, green {@code 2DC72D} once resolved).
 */
public final class MsTeamsIntegration implements Integration {
    private final AlertmanagerConfig.MsTeams config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;

    public MsTeamsIntegration(AlertmanagerConfig.MsTeams config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        this.fields = new TemplateFields(templates, "receiver '" + receiver + "' msteams_configs[" + index + "]")
                .add("title", config.title()).add("summary", config.summary()).add("text", config.text());
    }

    @Override
    public String kind() {
        return "msteams";
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
        http.postJson("msteams webhook_url", config.webhookUrl(), id, () -> payload(data));
    }

    /** The MessageCard, as an ordered map. */
    public Map<String, Object> payload(NotificationData data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@context", "http://schema.org/extensions");
        body.put("type", "MessageCard");
        body.put("title", fields.render("title", data));
        body.put("summary", fields.render("summary", data));
        body.put("text", fields.render("text", data));
        body.put("themeColor", data.status().equals("firing") ? "8C1A1A" : "2DC72D");
        return body;
    }
}
