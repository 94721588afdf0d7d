package dev.weir.processor.config;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.ops.HttpServerSettings;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.RedactionRule;
import dev.weir.common.redact.RedactionSettings;
import dev.weir.processor.fingerprint.FingerprintSettings;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.route.RouteSettings;
import dev.weir.processor.validate.Limits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The stream-processor's configuration, read from YAML (every key is in the README's
 * configuration reference) or built with {@link #defaults(String)} and the {@code with…} methods.
 * Immutable.
 *
 * @param kafka             the {@code kafka:} block: bootstrap servers, security, client properties
 * @param applicationId     Kafka Streams application id (consumer group and internal topic prefix)
 * @param stateDir          Kafka Streams state directory
 * @param streamThreads     stream threads; by default one per core the JVM sees ({@link #defaultStreamThreads()})
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param commitInterval    Kafka Streams commit interval (the transaction length under exactly_once_v2)
 * @param startupTimeout    how long {@code start()} waits for the RUNNING state
 * @param createTopics      whether to create Weir's topics at start when missing
 * @param topicPartitions   partitions of topics created at start
 * @param topicReplication  replication factor of topics created at start and of internal topics
 * @param http              HTTP server: bind address, port (0 picks a free port at start), token, TLS
 * @param advertisedHost    the host other instances reach this one's HTTP server at; with the HTTP port it is
 *                          the Kafka Streams {@code application.server}, so queries can be forwarded to the owner
 * @param standbyReplicas   Kafka Streams standby replicas per stateful task
 * @param sessionTimeout    consumer session timeout: how long a dead instance keeps its partitions
 * @param normalize         limits, routes, redaction and fingerprint settings
 * @param measure           windows, grace, caps and login thresholds of the measuring stage
 * @param rules             where the alert rules come from, Kibana link, evaluation interval
 */
public record ProcessorConfig(KafkaSettings kafka, String applicationId, Path stateDir, int streamThreads,
                              String processingGuarantee,
                              Duration commitInterval, Duration startupTimeout, boolean createTopics, int topicPartitions,
                              short topicReplication, HttpServerSettings http, String advertisedHost,
                              int standbyReplicas, Duration sessionTimeout, NormalizeSettings normalize,
                              MeasureSettings measure, Rules rules) {

    /**
     * Where the rules come from.
     *
     * @param path               a rule file or a directory of {@code *.yml} files; {@code null} for the default pack
     *                           shipped in the jar. Either is used only while {@code weir.rules} is empty
     * @param kibanaUrl          Kibana base URL for the alerts' Discover links; {@code null} for none
     * @param evaluationInterval how often (wall clock) rules are re-evaluated without events
     */
    public record Rules(Path path, URI kibanaUrl, Duration evaluationInterval) {
        /** The default pack, no Kibana link, 1 s evaluation. */
        public static final Rules DEFAULTS = new Rules(null, null, Duration.ofSeconds(1));

        public Rules {
            Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        }
    }

    /** Accepted processing guarantees; the first is the default. */
    public static final List<String> GUARANTEES = List.of("exactly_once_v2", "at_least_once");

    /** Root of the configuration keys, used in messages. */
    public static final String ROOT = "processor";

    public ProcessorConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        if (!GUARANTEES.contains(processingGuarantee)) {
            throw ConfigException.invalid(ROOT + ".processing-guarantee", processingGuarantee, "use one of " + GUARANTEES);
        }
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(normalize, "normalize");
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(rules, "rules");
    }

    /**
     * @return the Kafka Streams settings that decide how the processor runs its record loop: the connection, security and
     *         the user's client properties, then application id, processing guarantee, state directory, stream threads
     *         and commit interval
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        // connection, security and the user's client properties first; the processor's own choices below
        p.putAll(kafka.clientProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        return p;
    }

    /** @return the Kafka bootstrap servers */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** @return the HTTP bind address */
    public String httpHost() {
        return http.host();
    }

    /** @return the HTTP port; 0 picks a free port at start */
    public int httpPort() {
        return http.port();
    }

    /**
     * The defaults of every key, against the given Kafka.
     *
     * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
     * @return the configuration
     */
    public static ProcessorConfig defaults(String bootstrapServers) {
        return new ProcessorConfig(KafkaSettings.plaintext(bootstrapServers), "weir-processor", defaultStateDir(), defaultStreamThreads(),
                GUARANTEES.get(0), Duration.ofMillis(100), Duration.ofSeconds(120), true, 3, (short) 1, HttpServerSettings.of("0.0.0.0", 8080),
                "127.0.0.1", 0, Duration.ofSeconds(45),
                NormalizeSettings.DEFAULTS, MeasureSettings.defaults(), Rules.DEFAULTS);
    }

    /**
     * @param host the HTTP bind address
     * @return {@code host}, or {@code 127.0.0.1} for a wildcard address, which other instances cannot dial
     */
    static String advertisedDefault(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank() ? "127.0.0.1" : host;
    }

    /**
     * One stream thread per core the JVM sees, at most 64. Kafka Streams' own default is one thread,
     * which leaves every other core idle: on the 2-core test box a second thread gave about a quarter
     * more events/s (BENCHMARKS.md). Threads beyond the number of tasks stay idle, which costs little.
     *
     * @return the default of {@code stream-threads}
     */
    public static int defaultStreamThreads() {
        return Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
    }

    private static Path defaultStateDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "weir-processor");
    }

    /** @return a copy with another HTTP port (0 = any free port) */
    public ProcessorConfig withHttpPort(int port) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http.withPort(port), advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another state directory */
    public ProcessorConfig withStateDir(Path dir) {
        return new ProcessorConfig(kafka, applicationId, dir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with other Kafka settings */
    public ProcessorConfig withKafka(KafkaSettings k) {
        return new ProcessorConfig(k, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with other HTTP settings */
    public ProcessorConfig withHttp(HttpServerSettings h) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, h, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with other bootstrap servers */
    public ProcessorConfig withBootstrapServers(String servers) {
        return new ProcessorConfig(kafka.withBootstrapServers(servers), applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another application id */
    public ProcessorConfig withApplicationId(String id) {
        return new ProcessorConfig(kafka, id, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with other normalise settings */
    public ProcessorConfig withNormalize(NormalizeSettings settings) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, settings, measure, rules);
    }

    /** @return a copy with other measuring settings */
    public ProcessorConfig withMeasure(MeasureSettings settings) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, settings, rules);
    }

    /** @return a copy with another rule source, Kibana link or evaluation interval */
    public ProcessorConfig withRules(Rules r) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, r);
    }

    /** @return a copy with another host advertised to the other instances */
    public ProcessorConfig withAdvertisedHost(String host) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, host, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another number of standby replicas */
    public ProcessorConfig withStandbyReplicas(int replicas) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, replicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another consumer session timeout */
    public ProcessorConfig withSessionTimeout(Duration timeout) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, timeout, normalize, measure, rules);
    }

    /** @return a copy with another processing guarantee, {@code exactly_once_v2} or {@code at_least_once} */
    public ProcessorConfig withProcessingGuarantee(String guarantee) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, guarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another number of stream threads */
    public ProcessorConfig withStreamThreads(int threads) {
        return new ProcessorConfig(kafka, applicationId, stateDir, threads, processingGuarantee, commitInterval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
    }

    /** @return a copy with another commit interval */
    public ProcessorConfig withCommitInterval(Duration interval) {
        return new ProcessorConfig(kafka, applicationId, stateDir, streamThreads, processingGuarantee, interval, startupTimeout,
                createTopics, topicPartitions, topicReplication, http, advertisedHost, standbyReplicas, sessionTimeout, normalize, measure, rules);
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
        root.moved("bootstrap-servers", "kafka.bootstrap-servers");
        KafkaSettings kafka = KafkaSettings.read(root.child("kafka"), d.bootstrapServers(), streamsConfigNames());
        String appId = root.string("application-id", d.applicationId());
        if (!appId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw ConfigException.invalid(ROOT + ".application-id", appId, "use only letters, digits, '.', '_' and '-'");
        }
        Path stateDir = Path.of(root.string("state-dir", d.stateDir().toString()));
        int threads = root.intInRange("stream-threads", d.streamThreads(), 1, 64);
        String guarantee = root.string("processing-guarantee", d.processingGuarantee());
        if (!GUARANTEES.contains(guarantee)) {
            throw ConfigException.invalid(ROOT + ".processing-guarantee", guarantee, "use one of " + GUARANTEES);
        }
        Duration commit = root.duration("commit-interval", d.commitInterval(), Duration.ofMillis(10), Duration.ofMinutes(5));
        Duration startup = root.duration("startup-timeout", d.startupTimeout(), Duration.ofSeconds(1), Duration.ofHours(1));

        ConfigNode topics = root.child("topics");
        boolean create = topics.bool("create", d.createTopics());
        int partitions = topics.intInRange("partitions", d.topicPartitions(), 1, 10_000);
        short replication = (short) topics.intInRange("replication-factor", d.topicReplication(), 1, 32);

        ConfigNode http = root.child("http");
        HttpServerSettings httpSettings = HttpServerSettings.read(http, d.httpHost(), d.httpPort());
        String advertised = http.string("advertised-host", advertisedDefault(httpSettings.host()));
        if (advertised.isBlank() || advertised.contains(":") && !advertised.startsWith("[") || advertised.contains("/")) {
            throw ConfigException.invalid(ROOT + ".http.advertised-host", advertised,
                    "must be a host name or address without port or scheme, e.g. processor-1.internal");
        }
        int standbys = root.intInRange("standby-replicas", d.standbyReplicas(), 0, 10);
        Duration session = root.duration("session-timeout", d.sessionTimeout(), Duration.ofSeconds(6), Duration.ofMinutes(30));

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

        MeasureSettings measure = measure(root.child("measure"));
        Rules rules = rules(root.child("rules"));

        root.finish();
        return new ProcessorConfig(kafka, appId, stateDir, threads, guarantee, commit, startup, create, partitions, replication,
                httpSettings, advertised, standbys, session, new NormalizeSettings(limits, routes, redaction, fingerprint),
                measure, rules);
    }

    /** Kafka Streams' own setting names, also accepted in {@code kafka.properties}. */
    private static java.util.Set<String> streamsConfigNames() {
        return org.apache.kafka.streams.StreamsConfig.configDef().names();
    }

    private static MeasureSettings measure(ConfigNode node) {
        MeasureSettings d = MeasureSettings.defaults();
        Duration day = Duration.ofDays(1);
        Duration window = node.duration("window", d.window(), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration grace = node.duration("grace", d.grace(), Duration.ZERO, day);
        Duration retention = node.duration("retention", d.retention(), Duration.ofHours(1), Duration.ofDays(30));
        double accuracy = node.doubleInRange("relative-accuracy", d.relativeAccuracy(), 0.0001, 0.5);
        int maxServices = node.intInRange("max-services", d.maxServices(), 1, 100_000);
        int maxRoutes = node.intInRange("max-routes-per-service", d.maxRoutesPerService(), 1, 100_000);
        Duration idle = node.duration("cardinality-idle", d.cardinalityIdle(), Duration.ofSeconds(1), Duration.ofDays(30));
        Duration sourceWait = node.duration("source-wait", d.sourceWait(), Duration.ZERO, Duration.ofMinutes(10));
        ConfigNode logins = node.child("logins");
        Duration loginWindow = logins.duration("window", d.loginWindow(), Duration.ofSeconds(1), day);
        int sourceMin = logins.intInRange("source-min-failures", d.sourceMinFailures(), 1, 1_000_000);
        int sprayingMin = logins.intInRange("spraying-min-users", d.sprayingMinUsers(), 1, 1_000_000);
        int userMinIps = logins.intInRange("user-min-distinct-ips", d.userMinDistinctIps(), 1, 1_000_000);
        int successMin = logins.intInRange("success-after-failures-min", d.successAfterFailuresMin(), 1, 1_000_000);
        int distinctCap = logins.intInRange("distinct-cap", d.distinctCap(), 1, 100_000);
        int sampleSize = logins.intInRange("sample-size", d.sampleSize(), 0, 1000);
        try {
            // MeasureSettings checks the cross-field rules (window divides an hour, retention covers the views) and
            // words its messages with these keys
            return new MeasureSettings(window, grace, retention, accuracy, maxServices, maxRoutes, idle, loginWindow,
                    sourceMin, sprayingMin, userMinIps, successMin, distinctCap, sampleSize, sourceWait);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static Rules rules(ConfigNode node) {
        String path = node.string("path", null);
        URI kibana = node.uri("kibana-url", null);
        if (kibana != null && !(kibana.getScheme().equals("http") || kibana.getScheme().equals("https"))) {
            throw ConfigException.invalid(ROOT + ".rules.kibana-url", kibana, "must be an http or https URL such as http://kibana:5601");
        }
        Duration interval = node.duration("evaluation-interval", Rules.DEFAULTS.evaluationInterval(),
                Duration.ofMillis(10), Duration.ofMinutes(5));
        return new Rules(path == null || path.isBlank() ? null : Path.of(path), kibana, interval);
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
        return new RedactionSettings(Set.copyOf(disabled), custom, node.bool("keep-dead-letter-originals", false));
    }
}
