package dev.weir.sink;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import dev.weir.common.ops.HttpServerSettings;
import java.util.Set;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sink's whole configuration, validated: built by {@link #load(Path)} from YAML (keys in the
 * module README), or by {@link #defaults(String, String)} for {@code weir up} and tests.
 *
 * @param kafka         where and what to consume
 * @param elasticsearch the cluster and how documents are laid out in it
 * @param bulk          batching, concurrency and retries
 * @param retention     how long each class of data stream is kept
 * @param http          the HTTP server of /metrics and /health: port (0 picks a free port), token, TLS
 */
public record SinkConfig(Kafka kafka, Elasticsearch elasticsearch, Bulk bulk, Retention retention, HttpServerSettings http) {

    /** Default port of /metrics and /health. */
    public static final int DEFAULT_HTTP_PORT = 8081;

    public SinkConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(elasticsearch, "elasticsearch");
        Objects.requireNonNull(bulk, "bulk");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(http, "http");
    }

    /** @return the port of /metrics and /health; 0 picks a free port */
    public int httpPort() {
        return http.port();
    }

    /**
     * @param connection       the {@code kafka:} block's connection and security settings
     * @param groupId          consumer group; instances with the same group share the partitions
     * @param topics           topics to index; each must be one of the four the sink understands
     * @param deadLetterTopic  where documents Elasticsearch rejects are also written
     * @param maxPollRecords   {@code max.poll.records} of the consumer
     */
    public record Kafka(KafkaSettings connection, String groupId, List<String> topics, String deadLetterTopic, int maxPollRecords) {
        /** Against a plaintext cluster (tests, {@code weir up}). */
        public Kafka(String bootstrapServers, String groupId, List<String> topics, String deadLetterTopic, int maxPollRecords) {
            this(KafkaSettings.plaintext(bootstrapServers), groupId, topics, deadLetterTopic, maxPollRecords);
        }

        /** @return the bootstrap servers */
        public String bootstrapServers() {
            return connection.bootstrapServers();
        }

        public Kafka {
            Objects.requireNonNull(connection, "connection");
            topics = List.copyOf(topics);
            for (String t : topics) {
                if (!SUPPORTED_TOPICS.contains(t)) {
                    throw ConfigException.invalid("kafka.topics", t, "the sink indexes only " + SUPPORTED_TOPICS);
                }
            }
            if (topics.isEmpty()) {
                throw ConfigException.invalid("kafka.topics", "[]", "name at least one topic");
            }
        }
    }

    /** Topics the sink knows how to turn into documents. */
    public static final List<String> SUPPORTED_TOPICS = List.of(Topics.LOGS, Topics.REQUESTS, Topics.ALERTS, Topics.DEADLETTER);

    /** Which field types the templates use. */
    public enum FieldTypes {
        /** Try the full set, fall back to the basic one if the cluster lacks them. */
        AUTO,
        /** {@code text}, {@code keyword}, {@code flattened}: what every distribution has. */
        BASIC,
        /** Adds {@code match_only_text}, {@code wildcard} and {@code constant_keyword} (default distribution). */
        FULL
    }

    /**
     * @param connection         the {@code elasticsearch:} block's URL, credentials and TLS settings
     * @param requestTimeout     socket timeout of one request
     * @param startupTimeout     how long {@code start()} waits for the cluster to answer
     * @param fieldTypes         which field types the templates use
     * @param defaultNamespace   data stream namespace of events without an environment
     * @param securityCategories {@code event.category} values whose logs go to the security data stream
     */
    public record Elasticsearch(ElasticsearchSettings connection, Duration requestTimeout, Duration startupTimeout,
                                FieldTypes fieldTypes, String defaultNamespace, List<String> securityCategories) {
        public Elasticsearch {
            Objects.requireNonNull(connection, "connection");
            connection.validate("elasticsearch");
            securityCategories = List.copyOf(securityCategories);
        }

        /** @return where Elasticsearch answers */
        public URI url() {
            return connection.url();
        }
    }

    /**
     * @param maxDocs        a batch is sent when it has this many documents
     * @param maxBytes       ... or this many bytes of JSON
     * @param flushInterval  ... or when its oldest record waited this long
     * @param concurrency    bulk requests in flight at once
     * @param initialBackoff first retry delay
     * @param maxBackoff     retry delays double up to this
     * @param maxItemRetries attempts for a document that gets 5xx before it is dead-lettered (429 is retried without limit)
     */
    public record Bulk(int maxDocs, long maxBytes, Duration flushInterval, int concurrency, Duration initialBackoff,
                       Duration maxBackoff, int maxItemRetries) {
        public Bulk {
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw ConfigException.invalid("bulk.retry.initial-backoff", initialBackoff,
                        "must not exceed bulk.retry.max-backoff (" + maxBackoff + ")");
            }
        }
    }

    /**
     * @param enabled       whether the sink rolls over and deletes old backing indices
     * @param checkInterval how often it checks
     * @param rolloverAfter a data stream's write index is rolled over once it is this old (and not empty)
     * @param classes       retention classes, first matching pattern wins
     */
    public record Retention(boolean enabled, Duration checkInterval, Duration rolloverAfter, List<RetentionClass> classes) {
        public Retention {
            classes = List.copyOf(classes);
        }
    }

    /**
     * @param name     e.g. {@code security}
     * @param patterns data stream name patterns ({@code *} matches anything)
     * @param maxAge   documents older than this are deleted (a whole backing index at a time)
     */
    public record RetentionClass(String name, List<String> patterns, Duration maxAge) {
        public RetentionClass {
            patterns = List.copyOf(patterns);
        }

        /** @return whether the data stream {@code name} belongs to this class */
        public boolean matches(String dataStream) {
            for (String p : patterns) {
                if (dataStream.matches(("\\Q" + p + "\\E").replace("*", "\\E.*\\Q"))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The default retention classes: security and audit 1 year, alerts 1 year, dead letters 30 days, other logs 30 days. */
    public static List<RetentionClass> defaultRetentionClasses() {
        return List.of(
                new RetentionClass("security", List.of("logs-*.security-*"), Duration.ofDays(365)),
                new RetentionClass("alerts", List.of("weir-alerts"), Duration.ofDays(365)),
                new RetentionClass("deadletter", List.of("weir-deadletter"), Duration.ofDays(30)),
                new RetentionClass("application", List.of("logs-*"), Duration.ofDays(30)));
    }

    /**
     * Every setting at its default.
     *
     * @param bootstrapServers Kafka bootstrap servers
     * @param elasticsearchUrl e.g. {@code http://127.0.0.1:9200}
     * @return the configuration
     */
    public static SinkConfig defaults(String bootstrapServers, String elasticsearchUrl) {
        return from(ConfigNode.empty(""), bootstrapServers, elasticsearchUrl);
    }

    /** @return a copy listening on {@code port} (0: any free port) */
    public SinkConfig withHttpPort(int port) {
        if (port < 0 || port > 65535) {
            throw ConfigException.invalid("http.port", port, "must be between 0 and 65535");
        }
        return new SinkConfig(kafka, elasticsearch, bulk, retention, http.withPort(port));
    }

    /** @return a copy with other HTTP server settings */
    public SinkConfig withHttp(HttpServerSettings newHttp) {
        return new SinkConfig(kafka, elasticsearch, bulk, retention, newHttp);
    }

    /** @return a copy with another Elasticsearch connection (URL, credentials, TLS) */
    public SinkConfig withElasticsearch(ElasticsearchSettings connection) {
        return new SinkConfig(kafka, new Elasticsearch(connection, elasticsearch.requestTimeout(), elasticsearch.startupTimeout(),
                elasticsearch.fieldTypes(), elasticsearch.defaultNamespace(), elasticsearch.securityCategories()), bulk, retention, http);
    }

    /** @return a copy with other bulk settings */
    public SinkConfig withBulk(Bulk newBulk) {
        return new SinkConfig(kafka, elasticsearch, newBulk, retention, http);
    }

    /** @return a copy with other Kafka settings */
    public SinkConfig withKafka(Kafka newKafka) {
        return new SinkConfig(newKafka, elasticsearch, bulk, retention, http);
    }

    /** @return a copy with other retention settings */
    public SinkConfig withRetention(Retention newRetention) {
        return new SinkConfig(kafka, elasticsearch, bulk, newRetention, http);
    }

    /**
     * Reads and validates a YAML file.
     *
     * @param file                      the file
     * @param bootstrapServersOverride  replaces {@code kafka.bootstrap-servers} when not {@code null}
     * @param elasticsearchUrlOverride  replaces {@code elasticsearch.url} when not {@code null}
     * @return the configuration
     * @throws ConfigException naming the first wrong or unknown key
     */
    public static SinkConfig load(Path file, String bootstrapServersOverride, String elasticsearchUrlOverride) {
        return from(ConfigNode.load(file, ""), bootstrapServersOverride, elasticsearchUrlOverride);
    }

    /**
     * Builds the configuration from a parsed YAML tree; overrides win over the file.
     *
     * @throws ConfigException naming the first wrong or unknown key
     */
    public static SinkConfig from(ConfigNode root, String bootstrapServersOverride, String elasticsearchUrlOverride) {
        ConfigNode k = root.child("kafka");
        KafkaSettings connection = KafkaSettings.read(k, "127.0.0.1:9092", Set.of());
        if (bootstrapServersOverride != null) {
            connection = connection.withBootstrapServers(bootstrapServersOverride);
        }
        Kafka kafka = new Kafka(connection, k.string("group-id", "weir-sink"),
                k.stringList("topics", SUPPORTED_TOPICS), k.string("dead-letter-topic", Topics.DEADLETTER),
                k.intInRange("max-poll-records", 2000, 1, 100_000));

        ConfigNode e = root.child("elasticsearch");
        ElasticsearchSettings esConnection = ElasticsearchSettings.read(e, URI.create("http://127.0.0.1:9200"));
        if (elasticsearchUrlOverride != null) {
            try {
                esConnection = esConnection.withUrl(URI.create(elasticsearchUrlOverride));
            } catch (IllegalArgumentException ex) {
                throw ConfigException.invalid("--elasticsearch", elasticsearchUrlOverride, "must be a URL such as http://127.0.0.1:9200");
            }
        }
        String namespace = e.string("default-namespace", "default");
        if (!namespace.matches("[a-z0-9_]{1,100}")) {
            throw ConfigException.invalid("elasticsearch.default-namespace", namespace, "must be 1-100 characters of a-z, 0-9 and _");
        }
        Elasticsearch es = new Elasticsearch(esConnection,
                e.duration("request-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                e.duration("startup-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)),
                e.enumValue("field-types", FieldTypes.class, FieldTypes.AUTO), namespace,
                e.stringList("security-categories", List.of("authentication", "iam", "session")));

        ConfigNode b = root.child("bulk");
        ConfigNode r = b.child("retry");
        Bulk bulk = new Bulk(b.intInRange("max-docs", 2000, 1, 100_000),
                b.bytes("max-bytes", 10L * 1024 * 1024, 1024, 100L * 1024 * 1024),
                b.duration("flush-interval", Duration.ofSeconds(1), Duration.ofMillis(1), Duration.ofMinutes(10)),
                b.intInRange("concurrency", 2, 1, 64),
                r.duration("initial-backoff", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(10)),
                r.duration("max-backoff", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofHours(1)),
                r.intInRange("max-item-retries", 10, 0, 1000));

        ConfigNode t = root.child("retention");
        List<RetentionClass> classes = defaultRetentionClasses();
        if (t.has("classes")) {
            ConfigNode c = t.child("classes");
            Map<String, RetentionClass> byName = new LinkedHashMap<>();
            for (String name : List.copyOf(c.keys())) {
                ConfigNode one = c.child(name);
                List<String> patterns = one.stringList("patterns", List.of());
                if (patterns.isEmpty()) {
                    throw ConfigException.invalid("retention.classes." + name + ".patterns", "[]", "name at least one data stream pattern");
                }
                byName.put(name, new RetentionClass(name, patterns,
                        one.duration("max-age", null, Duration.ofMinutes(1), Duration.ofDays(36500))));
                if (byName.get(name).maxAge() == null) {
                    throw ConfigException.invalid("retention.classes." + name + ".max-age", null, "is required, e.g. 30d");
                }
            }
            classes = List.copyOf(byName.values());
        }
        Retention retention = new Retention(t.bool("enabled", true),
                t.duration("check-interval", Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofDays(7)),
                t.duration("rollover-after", Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofDays(365)), classes);

        HttpServerSettings http = HttpServerSettings.read(root.child("http"), "0.0.0.0", DEFAULT_HTTP_PORT);
        root.finish();
        return new SinkConfig(kafka, es, bulk, retention, http);
    }
}
