package dev.weir.processor.config;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.processor.fingerprint.FingerprintSettings;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.redact.BuiltInRules;
import dev.weir.processor.redact.RedactionRule;
import dev.weir.processor.redact.RedactionSettings;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.validate.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * The stream-processor's configuration, read from YAML (every key is in the README's
 * configuration reference) or built with {@link #defaults(String)} and the {@code with…} methods.
 * Immutable.
 *
 * @param bootstrapServers  Kafka bootstrap servers
 * @param applicationId     Kafka Streams application id (consumer group and internal topic prefix)
 * @param stateDir          Kafka Streams state directory
 * @param streamThreads     stream threads
 * @param commitInterval    Kafka Streams commit interval (the transaction length under exactly_once_v2)
 * @param startupTimeout    how long {@code start()} waits for the RUNNING state
 * @param createTopics      whether to create Weir's topics at start when missing
 * @param topicPartitions   partitions of topics created at start
 * @param topicReplication  replication factor of topics created at start and of internal topics
 * @param httpHost          HTTP bind address
 * @param httpPort          HTTP port; 0 picks a free port
 * @param normalize         limits, routes, redaction and fingerprint settings
 */
public record ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int streamThreads,
                              Duration commitInterval, Duration startupTimeout, boolean createTopics, int topicPartitions,
                              short topicReplication, String httpHost, int httpPort, NormalizeSettings normalize) {

    /** Root of the configuration keys, used in messages. */
    public static final String ROOT = "processor";

    public ProcessorConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(httpHost, "httpHost");
        Objects.requireNonNull(normalize, "normalize");
        if (httpPort < 0 || httpPort > 65_535) {
            throw ConfigException.invalid(ROOT + ".http.port", httpPort, "must be between 0 and 65535");
        }
    }

    /**
     * The defaults of every key, against the given Kafka.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @return the configuration
     */
    public static ProcessorConfig defaults(String bootstrapServers) {
        return new ProcessorConfig(bootstrapServers, "weir-processor", defaultStateDir(), 1, Duration.ofMillis(100),
                Duration.ofSeconds(120), true, 3, (short) 1, "0.0.0.0", 8080, NormalizeSettings.DEFAULTS);
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "weir-processor");
    }

    /** @return a copy with another HTTP port (0 = any free port) */
    public ProcessorConfig withHttpPort(int port) {
        return new ProcessorConfig(bootstrapServers, applicationId, stateDir, streamThreads, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, httpHost, port, normalize);
    }

    /** @return a copy with another state directory */
    public ProcessorConfig withStateDir(Path dir) {
        return new ProcessorConfig(bootstrapServers, applicationId, dir, streamThreads, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, httpHost, httpPort, normalize);
    }

    /** @return a copy with other bootstrap servers */
    public ProcessorConfig withBootstrapServers(String servers) {
        return new ProcessorConfig(servers, applicationId, stateDir, streamThreads, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, httpHost, httpPort, normalize);
    }

    /** @return a copy with another application id */
    public ProcessorConfig withApplicationId(String id) {
        return new ProcessorConfig(bootstrapServers, id, stateDir, streamThreads, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, httpHost, httpPort, normalize);
    }

    /** @return a copy with other normalise settings */
    public ProcessorConfig withNormalize(NormalizeSettings settings) {
        return new ProcessorConfig(bootstrapServers, applicationId, stateDir, streamThreads, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, httpHost, httpPort, settings);
    }

    /**
     * Reads a configuration file; keys not given take their defaults, unknown keys are errors.
     *
     * @param file a YAML file
     * @return the configuration
     * @throws ConfigException naming the first bad key
     */
    public static ProcessorConfig load(Path file) {
        return from(ConfigNode.load(file, ROOT));
    }

    /**
     * @param root the root node of a processor configuration
     * @return the configuration
     * @throws ConfigException naming the first bad key
     */
    public static ProcessorConfig from(ConfigNode root) {
        ProcessorConfig d = defaults("127.0.0.1:9092");
        String bootstrap = root.string("bootstrap-servers", d.bootstrapServers());
        String appId = root.string("application-id", d.applicationId());
        if (!appId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw ConfigException.invalid(ROOT + ".application-id", appId, "use only letters, digits, '.', '_' and '-'");
        }
        Path stateDir = Path.of(root.string("state-dir", d.stateDir().toString()));
        int threads = root.intInRange("stream-threads", d.streamThreads(), 1, 64);
        Duration commit = root.duration("commit-interval", d.commitInterval(), Duration.ofMillis(10), Duration.ofMinutes(5));
        Duration startup = root.duration("startup-timeout", d.startupTimeout(), Duration.ofSeconds(1), Duration.ofHours(1));

        ConfigNode topics = root.child("topics");
        boolean create = topics.bool("create", d.createTopics());
        int partitions = topics.intInRange("partitions", d.topicPartitions(), 1, 10_000);
        short replication = (short) topics.intInRange("replication-factor", d.topicReplication(), 1, 32);

        ConfigNode http = root.child("http");
        String host = http.string("host", d.httpHost());
        int port = http.intInRange("port", d.httpPort(), 0, 65_535);

        ConfigNode limitsNode = root.child("limits");
        Limits dl = Limits.DEFAULTS;
        Limits limits = new Limits(
                limitsNode.bytes("max-event-size", dl.maxEventBytes(), 64, 64L * 1024 * 1024),
                limitsNode.intInRange("max-depth", dl.maxDepth(), 1, 500),
                limitsNode.intInRange("max-fields", dl.maxFields(), 1, 1_000_000),
                limitsNode.intInRange("max-string-length", dl.maxStringLength(), 16, 64 * 1024 * 1024),
                limitsNode.duration("max-past", dl.maxPast(), Duration.ZERO, Duration.ofDays(36_500)),
                limitsNode.duration("max-future", dl.maxFuture(), Duration.ZERO, Duration.ofDays(36_500)));

        ConfigNode routesNode = root.child("routes");
        int maxRoutes = routesNode.intInRange("max-per-service", RouteSettings.DEFAULTS.maxPerService(), 1, 100_000);
        List<String> loginRoutes = routesNode.stringList("login-routes", RouteSettings.DEFAULTS.sortedLoginRoutes());
        RouteSettings routes;
        try {
            routes = new RouteSettings(maxRoutes, new LinkedHashSet<>(loginRoutes));
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(ROOT + ".routes.login-routes", loginRoutes, e.getMessage());
        }

        RedactionSettings redaction = redaction(root.child("redaction"));

        ConfigNode fp = root.child("fingerprint");
        FingerprintSettings fingerprint = new FingerprintSettings(
                fp.stringList("in-app-packages", List.of()),
                fp.intInRange("max-frames", FingerprintSettings.DEFAULTS.maxFrames(), 1, 50));

        root.finish();
        return new ProcessorConfig(bootstrap, appId, stateDir, threads, commit, startup, create, partitions, replication,
                host, port, new NormalizeSettings(limits, routes, redaction, fingerprint));
    }

    private static RedactionSettings redaction(ConfigNode node) {
        Set<String> builtIn = new HashSet<>();
        BuiltInRules.all().forEach(r -> builtIn.add(r.name()));
        List<String> disabled = node.stringList("disabled", List.of());
        for (String name : disabled) {
            if (!builtIn.contains(name)) {
                throw ConfigException.invalid(ROOT + ".redaction.disabled", name, "not a built-in rule; known: " + builtIn.stream().sorted().toList());
            }
        }
        List<RedactionSettings.Custom> custom = new ArrayList<>();
        Set<String> names = new HashSet<>(builtIn);
        for (ConfigNode c : node.children("custom")) {
            String name = c.requiredString("name");
            String pattern = c.requiredString("pattern");
            String replacement = c.string("replacement", RedactionRule.REDACTED);
            if (!name.matches("[a-z0-9_]{1,64}")) {
                throw ConfigException.invalid(c.path() + ".name", name, "use lower-case letters, digits and '_'");
            }
            if (!names.add(name)) {
                throw ConfigException.invalid(c.path() + ".name", name, "another rule has this name");
            }
            try {
                RedactionRule.of(name, pattern, replacement);
            } catch (PatternSyntaxException e) {
                throw ConfigException.invalid(c.path() + ".pattern", pattern, "not a valid regular expression: "
                        + e.getDescription());
            }
            custom.add(new RedactionSettings.Custom(name, pattern, replacement));
        }
        return new RedactionSettings(Set.copyOf(disabled), custom);
    }
}
