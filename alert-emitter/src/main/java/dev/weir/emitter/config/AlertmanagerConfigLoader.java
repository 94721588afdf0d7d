package dev.weir.emitter.config;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.Secret;
import dev.weir.emitter.config.AlertmanagerConfig.Discord;
import dev.weir.emitter.config.AlertmanagerConfig.Email;
import dev.weir.emitter.config.AlertmanagerConfig.Escalation;
import dev.weir.emitter.config.AlertmanagerConfig.MsTeams;
import dev.weir.emitter.config.AlertmanagerConfig.OpsGenie;
import dev.weir.emitter.config.AlertmanagerConfig.Telegram;
import dev.weir.emitter.config.AlertmanagerConfig.Global;
import dev.weir.emitter.config.AlertmanagerConfig.InhibitRule;
import dev.weir.emitter.config.AlertmanagerConfig.PagerDuty;
import dev.weir.emitter.config.AlertmanagerConfig.Receiver;
import dev.weir.emitter.config.AlertmanagerConfig.Route;
import dev.weir.emitter.config.AlertmanagerConfig.Slack;
import dev.weir.emitter.config.AlertmanagerConfig.Webhook;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.timeinterval.TimeInterval;
import dev.weir.emitter.timeinterval.TimeIntervals;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an alertmanager.yml into an {@link AlertmanagerConfig}, rejecting unknown keys and
 * invalid values with one-line messages that name the key, and checking the cross references
 * (receivers named by routes exist, e-mail has a sender and a smarthost, ...).
 */
public final class AlertmanagerConfigLoader {
    static final String DEFAULT_SLACK_COLOR = "{{ if eq .Status \"firing\" }}danger{{ else }}good{{ end }}";
    static final URI DEFAULT_PAGERDUTY_URL = URI.create("https://events.pagerduty.com/v2/enqueue");
    static final URI DEFAULT_OPSGENIE_URL = URI.create("https://api.opsgenie.com/");
    static final URI DEFAULT_TELEGRAM_URL = URI.create("https://api.telegram.org");

    private AlertmanagerConfigLoader() {}

