package dev.weir.emitter.config;

import dev.weir.emitter.route.Matcher;
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
 * @param warnings problems that do not stop startup, e.g. a URL left as a {@code <placeholder>}:
 *     the integration fails (counted, logged) until it is filled in; {@code weir emitter check} lists them
 */
public record AlertmanagerConfig(Global global, Route route, List<Receiver> receivers, List<InhibitRule> inhibitRules,
                                 List<String> warnings) {

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
                         boolean smtpRequireTls, URI slackApiUrl, URI pagerdutyUrl) {}

    /**
     * One node of the routing tree, as written (before inheritance). Null fields inherit from the
     * parent; {@code groupBy} null means inherited, a list containing {@code ...} means all labels.
     */
    public record Route(String receiver, List<String> groupBy, List<Matcher> matchers, boolean continueMatching,
                        Duration groupWait, Duration groupInterval, Duration repeatInterval, List<Route> routes,
                        Duration escalateAfter, String escalateTo) {}

    /** A named receiver and its integrations. */
    public record Receiver(String name, List<Slack> slackConfigs, List<Email> emailConfigs,
                           List<Webhook> webhookConfigs, List<PagerDuty> pagerdutyConfigs) {
        /** @return how many integrations this receiver has */
        public int integrationCount() {
            return slackConfigs.size() + emailConfigs.size() + webhookConfigs.size() + pagerdutyConfigs.size();
        }
    }

    /** {@code slack_configs[]}; the string fields are templates; {@code apiUrl} is null when left as a placeholder. */
    public record Slack(boolean sendResolved, URI apiUrl, String channel, String username, String color, String title,
                        String titleLink, String pretext, String text, String fallback, String footer, String iconEmoji,
                        String iconUrl, String callbackId, List<String> mrkdwnIn, boolean linkNames) {}

    /** {@code email_configs[]}; {@code headers}, {@code html} and {@code text} are templates. */
    public record Email(boolean sendResolved, String to, String from, String smarthost, String hello,
                        String authUsername, String authPassword, String authIdentity, String authSecret,
                        boolean requireTls, Map<String, String> headers, String html, String text) {}

    /** {@code webhook_configs[]}; {@code url} is null when left as a placeholder. */
    public record Webhook(boolean sendResolved, URI url, int maxAlerts) {}

    /** {@code pagerduty_configs[]}; the string fields except the keys and url are templates. */
    public record PagerDuty(boolean sendResolved, String routingKey, String serviceKey, URI url, String client,
                            String clientUrl, String description, String severity, String eventClass, String component,
                            String group, Map<String, String> details) {}

    /** {@code inhibit_rules[]}: a firing source alert mutes matching targets with equal labels. */
    public record InhibitRule(List<Matcher> sourceMatchers, List<Matcher> targetMatchers, List<String> equal) {}
}
