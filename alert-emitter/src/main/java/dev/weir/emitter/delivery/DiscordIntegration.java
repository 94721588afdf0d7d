package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Discord webhook message, as Alertmanager's {@code notify/discord} sends it: an empty
 * {@code content} and one embed with {@code title} (at most 256 characters),
 * {@code description} (at most 4096) and {@code color} (red {@code 0x992D22} while firing, green
 * {@code 0x2ECC71} once resolved).
 */
public final class DiscordIntegration implements Integration {
    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 4096;

    private final AlertmanagerConfig.Discord config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;

    public DiscordIntegration(AlertmanagerConfig.Discord config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        this.fields = new TemplateFields(templates, "receiver '" + receiver + "' discord_configs[" + index + "]")
                .add("title", config.title()).add("message", config.message());
    }

    @Override
    public String kind() {
        return "discord";
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
        http.postJson("discord webhook_url", config.webhookUrl(), id, () -> payload(data));
    }

    /** The webhook body, as ordered maps. */
    public Map<String, Object> payload(NotificationData data) {
        Map<String, Object> embed = new LinkedHashMap<>();
        embed.put("title", HttpPoster.truncate(fields.render("title", data), MAX_TITLE));
        embed.put("description", HttpPoster.truncate(fields.render("message", data), MAX_DESCRIPTION));
        embed.put("color", data.status().equals("firing") ? 0x992D22 : 0x2ECC71);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", "");
        body.put("embeds", List.of(embed));
        return body;
    }
}
