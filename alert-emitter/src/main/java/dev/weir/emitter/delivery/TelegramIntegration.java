package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Telegram Bot API {@code sendMessage} call, as Alertmanager's {@code notify/telegram} makes it
 * (through telebot): {@code POST <api_url>/bot<token>/sendMessage} with a JSON object of string
 * values {@code chat_id}, {@code text} (at most 4096 characters), {@code parse_mode} (when set),
 * {@code disable_web_page_preview} ({@code "true"}) and {@code disable_notification} (when set).
 * With {@code parse_mode: HTML} the values the message template inserts are HTML-escaped, as
 * Alertmanager's {@code html/template} does.
 */
public final class TelegramIntegration implements Integration {
    static final int MAX_MESSAGE = 4096;

    private final AlertmanagerConfig.Telegram config;
    private final int index;
    private final HttpPoster http;
    private final TemplateFields fields;

    public TelegramIntegration(AlertmanagerConfig.Telegram config, int index, HttpPoster http, Templates templates, String receiver) {
        this.config = config;
        this.index = index;
        this.http = http;
        this.fields = new TemplateFields(templates, "receiver '" + receiver + "' telegram_configs[" + index + "]")
                .add("message", config.message());
    }

    @Override
    public String kind() {
        return "telegram";
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
        if (config.apiUrl() == null) {
            throw new DeliveryException("telegram api_url is a placeholder; set it in alertmanager.yml", false, null);
        }
        String base = config.apiUrl().toString().replaceAll("/+$", "");
        URI url = URI.create(base + "/bot" + config.botToken().reveal() + "/sendMessage");
        http.post(url, HttpPoster.toJson(payload(data)), Map.of(HttpPoster.IDEMPOTENCY_KEY, id));
    }

    /** The sendMessage parameters, as an ordered map of strings. */
    public Map<String, String> payload(NotificationData data) {
        String text = config.parseMode().equals("HTML") ? fields.renderHtml("message", data) : fields.render("message", data);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("chat_id", Long.toString(config.chatId()));
        body.put("text", HttpPoster.truncate(text, MAX_MESSAGE));
        if (!config.parseMode().isEmpty()) {
            body.put("parse_mode", config.parseMode());
        }
        body.put("disable_web_page_preview", "true");
        if (config.disableNotifications()) {
            body.put("disable_notification", "true");
        }
        return body;
    }
}
