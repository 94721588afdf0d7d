package dev.weir.emitter.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The alertmanager.yml as {@code GET /api/v2/status} (and so {@code amtool config show}) shows
 * it: the YAML as written, with the value of every key that holds a secret replaced by
 * {@code <secret>}, as Alertmanager prints its {@code Secret} and {@code SecretURL} fields.
 * {@code ${ENV}} references are shown unexpanded.
 */
final class ConfigText {
    static final String SECRET = "<secret>";

    /** Keys whose value is a secret wherever they appear. */
    private static final Set<String> SECRET_KEYS = Set.of("smtp_auth_password", "smtp_auth_secret", "slack_api_url",
            "opsgenie_api_key", "auth_password", "auth_secret", "routing_key", "service_key", "api_key", "bot_token",
            "webhook_url", "password", "credentials", "token");

    private ConfigText() {}

    /**
     * @param yaml the file's text (already parsed once, so valid YAML)
     * @return the redacted YAML
     */
    static String redacted(String yaml) {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options).dump(redact(doc, ""));
    }

    private static Object redact(Object node, String parentKey) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                boolean secret = SECRET_KEYS.contains(key)
                        || (key.equals("api_url") && parentKey.equals("slack_configs"))
                        || (key.equals("url") && parentKey.equals("webhook_configs"));
                out.put(key, secret && v != null && !(v instanceof Map) && !(v instanceof List) ? SECRET : redact(v, key));
            });
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(item -> redact(item, parentKey)).toList();
        }
        return node;
    }
}
