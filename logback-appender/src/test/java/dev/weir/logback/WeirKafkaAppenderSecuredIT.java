package dev.weir.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The appender against a SASL_SSL broker (SCRAM-SHA-512, CA file) and a mutual-TLS listener. */
class WeirKafkaAppenderSecuredIT {
    private static Path dir;
    private static KafkaBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("weir-appender-secured-");
        kafka = KafkaBroker.startSecured(dir, Map.of("checkout", "checkout-pw-1"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        TempDirs.delete(dir);
    }

    private static List<String> read(String topic, Map<String, Object> security) {
        Map<String, Object> props = new HashMap<>(security);
        props.put("enable.auto.commit", false);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            c.poll(Duration.ofSeconds(2)).forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static void shipOneEvent(WeirKafkaAppender appender, String message) {
        // the context SLF4J runs on: it has the MDC adapter the encoder reads
        LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        appender.setContext(context);
        appender.setName("WEIR-SECURED");
        appender.setServiceName("checkout");
        appender.setTopic("appender-secured");
        appender.start();
        assertThat(appender.isStarted()).as("started; status %s", context.getStatusManager().getCopyOfStatusList()).isTrue();
        Logger logger = context.getLogger("shop.Checkout");
        logger.addAppender(appender);
        logger.warn(message); // the test logback.xml sets WARN
        logger.detachAppender(appender);
        appender.stop();
        assertThat(appender.getSentCount()).as("events acknowledged (dropped: %d)", appender.getDroppedCount()).isEqualTo(1);
        // read back with the appender's own connection and security settings
        Map<String, Object> security = new HashMap<>(appender.producerProperties());
        security.keySet().removeIf(k -> !k.startsWith("security.") && !k.startsWith("sasl.") && !k.startsWith("ssl.")
                && !k.equals("bootstrap.servers"));
        Poll.until(Duration.ofSeconds(60), () -> read("appender-secured", security).stream().anyMatch(v -> v.contains(message)),
                () -> "the event '" + message + "' in appender-secured");
    }

    @Test
    void shouldShipOverSaslSslWithScram() {
        kafka.createTopic("appender-secured", 1);
        WeirKafkaAppender appender = new WeirKafkaAppender();
        appender.setBootstrapServers(kafka.bootstrapServers());
        appender.setSaslMechanism("SCRAM-SHA-512");
        appender.setSaslUsername("checkout");
        appender.setSaslPassword("checkout-pw-1");
        appender.setSslCa(kafka.security().certificates().ca().toString());
        shipOneEvent(appender, "paid over scram");
    }

    @Test
    void shouldShipOverMutualTls() {
        kafka.createTopic("appender-secured", 1);
        WeirKafkaAppender appender = new WeirKafkaAppender();
        appender.setBootstrapServers(kafka.security().mtlsBootstrapServers());
        appender.setSecurityProtocol("SSL");
        appender.setSslCa(kafka.security().certificates().ca().toString());
        appender.setSslCertificate(kafka.security().certificates().clientCert().toString());
        appender.setSslKey(kafka.security().certificates().clientKey().toString());
        shipOneEvent(appender, "paid over mtls");
    }
}
