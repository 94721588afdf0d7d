package dev.weir.emitter.config;

import dev.weir.common.config.Secret;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.timeinterval.TimeIntervals;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An alertmanager.yml as Weir reads it: immutable, validated, with {@code ${ENV}} expanded.
 * Defaults follow Alertmanager's; see the module README for the supported keys.
 *
 * @param global shared defaults for receivers
 * @param route the root of the routing tree
 * @param receivers every receiver, in file order
 * @param inhibitRules the inhibition rules
 * @param timeIntervals the named {@code time_intervals} and {@code mute_time_intervals}
 * @param original the file as YAML with every secret replaced by {@code <secret>}, as
 *     {@code GET /api/v2/status} shows it
 * @param warnings problems that do not stop startup, e.g. a URL left as a {@code <placeholder>}:
 *     the integration fails (counted, logged) until it is filled in; {@code weir emitter check} lists them
 */
public record AlertmanagerConfig(Global global, Route route, List<Receiver> receivers, List<InhibitRule> inhibitRules,
                                 TimeIntervals timeIntervals, String original, List<String> warnings) {

    public AlertmanagerConfig {
        receivers = List.copyOf(receivers);
        inhibitRules = List.copyOf(inhibitRules);
        warnings = List.copyOf(warnings);
    }

    /** @return the receiver with this name, if any */
    public Optional<Receiver> receiver(String name) {
        return receivers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** {@code global:}; e-mail and Slack fields are null when not set. */
    public record Global(Duration resolveTimeout, String smtpFrom, String smtpSmarthost, String smtpHello,
                         String smtpAuthUsername, String smtpAuthPassword, String smtpAuthIdentity, String smtpAuthSecret,
                         boolean smtpRequireTls, URI slackApiUrl, URI pagerdutyUrl, Secret opsgenieApiKey, URI opsgenieApiUrl,
                         URI telegramApiUrl) {}

    /**
     * One node of the routing tree, as written (before inheritance). Null fields inherit from the
     * parent; {@code groupBy} null means inherited, a list containing {@code ...} means all labels.
     * {@code muteTimeIntervals}, {@code activeTimeIntervals} and {@code escalation} apply to this
     * node only, as in Alertmanager.
     */
    public record Route(String receiver, List<String> groupBy, List<Matcher> matchers, boolean continueMatching,
                        Duration groupWait, Duration groupInterval, Duration repeatInterval, List<Route> routes,
                        List<String> muteTimeIntervals, List<String> activeTimeIntervals, Escalation escalation) {}

    /**
     * A route's escalation policy: while a firing group has an alert nobody acknowledged, step
     * {@code i} is notified {@code steps[0].escalateAfter + ... + steps[i].escalateAfter} after the
     * alert started firing; with {@code repeat}, the steps start over after the last one, until
     * every firing alert is acknowledged or resolved.
     *
     * @param steps at least one
     * @param repeat whether the policy starts over after its last step
     */
    public record Escalation(List<Step> steps, boolean repeat) {
        public Escalation {
            steps = List.copyOf(steps);
        }

        /** One step: {@code receiver}, notified {@code escalateAfter} after the previous step. */
        public record Step(String receiver, Duration escalateAfter) {}
    }

    /** A named receiver and its integrations. */
    public record Receiver(String name, List<Slack> slackConfigs, List<Email> emailConfigs,
                           List<Webhook> webhookConfigs, List<PagerDuty> pagerdutyConfigs, List<MsTeams> msteamsConfigs,
                           List<Discord> discordConfigs, List<OpsGenie> opsgenieConfigs, List<Telegram> telegramConfigs) {
        /** @return how many integrations this receiver has */
        public int integrationCount() {
            return slackConfigs.size() + emailConfigs.size() + webhookConfigs.size() + pagerdutyConfigs.size()
                    + msteamsConfigs.size() + discordConfigs.size() + opsgenieConfigs.size() + telegramConfigs.size();
        }
    }

    /** {@code slack_configs[]}; the string fields are templates; {@code apiUrl} is null when left as a placeholder. */
    public record Slack(boolean sendResolved, URI apiUrl, String channel, String username, String color, String title,
                        String titleLink, String pretext, String text, String fallback, String footer, String iconEmoji,
                        String iconUrl, String callbackId, List<String> mrkdwnIn, boolean linkNames) {}

    /** {@code email_configs[]}; {@code headers}, {@code html} and {@code text} are templates. */
    public record Email(boolean sendResolved, String to, String from, String smarthost, String hello,
                        String authUsername, String authPassword, String authIdentity, String authSecret,
                        boolean requireTls, TlsConfig tls, Map<String, String> headers, String html, String text) {}

    /**
     * {@code email_configs[].tls_config}: how the TLS of STARTTLS (or of port 465) is checked.
     *
     * @param caFile PEM CAs to trust instead of the JVM's default trust store, or null
     * @param certFile PEM client certificate for servers that ask for one, or null
     * @param keyFile its PEM private key, or null
     * @param insecureSkipVerify whether the server's certificate and name go unchecked
     */
    public record TlsConfig(java.nio.file.Path caFile, java.nio.file.Path certFile, java.nio.file.Path keyFile,
                            boolean insecureSkipVerify) {
        /** Alertmanager's default: the JVM's trust store, the server's name checked, no client certificate. */
        public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, false);
    }

    /** {@code webhook_configs[]}; {@code url} is null when left as a placeholder. */
    public record Webhook(boolean sendResolved, URI url, int maxAlerts) {}

    /** {@code pagerduty_configs[]}; the string fields except the keys and url are templates. */
    public record PagerDuty(boolean sendResolved, String routingKey, String serviceKey, URI url, String client,
                            String clientUrl, String description, String severity, String eventClass, String component,
                            String group, Map<String, String> details) {}

    /** {@code msteams_configs[]}: an incoming-webhook MessageCard; {@code title}, {@code summary}, {@code text} are templates. */
    public record MsTeams(boolean sendResolved, URI webhookUrl, String title, String summary, String text) {}

    /** {@code discord_configs[]}: a webhook message with one embed; {@code title}, {@code message} are templates. */
    public record Discord(boolean sendResolved, URI webhookUrl, String title, String message) {}

    /**
     * {@code opsgenie_configs[]}: Alert API v2; the string fields except {@code apiKey} and
     * {@code apiUrl} are templates.
     */
    public record OpsGenie(boolean sendResolved, Secret apiKey, URI apiUrl, String message, String description,
                           String source, Map<String, String> details, String entity, List<Responder> responders,
                           String actions, String tags, String note, String priority, boolean updateAlerts) {
        /** One of {@code id}, {@code name}, {@code username} is set; {@code type} is team, teams, user, escalation or schedule. */
        public record Responder(String id, String name, String username, String type) {}
    }

    /** {@code telegram_configs[]}: Bot API {@code sendMessage}; {@code message} is a template. */
    public record Telegram(boolean sendResolved, URI apiUrl, Secret botToken, long chatId, String message,
                           boolean disableNotifications, String parseMode) {}

    /** {@code inhibit_rules[]}: a firing source alert mutes matching targets with equal labels. */
    public record InhibitRule(List<Matcher> sourceMatchers, List<Matcher> targetMatchers, List<String> equal) {}
}
