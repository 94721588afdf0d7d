package dev.weir.cli.up;

import dev.weir.common.config.Secret;
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code weir up --secure}: the local stack with a SASL_SSL broker and an Elasticsearch with
 * security on, passwords drawn for this run, and the settings every component gets for them.
 */
final class SecureStack {
    /** The Kafka user the components connect as. */
    static final String KAFKA_USER = "weir";
    /** The Elasticsearch user the sink connects as. */
    static final String ELASTICSEARCH_USER = "weir";

    private SecureStack() {}

    static LocalStack start(Path dir, boolean withElasticsearch) throws IOException {
        return LocalStack.startSecured(dir, new LocalStack.Secured(Map.of(KAFKA_USER, password()), ELASTICSEARCH_USER, password()),
                withElasticsearch);
    }

    private static String password() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static KafkaSettings kafka(LocalStack stack) {
        KafkaBroker.Security s = stack.kafka().security();
        return new KafkaSettings(stack.kafka().bootstrapServers(), KafkaSettings.SecurityProtocol.SASL_SSL,
                KafkaSettings.SaslMechanism.SCRAM_SHA_512, KAFKA_USER, Secret.of(s.users().get(KAFKA_USER)), s.certificates().ca(),
                null, null, Map.of());
    }

    static ElasticsearchSettings elasticsearch(LocalStack stack) {
        ElasticsearchNode.Security s = stack.elasticsearch().security();
        return new ElasticsearchSettings(URI.create(stack.elasticsearch().httpUrl()), null, null, s.username(), Secret.of(s.password()),
                s.certificates().ca(), null, true);
    }

    /**
     * Where the certificates are, and the file (readable by this user only) with the passwords, which are not printed.
     *
     * @throws IOException when the credentials file cannot be written
     */
    static List<String> whereToLook(LocalStack stack, boolean withElasticsearch) throws IOException {
        Path credentials = stack.baseDir().resolve("credentials.yml");
        StringBuilder text = new StringBuilder("# weir up --secure: the users of this run\nkafka: {username: " + KAFKA_USER
                + ", password: " + stack.kafka().security().users().get(KAFKA_USER) + "}\n");
        if (withElasticsearch) {
            text.append("elasticsearch: {username: ").append(ELASTICSEARCH_USER).append(", password: ")
                    .append(stack.elasticsearch().security().password()).append("}\n");
        }
        java.nio.file.Files.writeString(credentials, text);
        java.nio.file.Files.setPosixFilePermissions(credentials, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> lines = new ArrayList<>();
        lines.add("credentials    " + credentials + "   (passwords of this run)");
        lines.add("kafka security SASL_SSL, SCRAM-SHA-512 user " + KAFKA_USER + ", CA " + stack.kafka().security().certificates().ca()
                + ", mutual TLS on " + stack.kafka().security().mtlsBootstrapServers());
        if (withElasticsearch) {
            lines.add("elasticsearch  user " + ELASTICSEARCH_USER + ", CA " + stack.elasticsearch().security().certificates().ca()
                    + " (SHA-256 " + stack.elasticsearch().security().certificates().caFingerprint() + ")");
        }
        return lines;
    }
}
