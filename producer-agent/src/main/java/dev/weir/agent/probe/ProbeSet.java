package dev.weir.agent.probe;

import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.YamlFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Validated probe definitions read from probe files (YAML, a top-level {@code probes:} list; the
 * agent's README documents every field). Loading is all or nothing: the first problem throws a
 * {@link ProbeException} naming the file, the probe and the field. Probe names are unique.
 * Immutable.
 */
public final class ProbeSet {
    /** Longest interval a probe may have. */
    public static final Duration MAX_INTERVAL = Duration.ofHours(1);
    private static final Set<String> FIELDS = new TreeSet<>(List.of("name", "service", "type", "url", "address", "method",
            "headers", "body", "interval", "timeout", "expect", "tls"));
    private static final Set<String> EXPECT_FIELDS = new TreeSet<>(List.of("status", "body_contains", "json"));
    private static final Set<String> TLS_FIELDS = Set.of("expiry_warning");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private final Map<String, ProbeDefinition> probes;

    private ProbeSet(Map<String, ProbeDefinition> probes) {
        this.probes = java.util.Collections.unmodifiableMap(new TreeMap<>(probes));
    }

    /** @return name → probe, by name */
    public Map<String, ProbeDefinition> probes() {
        return probes;
    }

    /**
     * Loads one probe file, or every {@code *.yml} / {@code *.yaml} file directly in a directory.
     *
     * @param path a file or a directory
     * @return the probes
     * @throws ProbeException       when a probe is invalid, two share a name, or the path holds no probe file
     * @throws UncheckedIOException when a file cannot be read
     */
    public static ProbeSet load(Path path) {
        Map<String, String> files;
        try {
            files = YamlFiles.read(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ProbeException(path.toString(), null, null, "no such file or directory");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read probes from " + path + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ProbeException(path.toString(), null, null, "the directory holds no .yml or .yaml file; put probe files there or name a file");
        }
        return parse(files);
    }

    /**
     * @param files file name → YAML text
     * @return the probes of all files
     * @throws ProbeException at the first invalid probe, or when two probes share a name
     */
    public static ProbeSet parse(Map<String, String> files) {
        Map<String, ProbeDefinition> all = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : new TreeMap<>(files).entrySet()) {
            Object doc = yaml(f.getKey(), f.getValue());
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map<?, ?> top) || !top.keySet().stream().allMatch("probes"::equals)) {
                throw new ProbeException(f.getKey(), null, null, "the top level must be a mapping with only a probes: list");
            }
            Object list = top.get("probes");
            if (list == null) {
                continue;
            }
            if (!(list instanceof List<?> items)) {
                throw new ProbeException(f.getKey(), null, "probes", "must be a list of probes");
            }
            int index = 0;
            for (Object item : items) {
                index++;
                ProbeDefinition p = definition(f.getKey(), "#" + index, item);
                String other = origin.putIfAbsent(p.name(), f.getKey());
                if (other != null) {
                    throw new ProbeException(f.getKey(), p.name(), "name", "the name is already used by a probe in " + other
                            + "; probe names must be unique across all files");
                }
                all.put(p.name(), p);
            }
        }
        return new ProbeSet(all);
    }

    /**
     * Reads one probe as published on the probes topic.
     *
     * @param name the record key
     * @param yaml the record value: one probe's mapping
     * @return the probe
     * @throws ProbeException when it is invalid or its name is not the key
     */
    public static ProbeDefinition parseOne(String name, String yaml) {
        ProbeDefinition p = definition("probes topic", name, yaml(name, yaml));
        if (!p.name().equals(name)) {
            throw new ProbeException("probes topic", name, "name", "differs from the record key " + name);
        }
        return p;
    }

    private static Object yaml(String file, String text) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new ProbeException(file, null, null, "not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
    }

    private static ProbeDefinition definition(String file, String label, Object item) {
        if (!(item instanceof Map<?, ?> raw)) {
            throw new ProbeException(file, label, null, "each probe must be a mapping");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        raw.forEach((k, v) -> map.put(String.valueOf(k), v));
        Object n = map.get("name");
        if (n == null || !NAME.matcher(n.toString()).matches()) {
            throw new ProbeException(file, label, "name", "is required: letters, digits, _ . - (at most 100), e.g. name: checkout-health"
                    + (n == null ? "" : " (got \"" + n + "\")"));
        }
        return new Fields(file, n.toString(), map).definition();
    }

    /** Reads one probe mapping, naming the probe and the field in every problem. */
    private static final class Fields {
        private final String file;
        private final String name;
        private final Map<String, Object> map;

        Fields(String file, String name, Map<String, Object> map) {
            this.file = file;
            this.name = name;
            this.map = map;
        }

        ProbeException bad(String field, String reason) {
            return new ProbeException(file, name, field, reason);
        }

        ProbeDefinition definition() {
            unknown(map, FIELDS, "");
            String type = text(map, "type", map.containsKey("address") && !map.containsKey("url") ? "tcp" : "http").toLowerCase(Locale.ROOT);
            Duration interval = duration(map, "interval", Duration.ofSeconds(30), Duration.ofSeconds(1), MAX_INTERVAL);
            Duration timeout = duration(map, "timeout", Duration.ofSeconds(10).compareTo(interval) < 0 ? Duration.ofSeconds(10) : interval,
                    Duration.ofMillis(10), Duration.ofMinutes(5));
            if (timeout.compareTo(interval) > 0) {
                throw bad("timeout", "must not be longer than interval (" + interval.toSeconds() + "s), or runs would overlap");
            }
            String service = text(map, "service", name);
            String yaml = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(new DumperOptions()), dumper()).dump(map);
            if (type.equals("tcp")) {
                for (String f : List.of("url", "method", "headers", "body", "expect", "tls")) {
                    if (map.containsKey(f)) {
                        throw bad(f, "is for http probes; a tcp probe only connects to address");
                    }
                }
                String address = text(map, "address", null);
                if (address == null) {
                    throw bad("address", "is required for a tcp probe: host:port, e.g. db.internal:5432");
                }
                int colon = address.lastIndexOf(':');
                int port = -1;
                try {
                    port = colon <= 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw bad("address", "must be host:port with a port between 1 and 65535 (got \"" + address + "\")");
                }
                String host = address.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                return new ProbeDefinition(name, service, ProbeDefinition.Type.TCP, null, host, port, null, Map.of(), null,
                        interval, timeout, null, null, null, null, yaml);
            }
            if (!type.equals("http")) {
                throw bad("type", "must be http or tcp (got \"" + type + "\")");
            }
            if (map.containsKey("address")) {
                throw bad("address", "is for tcp probes; an http probe asks url");
            }
            URI url = url();
            String method = text(map, "method", "GET").toUpperCase(Locale.ROOT);
            if (!METHOD.matcher(method).matches()) {
                throw bad("method", "must be an HTTP method such as GET or HEAD (got \"" + method + "\")");
            }
            Map<String, String> headers = headers();
            String body = text(map, "body", null);
            Map<String, Object> expect = mapping(map, "expect");
            unknown(expect, EXPECT_FIELDS, "expect.");
            StatusSet status = StatusSet.SUCCESS;
            if (expect.get("status") != null) {
                Object s = expect.get("status");
                try {
                    status = StatusSet.parse(s instanceof List<?> l ? l : List.of(s));
                } catch (IllegalArgumentException e) {
                    throw bad("expect.status", e.getMessage());
                }
            }
            String contains = text(expect, "body_contains", null);
            if (contains != null && contains.isEmpty()) {
                throw bad("expect.body_contains", "must not be empty");
            }
            JsonCheck json = null;
            if (expect.get("json") != null) {
                try {
                    json = JsonCheck.parse(text(expect, "json", null));
                } catch (IllegalArgumentException e) {
                    throw bad("expect.json", e.getMessage());
                }
            }
            Map<String, Object> tls = mapping(map, "tls");
            unknown(tls, TLS_FIELDS, "tls.");
            Duration warning = null;
            if (tls.get("expiry_warning") != null) {
                if (!url.getScheme().equals("https")) {
                    throw bad("tls.expiry_warning", "needs an https:// url");
                }
                warning = duration(tls, "expiry_warning", null, Duration.ofDays(1), Duration.ofDays(365));
            }
            return new ProbeDefinition(name, service, ProbeDefinition.Type.HTTP, url, null, -1, method, headers, body, interval,
                    timeout, status, contains, json, warning, yaml);
        }

        private static DumperOptions dumper() {
            DumperOptions o = new DumperOptions();
            o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            return o;
        }

        private URI url() {
            String text = text(map, "url", null);
            if (text == null) {
                throw bad("url", "is required for an http probe, e.g. url: https://checkout.internal/health");
            }
            try {
                URI url = new URI(text);
                if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
                    throw bad("url", "must be an absolute http:// or https:// URL (got \"" + text + "\")");
                }
                return url;
            } catch (URISyntaxException e) {
                throw bad("url", "is not a URL: " + e.getMessage());
            }
        }

        private Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Map.Entry<String, Object> h : mapping(map, "headers").entrySet()) {
                if (!HEADER.matcher(h.getKey()).matches()) {
                    throw bad("headers." + h.getKey(), "is not a valid header name");
                }
                if (h.getValue() == null || h.getValue() instanceof Map || h.getValue() instanceof List) {
                    throw bad("headers." + h.getKey(), "must be text");
                }
                String v = h.getValue().toString();
                if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                    throw bad("headers." + h.getKey(), "must be one line");
                }
                headers.put(h.getKey(), v);
            }
            return headers;
        }

        private void unknown(Map<String, Object> m, Set<String> known, String prefix) {
            for (String k : m.keySet()) {
                if (!known.contains(k)) {
                    throw bad(prefix + k, "unknown field; known fields: " + String.join(", ", known));
                }
            }
        }

        private Map<String, Object> mapping(Map<String, Object> m, String field) {
            Object v = m.get(field);
            if (v == null) {
                return Map.of();
            }
            if (!(v instanceof Map<?, ?> raw)) {
                throw bad(field, "must be a mapping");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            raw.forEach((k, x) -> out.put(String.valueOf(k), x));
            return out;
        }

        private String text(Map<String, Object> m, String field, String defaultValue) {
            Object v = m.get(field);
            if (v == null) {
                return defaultValue;
            }
            if (v instanceof Map || v instanceof List) {
                throw bad(field, "must be a single value, not a list or mapping");
            }
            return v.toString();
        }

        private Duration duration(Map<String, Object> m, String field, Duration defaultValue, Duration min, Duration max) {
            Object v = m.get(field);
            if (v == null) {
                return defaultValue;
            }
            Duration d = parseDuration(v.toString().trim());
            if (d == null) {
                throw bad(field, "must be a duration such as 500ms, 30s, 5m or 14d (got \"" + v + "\")");
            }
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw bad(field, "must be between " + text(min) + " and " + text(max) + " (got " + v + ")");
            }
            return d;
        }

        private static String text(Duration d) {
            return d.toMillis() % 86_400_000 == 0 ? d.toDays() + "d" : d.toMillis() % 3_600_000 == 0 ? d.toHours() + "h"
                    : d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m" : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
    }

    static Duration parseDuration(String text) {
        return ConfigNode.durationOrNull(text);
    }
}
