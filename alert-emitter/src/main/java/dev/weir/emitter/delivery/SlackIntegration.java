package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming-webhook message in the shape Alertmanager sends: top-level
 * {@code channel}, {@code username}, {@code icon_emoji}/{@code icon_url}, {@code link_names}
 * and one attachment with {@code title}, {@code title_link}, {@code pretext}, {@code text},
 * {@code fallback}, {@code callback_id}, {@code footer}, {@code color}, {@code mrkdwn_in}.
 */
public final class SlackIntegration implements Integration {
    private final AlertmanagerConfig.Slack config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;

    public SlackIntegration(AlertmanagerConfig.Slack config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        this.fields = new TemplateFields(templates, "receiver '" + receiver + "' slack_configs[" + index + "]")
                .add("channel", config.channel()).add("username", config.username()).add("color", config.color())
                .add("title", config.title()).add("title_link", config.titleLink()).add("pretext", config.pretext())
                .add("text", config.text()).add("fallback", config.fallback()).add("footer", config.footer())
                .add("icon_emoji", config.iconEmoji()).add("icon_url", config.iconUrl())
                .add("callback_id", config.callbackId());
    }

    @Override
    public String kind() {
        return "slack";
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
        http.postJson("slack api_url", config.apiUrl(), id, () -> payload(data));
    }

    /** The message body, as ordered maps. */
    public Map<String, Object> payload(NotificationData data) {
        Map<String, Object> attachment = new LinkedHashMap<>();
        putIfNotEmpty(attachment, "title", fields.render("title", data));
        putIfNotEmpty(attachment, "title_link", fields.render("title_link", data));
        putIfNotEmpty(attachment, "pretext", fields.render("pretext", data));
        attachment.put("text", fields.render("text", data));
        attachment.put("fallback", fields.render("fallback", data));
        attachment.put("callback_id", fields.render("callback_id", data));
        attachment.put("footer", fields.render("footer", data));
        putIfNotEmpty(attachment, "color", fields.render("color", data));
        attachment.put("mrkdwn_in", config.mrkdwnIn().isEmpty() ? List.of("fallback", "pretext", "text") : config.mrkdwnIn());
        Map<String, Object> body = new LinkedHashMap<>();
        putIfNotEmpty(body, "channel", fields.render("channel", data));
        putIfNotEmpty(body, "username", fields.render("username", data));
        putIfNotEmpty(body, "icon_emoji", fields.render("icon_emoji", data));
        putIfNotEmpty(body, "icon_url", fields.render("icon_url", data));
        if (config.linkNames()) {
            body.put("link_names", true);
        }
        body.put("attachments", List.of(attachment));
        return body;
    }

    private static void putIfNotEmpty(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
