package dev.weir.common.kafka;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.Secret;
import dev.weir.common.tls.Pem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * How every Weir component reaches Kafka: the {@code kafka:} block, the same keys everywhere
 * ({@code bootstrap-servers}, {@code security-protocol}, {@code sasl.mechanism},
 * {@code sasl.username}, {@code sasl.password}, {@code ssl.ca}, {@code ssl.certificate},
 * {@code ssl.key}, {@code properties}). {@link #clientProperties()} turns it into Kafka client
 * settings; the PEM files are checked when the settings are read, so a wrong file stops the start
 * with a line naming the key.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param securityProtocol how to talk to the brokers
 * @param saslMechanism    for the SASL protocols; {@code null} otherwise
 * @param saslUsername     for the SASL protocols; {@code null} otherwise
 * @param saslPassword     for the SASL protocols; {@code null} otherwise
 * @param sslCa            PEM file of the CA that signed the brokers' certificates; {@code null}: the JVM's trust store
 * @param sslCertificate   PEM file of this client's certificate for mutual TLS, or {@code null}
 * @param sslKey           PEM file of its private key, or {@code null}
 * @param properties       further Kafka client settings, applied last; names checked against the clients' definitions
 */
public record KafkaSettings(String bootstrapServers, SecurityProtocol securityProtocol, SaslMechanism saslMechanism,
                            String saslUsername, Secret saslPassword, Path sslCa, Path sslCertificate, Path sslKey,
                            Map<String, String> properties) {

    /** {@code security.protocol} values. */
    public enum SecurityProtocol {
        PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL;

        boolean sasl() {
            return this == SASL_PLAINTEXT || this == SASL_SSL;
        }

        boolean tls() {
            return this == SSL || this == SASL_SSL;
        }
    }

    /** {@code sasl.mechanism} values with a user name and password. */
    public enum SaslMechanism {
        PLAIN("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"),
        SCRAM_SHA_256("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"),
        SCRAM_SHA_512("SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

        private final String kafkaName;
        private final String loginModule;

        SaslMechanism(String kafkaName, String loginModule) {
            this.kafkaName = kafkaName;
            this.loginModule = loginModule;
        }

        /** @return the name Kafka uses, e.g. {@code SCRAM-SHA-512} */
        public String kafkaName() {
            return kafkaName;
        }

        static SaslMechanism parse(String key, String text) {
            for (SaslMechanism m : values()) {
                if (m.kafkaName.equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw ConfigException.invalid(key, text, "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 "
                    + "(other mechanisms such as OAUTHBEARER go into properties: sasl.mechanism, sasl.jaas.config …)");
        }
    }

    /** Typed keys of this block and the Kafka settings they stand for; those settings are refused in {@code properties}. */
    private static final Map<String, String> TYPED = Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "bootstrap-servers",
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "security-protocol",
            SaslConfigs.SASL_MECHANISM, "sasl.mechanism",
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "ssl.ca",
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, "ssl.certificate and ssl.key");

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be empty");
        }
        Objects.requireNonNull(securityProtocol, "securityProtocol");
        properties = Map.copyOf(properties);
    }

    /**
     * Plain connection to a cluster without security, e.g. the local stack or tests.
     *
     * @param bootstrapServers {@code host:port[,…]}
     * @return the settings
     */
    public static KafkaSettings plaintext(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, SecurityProtocol.PLAINTEXT, null, null, null, null, null, null, Map.of());
    }

    /** @return a copy against other bootstrap servers (a command-line override) */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, securityProtocol, saslMechanism, saslUsername, saslPassword, sslCa, sslCertificate,
                sslKey, properties);
    }

    /**
     * Reads the common keys of a {@code kafka:} block; the caller reads its own keys (topics,
     * group id) from the same node before {@code finish()}.
     *
     * @param kafka            the {@code kafka} node
     * @param defaultBootstrap used when {@code bootstrap-servers} is absent
     * @param moreKnownNames   further Kafka setting names accepted in {@code properties} (e.g. Kafka Streams')
     * @return validated settings
     * @throws ConfigException naming the first wrong key
     */
    public static KafkaSettings read(ConfigNode kafka, String defaultBootstrap, Set<String> moreKnownNames) {
        String p = kafka.path();
        String bootstrap = kafka.string("bootstrap-servers", defaultBootstrap);
        if (bootstrap == null || bootstrap.isBlank() || !bootstrap.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*")) {
            throw ConfigException.invalid(p + ".bootstrap-servers", bootstrap, "must be host:port[,host:port…]");
        }
        Map<String, String> properties = new LinkedHashMap<>(kafka.stringMap("properties"));
        checkNames(p + ".properties", properties.keySet(), moreKnownNames);
        boolean jaasInProperties = properties.containsKey(SaslConfigs.SASL_JAAS_CONFIG);

        ConfigNode sasl = kafka.child("sasl");
        String mechanismText = sasl.string("mechanism", null);
        String username = sasl.string("username", null);
        Secret password = sasl.secret("password");
        ConfigNode ssl = kafka.child("ssl");
        Path ca = ssl.readableFile("ca");
        Path certificate = ssl.readableFile("certificate");
        Path key = ssl.readableFile("key");

        SecurityProtocol protocol = kafka.enumValue("security-protocol", SecurityProtocol.class,
                username != null ? SecurityProtocol.SASL_SSL : ca != null || certificate != null ? SecurityProtocol.SSL
                        : SecurityProtocol.PLAINTEXT);
        SaslMechanism mechanism = null;
        if (protocol.sasl()) {
            if (!jaasInProperties) {
                if (username == null || username.isBlank()) {
                    throw new ConfigException("Missing value for " + p + ".sasl.username: security-protocol " + protocol
                            + " needs a user (or sasl.jaas.config in " + p + ".properties)");
                }
                if (password == null) {
                    throw new ConfigException("Missing value for " + p + ".sasl.password: security-protocol " + protocol
                            + " needs the password of " + p + ".sasl.username");
                }
                if (mechanismText == null) {
                    throw new ConfigException("Missing value for " + p + ".sasl.mechanism: one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512");
                }
                mechanism = SaslMechanism.parse(p + ".sasl.mechanism", mechanismText);
            } else if (username != null || password != null || mechanismText != null) {
                throw new ConfigException("Invalid configuration for " + p + ".sasl: set either " + p + ".sasl.* or sasl.jaas.config in "
                        + p + ".properties, not both");
            }
        } else if (username != null || password != null || mechanismText != null) {
            throw ConfigException.invalid(p + ".security-protocol", protocol, p + ".sasl is set; use SASL_SSL (or SASL_PLAINTEXT)");
        }
        if (!protocol.tls() && (ca != null || certificate != null || key != null)) {
            throw ConfigException.invalid(p + ".security-protocol", protocol, p + ".ssl is set; use SSL or SASL_SSL");
        }
        if ((certificate == null) != (key == null)) {
            throw new ConfigException("Set both " + p + ".ssl.certificate and " + p + ".ssl.key (mutual TLS), or neither");
        }
        checkPem(p + ".ssl.ca", ca, false);
        checkPem(p + ".ssl.certificate", certificate, false);
        checkPem(p + ".ssl.key", key, true);
        return new KafkaSettings(bootstrap, protocol, mechanism, username, password, ca, certificate, key, properties);
    }

    private static void checkPem(String key, Path file, boolean privateKey) {
        if (file == null) {
            return;
        }
        try {
            if (privateKey) {
                Pem.privateKey(file);
            } else {
                Pem.certificates(file);
            }
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key, file, "the file " + e.getMessage());
        }
    }

    /**
     * Checks Kafka setting names against the clients' own definitions (producer, consumer, admin).
     *
     * @param key            the configuration key of the map, for messages
     * @param names          the names given
     * @param moreKnownNames further accepted names
     * @throws ConfigException naming the first unknown name, or a name that has a typed key of its own
     */
    public static void checkNames(String key, Set<String> names, Set<String> moreKnownNames) {
        Set<String> known = new TreeSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        known.addAll(moreKnownNames);
        for (String name : names) {
            String typed = TYPED.get(name);
            if (typed != null) {
                throw new ConfigException("Kafka setting " + name + " in " + key + " has a key of its own; set "
                        + key.substring(0, key.length() - ".properties".length()) + "." + typed + " instead");
            }
            if (!known.contains(name)) {
                throw new ConfigException("Unknown Kafka client setting " + name + " in " + key
                        + "; names are those of the Kafka producer, consumer and admin client configs, e.g. "
                        + "request.timeout.ms or sasl.login.callback.handler.class");
            }
        }
    }

    /**
     * @return the Kafka client settings for these connection and security choices, {@code properties} last;
     *         a new mutable map
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol.name());
        if (saslMechanism != null) {
            props.put(SaslConfigs.SASL_MECHANISM, saslMechanism.kafkaName());
            props.put(SaslConfigs.SASL_JAAS_CONFIG, saslMechanism.loginModule + " required username=\"" + jaasQuote(saslUsername)
                    + "\" password=\"" + jaasQuote(saslPassword.reveal()) + "\";");
        }
        if (sslCa != null) {
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, sslCa.toAbsolutePath().toString());
        }
        if (sslCertificate != null) {
            // Kafka's PEM key store takes the chain and a PKCS#8 key as values; the key may come in other PEM forms
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, Pem.text(Pem.certificates(sslCertificate)));
            props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, Pem.pkcs8(Pem.privateKey(sslKey)));
        }
        props.putAll(properties);
        return props;
    }

    private static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", securityProtocol=" + securityProtocol
                + ", saslMechanism=" + (saslMechanism == null ? null : saslMechanism.kafkaName()) + ", saslUsername=" + saslUsername
                + ", saslPassword=" + saslPassword + ", sslCa=" + sslCa + ", sslCertificate=" + sslCertificate + ", sslKey=" + sslKey
                + ", properties=" + new TreeSet<>(properties.keySet()) + "]";
    }
}