    /**
     * @param file the alertmanager.yml
     * @param env the environment for {@code ${NAME}} expansion
     * @return the validated configuration
     * @throws ConfigException for any problem, naming the key
     */
    public static AlertmanagerConfig load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
        return parse(text, env, file.toString());
    }

    /**
     * @param yaml the alertmanager.yml text
     * @param env the environment for {@code ${NAME}} expansion
     * @param origin names the text in messages
     * @return the validated configuration
     * @throws ConfigException for any problem, naming the key
     */
    public static AlertmanagerConfig parse(String yaml, Map<String, String> env, String origin) {
        ConfigNode root = ConfigNode.parse(new StringReader(yaml), "", env, origin);
        List<String> warnings = new ArrayList<>();
        Global global = global(root.child("global"), warnings);
        if (!root.has("route")) {
            throw new ConfigException("Missing value for route: an alertmanager.yml needs a route with a receiver");
        }
        Route route = route(root.child("route"), true);
        List<Receiver> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ConfigNode r : root.children("receivers")) {
            Receiver receiver = receiver(r, global, warnings);
            if (!names.add(receiver.name())) {
                throw ConfigException.invalid(r.path() + ".name", receiver.name(), "another receiver has the same name");
            }
            receivers.add(receiver);
        }
        List<InhibitRule> inhibitRules = new ArrayList<>();
        for (ConfigNode r : root.children("inhibit_rules")) {
            inhibitRules.add(inhibitRule(r));
        }
        Map<String, List<TimeInterval>> intervals = new LinkedHashMap<>();
        timeIntervals(root, "time_intervals", intervals);
        timeIntervals(root, "mute_time_intervals", intervals);
        root.finish();
        checkReferences(route, "route", names, intervals.keySet());
        return new AlertmanagerConfig(global, route, receivers, inhibitRules, new TimeIntervals(intervals),
                ConfigText.redacted(yaml), warnings);
    }

    /** {@code time_intervals} / {@code mute_time_intervals}: a list of {@code name} + {@code time_intervals}. */
    private static void timeIntervals(ConfigNode root, String key, Map<String, List<TimeInterval>> out) {
        for (ConfigNode named : root.children(key)) {
            String name = named.requiredString("name");
            if (out.containsKey(name)) {
                throw ConfigException.invalid(named.path() + ".name", name, "another time interval has the same name");
            }
            List<TimeInterval> list = new ArrayList<>();
            for (ConfigNode t : named.children("time_intervals")) {
                list.add(timeInterval(t));
            }
            out.put(name, List.copyOf(list));
        }
    }

    private static TimeInterval timeInterval(ConfigNode t) {
        List<TimeInterval.Range> times = null;
        if (t.has("times")) {
            times = new ArrayList<>();
            for (ConfigNode r : t.children("times")) {
                String start = r.string("start_time", null);
                String end = r.string("end_time", null);
                try {
                    times.add(TimeInterval.timeRange(start, end));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.invalid(r.path(), start + "-" + end, e.getMessage());
                }
            }
        }
        List<TimeInterval.Range> weekdays = ranges(t, "weekdays", TimeInterval::weekdayRange);
        List<TimeInterval.Range> days = ranges(t, "days_of_month", TimeInterval::dayOfMonthRange);
        List<TimeInterval.Range> months = ranges(t, "months", TimeInterval::monthRange);
        List<TimeInterval.Range> years = ranges(t, "years", TimeInterval::yearRange);
        ZoneId location = null;
        String loc = t.string("location", null);
        if (loc != null) {
            try {
                location = loc.equals("Local") ? ZoneId.systemDefault() : ZoneId.of(loc);
            } catch (java.time.DateTimeException e) {
                throw ConfigException.invalid(t.path() + ".location", loc, "is not a time zone; use an IANA name such as Europe/Berlin or UTC");
            }
        }
        return new TimeInterval(times, weekdays, days, months, years, location);
    }

    private static List<TimeInterval.Range> ranges(ConfigNode t, String key, java.util.function.Function<String, TimeInterval.Range> parse) {
        if (!t.has(key)) {
            t.string(key, null); // mark as read
            return null;
        }
        List<TimeInterval.Range> out = new ArrayList<>();
        for (String v : t.stringList(key, List.of())) {
            try {
                out.add(parse.apply(v));
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(t.path() + "." + key, v, e.getMessage());
            }
        }
        return out;
    }

    private static Global global(ConfigNode g, List<String> warnings) {
        Duration resolveTimeout = duration(g, "resolve_timeout", Duration.ofMinutes(5));
        Global global = new Global(resolveTimeout, g.string("smtp_from", null), g.string("smtp_smarthost", null),
                g.string("smtp_hello", "localhost"), g.string("smtp_auth_username", null),
                g.string("smtp_auth_password", null), g.string("smtp_auth_identity", null),
                g.string("smtp_auth_secret", null), g.bool("smtp_require_tls", true),
                url(g, "slack_api_url", null, warnings), g.uri("pagerduty_url", DEFAULT_PAGERDUTY_URL),
                secret(g, "opsgenie_api_key"), url(g, "opsgenie_api_url", DEFAULT_OPSGENIE_URL, warnings),
                url(g, "telegram_api_url", DEFAULT_TELEGRAM_URL, warnings));
        return global;
    }

    private static Route route(ConfigNode r, boolean isRoot) {
        String receiver = r.string("receiver", null);
        if (isRoot && (receiver == null || receiver.isBlank())) {
            throw new ConfigException("Missing value for route.receiver: the root route needs a receiver");
        }
        List<String> groupBy = r.has("group_by") ? r.stringList("group_by", List.of()) : null;
        if (groupBy != null && groupBy.contains("...") && groupBy.size() > 1) {
            throw ConfigException.invalid(r.path() + ".group_by", groupBy, "'...' groups by all labels and must be alone");
        }
        List<Matcher> matchers = new ArrayList<>();
        r.stringMap("match").forEach((k, v) -> matchers.add(Matcher.of(k, Matcher.Type.EQUAL, v)));
        for (Map.Entry<String, String> e : r.stringMap("match_re").entrySet()) {
            try {
                matchers.add(Matcher.of(e.getKey(), Matcher.Type.REGEX, e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw ConfigException.invalid(r.path() + ".match_re." + e.getKey(), e.getValue(), ex.getMessage());
            }
        }
        List<String> matcherTexts = r.stringList("matchers", List.of());
        for (int i = 0; i < matcherTexts.size(); i++) {
            matchers.add(Matcher.parse(r.path() + ".matchers[" + i + "]", matcherTexts.get(i)));
        }
        if (isRoot && !matchers.isEmpty()) {
            throw new ConfigException("Invalid value " + matchers + " for route: the root route must not have matchers");
        }
        boolean cont = r.bool("continue", false);
        if (isRoot && cont) {
            throw ConfigException.invalid("route.continue", true, "the root route cannot have continue");
        }
        Duration groupWait = duration(r, "group_wait", null);
        Duration groupInterval = duration(r, "group_interval", null);
        Duration repeatInterval = duration(r, "repeat_interval", null);
        if (groupInterval != null && groupInterval.isZero()) {
            throw ConfigException.invalid(r.path() + ".group_interval", "0s", "must be greater than zero");
        }
        if (repeatInterval != null && repeatInterval.isZero()) {
            throw ConfigException.invalid(r.path() + ".repeat_interval", "0s", "must be greater than zero");
        }
        List<String> mute = r.stringList("mute_time_intervals", List.of());
        List<String> active = r.stringList("active_time_intervals", List.of());
        if (isRoot && (!mute.isEmpty() || !active.isEmpty())) {
            throw ConfigException.invalid(r.path() + (mute.isEmpty() ? ".active_time_intervals" : ".mute_time_intervals"),
                    mute.isEmpty() ? active : mute, "the root route cannot have time intervals; set them on a child route");
        }
        Escalation escalation = escalation(r);
        List<Route> children = new ArrayList<>();
        for (ConfigNode c : r.children("routes")) {
            children.add(route(c, false));
        }
        return new Route(receiver, groupBy == null ? null : List.copyOf(groupBy), List.copyOf(matchers), cont,
                groupWait, groupInterval, repeatInterval, List.copyOf(children), mute, active, escalation);
    }

    /** {@code escalation: {steps: [{escalate_after, receiver}...], repeat}}, or the one-step {@code escalate_after} + {@code escalate_to}. */
    private static Escalation escalation(ConfigNode r) {
        Duration escalateAfter = duration(r, "escalate_after", null);
        String escalateTo = r.string("escalate_to", null);
        if ((escalateAfter == null) != (escalateTo == null)) {
            throw new ConfigException("Invalid value for " + r.path() + ": escalate_after and escalate_to must be set together");
        }
        if (r.has("escalation")) {
            if (escalateTo != null) {
                throw new ConfigException("Invalid value for " + r.path() + ": set either escalation or escalate_after with escalate_to, not both");
            }
            ConfigNode e = r.child("escalation");
            boolean repeat = e.bool("repeat", false);
            List<Escalation.Step> steps = new ArrayList<>();
            for (ConfigNode s : e.children("steps")) {
                Duration after = duration(s, "escalate_after", null);
                if (after == null) {
                    throw new ConfigException("Missing value for " + s.path() + ".escalate_after: how long after the previous step this one is notified");
                }
                steps.add(new Escalation.Step(s.requiredString("receiver"), after));
            }
            if (steps.isEmpty()) {
                throw new ConfigException("Missing value for " + e.path() + ".steps: an escalation needs at least one step");
            }
            if (repeat && steps.stream().map(Escalation.Step::escalateAfter).reduce(Duration.ZERO, Duration::plus).isZero()) {
                throw ConfigException.invalid(e.path() + ".repeat", true, "a repeating escalation needs a step with escalate_after above 0s");
            }
            return new Escalation(steps, repeat);
        }
        return escalateTo == null ? null : new Escalation(List.of(new Escalation.Step(escalateTo, escalateAfter)), false);
    }

    private static void checkReferences(Route route, String path, Set<String> names, Set<String> intervals) {
        if (route.receiver() != null && !names.contains(route.receiver())) {
            throw ConfigException.invalid(path + ".receiver", route.receiver(), "no receiver with this name is defined in receivers");
        }
        if (route.escalation() != null) {
            List<Escalation.Step> steps = route.escalation().steps();
            for (int i = 0; i < steps.size(); i++) {
                if (!names.contains(steps.get(i).receiver())) {
                    throw ConfigException.invalid(path + ".escalation.steps[" + i + "].receiver", steps.get(i).receiver(),
                            "no receiver with this name is defined in receivers");
                }
            }
        }
        for (String name : route.muteTimeIntervals()) {
            if (!intervals.contains(name)) {
                throw ConfigException.invalid(path + ".mute_time_intervals", name, "no time interval with this name is defined in time_intervals");
            }
        }
        for (String name : route.activeTimeIntervals()) {
            if (!intervals.contains(name)) {
                throw ConfigException.invalid(path + ".active_time_intervals", name, "no time interval with this name is defined in time_intervals");
            }
        }
        for (int i = 0; i < route.routes().size(); i++) {
            checkReferences(route.routes().get(i), path + ".routes[" + i + "]", names, intervals);
        }
    }

    private static Receiver receiver(ConfigNode r, Global global, List<String> warnings) {
        String name = r.requiredString("name");
        List<Slack> slack = new ArrayList<>();
        for (ConfigNode s : r.children("slack_configs")) {
            slack.add(slack(s, global, warnings));
        }
        List<Email> email = new ArrayList<>();
        for (ConfigNode e : r.children("email_configs")) {
            email.add(email(e, global));
        }
        List<Webhook> webhook = new ArrayList<>();
        for (ConfigNode w : r.children("webhook_configs")) {
            if (w.string("url", null) == null) {
                throw new ConfigException("Missing value for " + w.path() + ".url: a webhook needs a URL");
            }
            webhook.add(new Webhook(w.bool("send_resolved", true), url(w, "url", null, warnings), w.intInRange("max_alerts", 0, 0, Integer.MAX_VALUE)));
        }
        List<PagerDuty> pagerduty = new ArrayList<>();
        for (ConfigNode p : r.children("pagerduty_configs")) {
            pagerduty.add(pagerduty(p, global, warnings));
        }
        List<MsTeams> msteams = new ArrayList<>();
        for (ConfigNode m : r.children("msteams_configs")) {
            msteams.add(new MsTeams(m.bool("send_resolved", true), webhookUrl(m, warnings),
                    m.string("title", "{{ template \"msteams.default.title\" . }}"),
                    m.string("summary", "{{ template \"msteams.default.summary\" . }}"),
                    m.string("text", "{{ template \"msteams.default.text\" . }}")));
        }
        List<Discord> discord = new ArrayList<>();
        for (ConfigNode d : r.children("discord_configs")) {
            discord.add(new Discord(d.bool("send_resolved", true), webhookUrl(d, warnings),
                    d.string("title", "{{ template \"discord.default.title\" . }}"),
                    d.string("message", "{{ template \"discord.default.message\" . }}")));
        }
        List<OpsGenie> opsgenie = new ArrayList<>();
        for (ConfigNode o : r.children("opsgenie_configs")) {
            opsgenie.add(opsgenie(o, global, warnings));
        }
        List<Telegram> telegram = new ArrayList<>();
        for (ConfigNode t : r.children("telegram_configs")) {
            telegram.add(telegram(t, global, warnings));
        }
        return new Receiver(name, List.copyOf(slack), List.copyOf(email), List.copyOf(webhook), List.copyOf(pagerduty),
                List.copyOf(msteams), List.copyOf(discord), List.copyOf(opsgenie), List.copyOf(telegram));
    }

    /** {@code webhook_url} or {@code webhook_url_file} (exactly one), as msteams_configs and discord_configs take them. */
    private static URI webhookUrl(ConfigNode n, List<String> warnings) {
        String file = n.string("webhook_url_file", null);
        if (n.has("webhook_url") == (file != null)) {
            throw new ConfigException("Invalid value for " + n.path() + ": set exactly one of webhook_url and webhook_url_file");
        }
        if (file != null) {
            return parseUrl(n.path() + ".webhook_url_file", readFile(n.path() + ".webhook_url_file", file));
        }
        return url(n, "webhook_url", null, warnings);
    }

    private static String readFile(String key, String file) {
        try {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw ConfigException.invalid(key, file, "the file is empty");
            }
            return text;
        } catch (IOException e) {
            throw ConfigException.invalid(key, file, "cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Secret secret(ConfigNode n, String key) {
        String v = n.string(key, null);
        return v == null || v.isEmpty() ? null : Secret.of(v);
    }

    /** {@code KEY} or {@code KEY_file}, at most one. */
    private static Secret secretOrFile(ConfigNode n, String key) {
        Secret inline = secret(n, key);
        String file = n.string(key + "_file", null);
        if (inline != null && file != null) {
            throw new ConfigException("Invalid value for " + n.path() + ": set at most one of " + key + " and " + key + "_file");
        }
        return file != null ? Secret.of(readFile(n.path() + "." + key + "_file", file)) : inline;
    }

    private static OpsGenie opsgenie(ConfigNode o, Global global, List<String> warnings) {
        Secret apiKey = secretOrFile(o, "api_key");
        if (apiKey == null) {
            apiKey = global.opsgenieApiKey();
        }
        if (apiKey == null) {
            throw new ConfigException("Missing value for " + o.path() + ".api_key: set it here or global.opsgenie_api_key");
        }
        URI apiUrl = url(o, "api_url", global.opsgenieApiUrl(), warnings);
        List<OpsGenie.Responder> responders = new ArrayList<>();
        for (ConfigNode r : o.children("responders")) {
            String id = r.string("id", "");
            String name = r.string("name", "");
            String username = r.string("username", "");
            String type = r.string("type", "");
            if (id.isEmpty() && name.isEmpty() && username.isEmpty()) {
                throw new ConfigException("Missing value for " + r.path() + ": a responder needs one of id, name or username");
            }
            if (!type.contains("{{")) {
                type = type.toLowerCase(java.util.Locale.ROOT);
                if (!type.matches("team|teams|user|escalation|schedule")) {
                    throw ConfigException.invalid(r.path() + ".type", type, "must be one of team, teams, user, escalation, schedule");
                }
            }
            responders.add(new OpsGenie.Responder(id, name, username, type));
        }
        String priority = o.string("priority", "");
        if (!priority.isEmpty() && !priority.contains("{{") && !priority.matches("P[1-5]")) {
            throw ConfigException.invalid(o.path() + ".priority", priority, "must be P1, P2, P3, P4 or P5");
        }
        return new OpsGenie(o.bool("send_resolved", true), apiKey, apiUrl,
                o.string("message", "{{ template \"opsgenie.default.message\" . }}"),
                o.string("description", "{{ template \"opsgenie.default.description\" . }}"),
                o.string("source", "{{ template \"opsgenie.default.source\" . }}"),
                o.stringMap("details"), o.string("entity", ""), List.copyOf(responders), o.string("actions", ""),
                o.string("tags", ""), o.string("note", ""), priority, o.bool("update_alerts", false));
    }

    private static Telegram telegram(ConfigNode t, Global global, List<String> warnings) {
        Secret token = secretOrFile(t, "bot_token");
        if (token == null) {
            throw new ConfigException("Missing value for " + t.path() + ".bot_token: the Telegram bot's token (or bot_token_file)");
        }
        long chatId = t.longInRange("chat_id", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (chatId == 0) {
            throw new ConfigException("Missing value for " + t.path() + ".chat_id: the chat to send to");
        }
        String parseMode = t.string("parse_mode", "HTML");
        if (!parseMode.isEmpty() && !parseMode.matches("Markdown|MarkdownV2|HTML")) {
            throw ConfigException.invalid(t.path() + ".parse_mode", parseMode, "must be Markdown, MarkdownV2, HTML or empty");
        }
        return new Telegram(t.bool("send_resolved", true), url(t, "api_url", global.telegramApiUrl(), warnings), token, chatId,
                t.string("message", "{{ template \"telegram.default.message\" . }}"), t.bool("disable_notifications", false),
                parseMode);
    }

    private static Slack slack(ConfigNode s, Global global, List<String> warnings) {
        boolean placeholderGlobal = global.slackApiUrl() == null && warnings.stream().anyMatch(w -> w.startsWith("global.slack_api_url"));
        URI apiUrl = url(s, "api_url", global.slackApiUrl(), warnings);
        if (apiUrl == null && !s.has("api_url") && !placeholderGlobal) {
            throw new ConfigException("Missing value for " + s.path() + ".api_url: set it here or global.slack_api_url");
        }
        return new Slack(s.bool("send_resolved", false), apiUrl, s.string("channel", ""),
                s.string("username", "{{ template \"slack.default.username\" . }}"),
                s.string("color", DEFAULT_SLACK_COLOR),
                s.string("title", "{{ template \"slack.default.title\" . }}"),
                s.string("title_link", "{{ template \"slack.default.titlelink\" . }}"),
                s.string("pretext", "{{ template \"slack.default.pretext\" . }}"),
                s.string("text", "{{ template \"slack.default.text\" . }}"),
                s.string("fallback", "{{ template \"slack.default.fallback\" . }}"),
                s.string("footer", "{{ template \"slack.default.footer\" . }}"),
                s.string("icon_emoji", "{{ template \"slack.default.iconemoji\" . }}"),
                s.string("icon_url", "{{ template \"slack.default.iconurl\" . }}"),
                s.string("callback_id", "{{ template \"slack.default.callbackid\" . }}"),
                s.stringList("mrkdwn_in", List.of("fallback", "pretext", "text")),
                s.bool("link_names", false));
    }

    private static Email email(ConfigNode e, Global global) {
        String to = e.string("to", null);
        if (to == null || to.isBlank()) {
            throw new ConfigException("Missing value for " + e.path() + ".to: an e-mail receiver needs a recipient");
        }
        String from = e.string("from", global.smtpFrom());
        if (from == null || from.isBlank()) {
            throw new ConfigException("Missing value for " + e.path() + ".from: set it here or global.smtp_from");
        }
        String smarthost = e.string("smarthost", global.smtpSmarthost());
        if (smarthost == null || smarthost.isBlank()) {
            throw new ConfigException("Missing value for " + e.path() + ".smarthost: set it here or global.smtp_smarthost");
        }
        int colon = smarthost.lastIndexOf(':');
        if (colon <= 0 || !smarthost.substring(colon + 1).matches("\\d{1,5}")) {
            throw ConfigException.invalid(e.path() + ".smarthost", smarthost, "must be host:port, e.g. smtp.example.com:587");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        e.stringMap("headers").forEach((k, v) -> headers.put(canonicalHeader(k), v));
        headers.putIfAbsent("Subject", "{{ template \"email.default.subject\" . }}");
        headers.putIfAbsent("To", to);
        headers.putIfAbsent("From", from);
        return new Email(e.bool("send_resolved", false), to, from, smarthost, e.string("hello", global.smtpHello()),
                e.string("auth_username", global.smtpAuthUsername()), e.string("auth_password", global.smtpAuthPassword()),
                e.string("auth_identity", global.smtpAuthIdentity()), e.string("auth_secret", global.smtpAuthSecret()),
                e.bool("require_tls", global.smtpRequireTls()), tlsConfig(e.child("tls_config")), Map.copyOf(headers),
                e.string("html", "{{ template \"email.default.html\" . }}"),
                e.string("text", "{{ template \"email.default.text\" . }}"));
    }

    /** {@code tls_config} of an e-mail receiver; {@code server_name} and {@code min_version} are refused, not ignored. */
    private static AlertmanagerConfig.TlsConfig tlsConfig(ConfigNode tls) {
        for (String unsupported : List.of("server_name", "min_version", "max_version")) {
            if (tls.has(unsupported)) {
                throw ConfigException.invalid(tls.path() + "." + unsupported, tls.string(unsupported, ""),
                        "not supported by Weir's e-mail delivery; the certificate must name the smarthost's host");
            }
        }
        java.nio.file.Path cert = tls.readableFile("cert_file");
        java.nio.file.Path key = tls.readableFile("key_file");
        if ((cert == null) != (key == null)) {
            throw new ConfigException("Missing value for " + tls.path() + (cert == null ? ".cert_file" : ".key_file")
                    + ": a client certificate needs both cert_file and key_file");
        }
        return new AlertmanagerConfig.TlsConfig(tls.readableFile("ca_file"), cert, key, tls.bool("insecure_skip_verify", false));
    }

    private static String canonicalHeader(String h) {
        StringBuilder b = new StringBuilder();
        boolean up = true;
        for (char c : h.toCharArray()) {
            b.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
            up = c == '-';
        }
        return b.toString();
    }

    private static PagerDuty pagerduty(ConfigNode p, Global global, List<String> warnings) {
        String routingKey = p.string("routing_key", null);
        String serviceKey = p.string("service_key", null);
        if ((routingKey == null) == (serviceKey == null)) {
            throw new ConfigException("Invalid value for " + p.path() + ": set exactly one of routing_key and service_key");
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("firing", "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}");
        details.put("resolved", "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}");
        details.put("num_firing", "{{ .Alerts.Firing | len }}");
        details.put("num_resolved", "{{ .Alerts.Resolved | len }}");
        details.putAll(p.stringMap("details"));
        return new PagerDuty(p.bool("send_resolved", true), routingKey, serviceKey, url(p, "url", global.pagerdutyUrl(), warnings),
                p.string("client", "{{ template \"pagerduty.default.client\" . }}"),
                p.string("client_url", "{{ template \"pagerduty.default.clientURL\" . }}"),
                p.string("description", "{{ template \"pagerduty.default.description\" .}}"),
                p.string("severity", "error"), p.string("class", ""), p.string("component", ""), p.string("group", ""),
                Map.copyOf(details));
    }

    private static InhibitRule inhibitRule(ConfigNode r) {
        List<Matcher> source = legacyAndNew(r, "source_match", "source_match_re", "source_matchers");
        List<Matcher> target = legacyAndNew(r, "target_match", "target_match_re", "target_matchers");
        List<String> equal = r.stringList("equal", List.of());
        if (source.isEmpty() || target.isEmpty()) {
            throw new ConfigException("Invalid value for " + r.path() + ": an inhibit rule needs source and target matchers");
        }
        return new InhibitRule(source, target, List.copyOf(equal));
    }

    private static List<Matcher> legacyAndNew(ConfigNode r, String match, String matchRe, String matchers) {
        List<Matcher> out = new ArrayList<>();
        r.stringMap(match).forEach((k, v) -> out.add(Matcher.of(k, Matcher.Type.EQUAL, v)));
        for (Map.Entry<String, String> e : r.stringMap(matchRe).entrySet()) {
            try {
                out.add(Matcher.of(e.getKey(), Matcher.Type.REGEX, e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw ConfigException.invalid(r.path() + "." + matchRe + "." + e.getKey(), e.getValue(), ex.getMessage());
            }
        }
        List<String> texts = r.stringList(matchers, List.of());
        for (int i = 0; i < texts.size(); i++) {
            out.add(Matcher.parse(r.path() + "." + matchers + "[" + i + "]", texts.get(i)));
        }
        return List.copyOf(out);
    }

    /**
     * An absolute http(s) URL. A value written as a {@code <placeholder>} (as documentation
     * snippets do) loads, with a warning, as null.
     */
    private static URI url(ConfigNode n, String key, URI defaultValue, List<String> warnings) {
        String v = n.string(key, null);
        String path = (n.path().isEmpty() ? "" : n.path() + ".") + key;
        if (v == null) {
            return defaultValue;
        }
        if (v.strip().matches("<[^<>]*>")) {
            warnings.add(path + " is the placeholder " + v.strip() + "; deliveries through it fail until it is set to a URL");
            return null;
        }
        return parseUrl(path, v);
    }

    private static URI parseUrl(String path, String v) {
        try {
            URI uri = new URI(v.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw ConfigException.invalid(path, v, "must be an absolute http or https URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw ConfigException.invalid(path, v, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static Duration duration(ConfigNode n, String key, Duration defaultValue) {
        if (!n.has(key)) {
            n.string(key, null); // mark as read
            return defaultValue;
        }
        String v = n.string(key, null);
        return ConfigNode.parseDuration((n.path().isEmpty() ? "" : n.path() + ".") + key, v);
    }
}
