package dev.weir.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;

class WeirKafkaAppenderConfigTest {
    private final LoggerContext context = new LoggerContext();

    private WeirKafkaAppender appender(String name) {
        WeirKafkaAppender appender = new WeirKafkaAppender();
        appender.setContext(context);
        appender.setName(name);
        appender.setServiceName("checkout");
        appender.setBootstrapServers("127.0.0.1:9092");
        return appender;
    }

    private boolean hasError(String... parts) {
        return context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() == Status.ERROR)
                .anyMatch(s -> java.util.Arrays.stream(parts).allMatch(s.getMessage()::contains));
    }

    @Test
    void shouldRefuseToStartWithoutBootstrapServers() {
        WeirKafkaAppender appender = appender("NO-BOOTSTRAP");
        appender.setBootstrapServers(null);

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(hasError("NO-BOOTSTRAP", "bootstrapServers")).isTrue();
    }

    @Test
    void shouldRefuseToStartWithoutServiceName() {
        WeirKafkaAppender appender = appender("NO-SERVICE");
        appender.setServiceName(" ");

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(hasError("NO-SERVICE", "serviceName")).isTrue();
    }

    @Test
    void shouldRefuseToStartWithAQueueSizeBelowOne() {
        WeirKafkaAppender appender = appender("NO-QUEUE");
        appender.setQueueSize(0);

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(hasError("NO-QUEUE", "Invalid value 0 for queueSize")).isTrue();
    }

    @Test
    void shouldUseAnIdempotentAcksAllProducerThatProducerConfigCanTune() {
        WeirKafkaAppender appender = appender("TUNED");
        appender.addProducerConfig("linger.ms = 50");

        assertThat(appender.producerProperties())
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("linger.ms", "50");
    }

    @Test
    void shouldRejectAProducerConfigEntryWithoutEqualsSign() {
        assertThatThrownBy(() -> appender("BAD").addProducerConfig("linger.ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid value 'linger.ms' for producerConfig");
    }

    @Test
    void shouldTurnTheSecuritySettingsIntoKafkaClientSettings() {
        WeirKafkaAppender appender = appender("SECURED");
        appender.setSaslMechanism("SCRAM-SHA-512");
        appender.setSaslUsername("checkout");
        appender.setSaslPassword("pa\"ss");
        appender.setSslCa("/etc/weir/kafka-ca.pem");

        assertThat(appender.producerProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"checkout\" password=\"pa\\\"ss\";")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", "/etc/weir/kafka-ca.pem");
    }

    @Test
    void shouldRefuseToStartWithASaslUserButNoPasswordAndNeverShowThePassword() {
        WeirKafkaAppender appender = appender("NO-PASSWORD");
        appender.setSaslMechanism("SCRAM-SHA-512");
        appender.setSaslUsername("checkout");

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(hasError("NO-PASSWORD", "saslPassword")).isTrue();
    }
}
