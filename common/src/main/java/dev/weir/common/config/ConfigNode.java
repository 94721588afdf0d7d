package dev.weir.common.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A strict, typed view of one YAML mapping. Every accessor records the key it read;
 * {@link #finish()} then rejects any key that was never read, so a typo such as
 * {@code procesor.http.port} stops the process with a message naming it instead of being
 * ignored. Values of the form {@code ${NAME}} or {@code ${NAME:-default}} are expanded from
 * the environment, {@code ${file:/path}} from a file (Docker and Kubernetes secrets), without
 * its trailing line break, unless the node was read with {@link #parseVerbatim}. A key that an earlier version spelled with underscores
 * ({@code data_dir}) is reported with its kebab-case spelling.
 *
 * <p>Written here rather than taken from a library: the config libraries of this field
 * (Kafka's ConfigDef, Typesafe Config) either do not read YAML trees or do not reject
 * unknown nested keys with the one-line messages our components must print.
 *
 * <p>Not thread-safe; use it in {@code main} while building the component's config record.
 */
public final class ConfigNode {
    private static final Pattern ENV = Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?)}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

    private final String path;
    private final Map<String, Object> values;
    /** Where {@code ${NAME}} is looked up; {@code null} when values are taken verbatim. */
    private final Map<String, String> env;
    private final Set<String> read = new LinkedHashSet<>();
    private final List<ConfigNode> children = new ArrayList<>();

    private ConfigNode(String path, Map<String, Object> values, Map<String, String> env) {
        this.path = path;
        this.values = values;
        this.env = env;
    }

    /**
     * Reads a YAML file whose top level is a mapping.
     *
     * @param file the file to read
     * @param rootPath the prefix used in messages, e.g. {@code processor}
     * @return the root node
     * @throws ConfigException when the file is missing, unreadable or not a mapping
     */
    public static ConfigNode load(Path file, String rootPath) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, rootPath, System.getenv(), file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    /** Parses YAML text; {@code origin} names it in messages. Visible for tests. */
    public static ConfigNode parse(Reader reader, String rootPath, Map<String, String> env, String origin) {
        return read(reader, rootPath, Objects.requireNonNull(env, "env"), origin);
    }

    /**
     * Parses YAML text taking every value as written: {@code ${…}} is not expanded. For definition files that reach a
     * running service from outside (rule files published to a topic), where expanding would let their author read the
     * service's environment and files.
     *
     * @param yaml the text
     * @param rootPath the prefix used in messages; empty for none
     * @param origin names the text in messages, e.g. its file name
     * @return the root node
     * @throws ConfigException when the text is not YAML or not a mapping; its {@link ConfigException#key()} is null
     */
    public static ConfigNode parseVerbatim(String yaml, String rootPath, String origin) {
        return read(new StringReader(yaml), rootPath, null, origin);
    }

    private static ConfigNode read(Reader reader, String rootPath, Map<String, String> env, String origin) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (YAMLException e) {
            String reason = "not valid YAML: " + e.getMessage().replace('\n', ' ');
            throw ConfigException.ofFile("Configuration " + origin + " is " + reason, reason);
        }
        if (doc == null) {
            return empty(rootPath, env);
        }
        if (!(doc instanceof Map<?, ?> map)) {
            String reason = "must be a YAML mapping at the top level";
            throw ConfigException.ofFile("Configuration " + origin + " " + reason, reason);
        }
        return new ConfigNode(rootPath, asStringMap(rootPath, map), env);
    }

    /** A node with no keys: every accessor returns its default. */
    public static ConfigNode empty(String rootPath) {
        return empty(rootPath, System.getenv());
    }

    private static ConfigNode empty(String rootPath, Map<String, String> env) {
        return new ConfigNode(rootPath, new LinkedHashMap<>(), env);
    }

    /** The dotted path of this node, e.g. {@code agent.http}. */
    public String path() {
        return path;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** @return whether {@code key} holds a mapping, for keys that take either a list or a mapping */
    public boolean isMapping(String key) {
        return values.get(key) instanceof Map;
    }

    /** The keys present in this mapping, in file order (e.g. for maps of named entries). */
    public Set<String> keys() {
        return values.keySet();
    }

    private String key(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Object raw(String key) {
        read.add(key);
        Object value = values.get(key);
        return value instanceof String s ? expand(key, s) : value;
    }

    private String expand(String key, String s) {
        if (env == null) {
            return s;
        }
        Matcher m = ENV.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1) != null) {
                value = readSecretFile(key, s, m.group(1).trim());
            } else {
                value = env.get(m.group(2));
                if (value == null) {
                    value = m.group(3);
                }
                if (value == null) {
                    throw invalidValue(key, s, "environment variable " + m.group(2) + " is not set");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String readSecretFile(String key, String template, String file) {
        try {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            // a secret file usually ends with a line break that is not part of the secret
            return text.replaceAll("[\\r\\n]+$", "");
        } catch (IOException | RuntimeException e) {
            throw invalidValue(key, template, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ConfigException invalidValue(String key, Object value, String reason) {
        return ConfigException.invalid(key(key), value, reason);
    }

    public String string(String key, String defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Map || v instanceof List) {
            throw invalidValue(key, v, "must be a single value, not a list or mapping");
        }
        return v.toString();
    }

    public String requiredString(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            throw new ConfigException("Missing value for " + key(key) + ": it is required");
        }
        return v;
    }

    /**
     * A password, token or key. Messages about it never show its value.
     *
     * @param key the key
     * @return the secret, or {@code null} when the key is absent or empty
     */
    public Secret secret(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException("Invalid value for " + key(key) + ": must be a single value, not a list or mapping");
        }
        String s = v.toString();
        return s.isEmpty() ? null : Secret.of(s);
    }

    /**
     * A file that must exist and be readable now.
     *
     * @param key the key
     * @return the path, or {@code null} when absent
     */
    public Path readableFile(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isRegularFile(p)) {
            throw invalidValue(key, v, "no such file");
        }
        if (!Files.isReadable(p)) {
            throw invalidValue(key, v, "the file is not readable by this process");
        }
        return p;
    }

    /**
     * Stops the start when a key that has moved is still used.
     *
     * @param oldKey the key as it was spelled here
     * @param newPath where it lives now, relative to this node, e.g. {@code kafka.bootstrap-servers}
     * @throws ConfigException naming both spellings
     */
    public void moved(String oldKey, String newPath) {
        if (values.containsKey(oldKey)) {
            throw new ConfigException("Configuration key " + key(oldKey) + " is now " + key(newPath) + "; rename it");
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalidValue(key, v, "must be true or false");
        };
    }

    public long longInRange(String key, long defaultValue, long min, long max) {
        Object v = raw(key);
        long value;
        if (v == null) {
            value = defaultValue;
        } else if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
            value = n.longValue();
        } else {
            try {
                value = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw invalidValue(key, v, "must be a whole number");
            }
        }
        if (value < min || value > max) {
            throw invalidValue(key, value, "must be between " + min + " and " + max);
        }
        return value;
    }

    public int intInRange(String key, int defaultValue, int min, int max) {
        return (int) longInRange(key, defaultValue, min, max);
    }

    public double doubleInRange(String key, double defaultValue, double min, double max) {
        Object v = raw(key);
        double value;
        if (v == null) {
            value = defaultValue;
        } else if (v instanceof Number n) {
            value = n.doubleValue();
        } else {
            try {
                value = Double.parseDouble(v.toString().trim());
            } catch (NumberFormatException e) {
                throw invalidValue(key, v, "must be a number");
            }
        }
        if (!(value >= min && value <= max)) {
            throw invalidValue(key, value, "must be between " + min + " and " + max);
        }
        return value;
    }

    /**
     * A duration of any length, in the form of {@link #durationOrNull}.
     *
     * @param defaultValue returned when the key is absent; may be {@code null}
     */
    public Duration duration(String key, Duration defaultValue) {
        Object v = raw(key);
        return v == null ? defaultValue : parseDuration(key(key), v.toString());
    }

    /** Durations in Prometheus' form ({@link #durationOrNull}): {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 7d}. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        Object v = raw(key);
        Duration value = v == null ? defaultValue : parseDuration(key(key), v.toString());
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw invalidValue(key, v == null ? value : v, "must be between " + min + " and " + max);
        }
        return value;
    }

    /**
     * Parses a Prometheus-style duration such as {@code 1h30m} or {@code 250ms}.
     *
     * @throws ConfigException naming {@code key} when the text is not a duration
     */
    public static Duration parseDuration(String key, String text) {
        Duration d = durationOrNull(text);
        if (d == null) {
            throw ConfigException.invalid(key, text, "must be a duration such as 500ms, 30s, 5m, 1h or 7d");
        }
        return d;
    }

    /**
     * Weir's one duration grammar, Prometheus' own: whole numbers with a unit, largest first or not, run together
     * ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 7d}, {@code 2w}), or {@code 0}. Every
     * configuration, rule and probe file reads durations with it.
     *
     * @param text the text, surrounding blanks ignored
     * @return the duration, or {@code null} when the text is not one
     */
    public static Duration durationOrNull(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        try {
            while (m.find() && m.start() == at) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(Math.multiplyExact(n, 7));
                });
                at = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return null; // more than a Duration holds
        }
        return at == 0 || at != s.length() ? null : total;
    }

    public long bytes(String key, long defaultValue, long min, long max) {
        Object v = raw(key);
        long value = defaultValue;
        if (v != null) {
            Matcher m = SIZE.matcher(v.toString().trim());
            if (!m.matches()) {
                throw invalidValue(key, v, "must be a size such as 1048576, 512KiB or 64MiB");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            value = switch (unit) {
                case "KB" -> n * 1000L;
                case "KIB" -> n * 1024L;
                case "MB" -> n * 1000_000L;
                case "MIB" -> n * 1024L * 1024L;
                case "GB" -> n * 1000_000_000L;
                case "GIB" -> n * 1024L * 1024L * 1024L;
                default -> n;
            };
        }
        if (value < min || value > max) {
            throw invalidValue(key, v == null ? value : v, "must be between " + min + " and " + max + " bytes");
        }
        return value;
    }

    public URI uri(String key, URI defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            URI uri = new URI(v);
            if (uri.getScheme() == null) {
                throw invalidValue(key, v, "must be an absolute URL such as http://host:port/path");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw invalidValue(key, v, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.replace('-', '_'))) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw invalidValue(key, v, "must be one of " + allowed);
    }

    /** A list of strings; a single string is a list of one. */
    public List<String> stringList(String key, List<String> defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (item instanceof Map || item instanceof List) {
                    throw invalidValue(key, item, "must be a list of plain values");
                }
                if (item == null) {
                    throw invalidValue(key, "~", "must not have an empty item (item " + (out.size() + 1) + ")");
                }
                out.add(item instanceof String s ? expand(key, s) : String.valueOf(item));
            }
            return List.copyOf(out);
        }
        if (v instanceof Map) {
            throw invalidValue(key, v, "must be a list");
        }
        return List.of(v.toString());
    }

    /** A string-to-string mapping, e.g. labels. */
    public Map<String, String> stringMap(String key) {
        Object v = raw(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw invalidValue(key, v, "must be a mapping of names to values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, val) -> out.put(String.valueOf(k), val instanceof String s ? expand(key, s) : String.valueOf(val)));
        return Map.copyOf(out);
    }

    /** The nested mapping under {@code key}; an empty node when absent. */
    public ConfigNode child(String key) {
        Object v = raw(key);
        ConfigNode node;
        if (v == null) {
            node = new ConfigNode(key(key), new LinkedHashMap<>(), env);
        } else if (v instanceof Map<?, ?> map) {
            node = new ConfigNode(key(key), asStringMap(key(key), map), env);
        } else {
            throw invalidValue(key, v, "must be a mapping");
        }
        children.add(node);
        return node;
    }

    /** The list of mappings under {@code key} (e.g. receivers); empty when absent. */
    public List<ConfigNode> children(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw invalidValue(key, v, "must be a list of mappings");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String itemPath = key(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw ConfigException.invalid(itemPath, list.get(i), "must be a mapping");
            }
            ConfigNode node = new ConfigNode(itemPath, asStringMap(itemPath, map), env);
            children.add(node);
            out.add(node);
        }
        return out;
    }

    /**
     * Rejects keys that were never read, here and in every child taken from this node.
     *
     * @throws ConfigException naming the first unknown key
     */
    public void finish() {
        for (String key : values.keySet()) {
            if (!read.contains(key) && key.contains("_") && read.contains(key.replace('_', '-'))) {
                throw new ConfigException("Configuration key " + key(key) + " is now spelled "
                        + key(key.replace('_', '-')) + "; rename it");
            }
            if (!read.contains(key)) {
                throw new ConfigException("Unknown configuration key " + key(key)
                        + (read.isEmpty() ? "" : "; known keys here: " + String.join(", ", read)));
            }
        }
        children.forEach(ConfigNode::finish);
    }

    private static Map<String, Object> asStringMap(String path, Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(Objects.toString(k), v));
        return out;
    }
}
