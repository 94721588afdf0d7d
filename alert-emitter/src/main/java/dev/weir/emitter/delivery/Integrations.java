package dev.weir.emitter.delivery;

import dev.weir.emitter.config.AlertmanagerConfig;
import dev.weir.emitter.template.Templates;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds every receiver's integrations from the configuration, compiling and trying each template. */
public final class Integrations {
    private Integrations() {}

    /**
     * @param config the configuration
     * @param templates the template set (defaults plus definitions)
     * @param http the shared HTTP client
     * @param timeout per-request timeout
     * @return receiver name to its integrations
     * @throws dev.weir.common.config.ConfigException naming receiver, field and construct for a bad template
     */
    public static Map<String, List<Integration>> build(AlertmanagerConfig config, Templates templates, HttpClient http,
                                                       Duration timeout) {
        HttpPoster poster = new HttpPoster(http, timeout);
        Map<String, List<Integration>> out = new LinkedHashMap<>();
        for (AlertmanagerConfig.Receiver r : config.receivers()) {
            List<Integration> list = new ArrayList<>();
            for (int i = 0; i < r.slackConfigs().size(); i++) {
                list.add(new SlackIntegration(r.slackConfigs().get(i), i, poster, templates, r.name()));
            }
            for (int i = 0; i < r.emailConfigs().size(); i++) {
                list.add(new EmailIntegration(r.emailConfigs().get(i), i, timeout, templates, r.name()));
            }
            for (int i = 0; i < r.webhookConfigs().size(); i++) {
                list.add(new WebhookIntegration(r.webhookConfigs().get(i), i, poster));
            }
            for (int i = 0; i < r.pagerdutyConfigs().size(); i++) {
                list.add(new PagerDutyIntegration(r.pagerdutyConfigs().get(i), i, poster, templates, r.name()));
            }
            for (int i = 0; i < r.msteamsConfigs().size(); i++) {
                list.add(new MsTeamsIntegration(r.msteamsConfigs().get(i), i, poster, templates, r.name()));
            }
            for (int i = 0; i < r.discordConfigs().size(); i++) {
                list.add(new DiscordIntegration(r.discordConfigs().get(i), i, poster, templates, r.name()));
            }
            for (int i = 0; i < r.opsgenieConfigs().size(); i++) {
                list.add(new OpsGenieIntegration(r.opsgenieConfigs().get(i), i, poster, templates, r.name()));
            }
            for (int i = 0; i < r.telegramConfigs().size(); i++) {
                list.add(new TelegramIntegration(r.telegramConfigs().get(i), i, poster, templates, r.name()));
            }
            out.put(r.name(), List.copyOf(list));
        }
        return out;
    }
}
