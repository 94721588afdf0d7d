package dev.weir.logback;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The appender configured from a logback XML in the test JVM's own logger context (so that the
 * Kafka clients' logs reach it as in a real service), against a real broker.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, not a performance threshold
class WeirKafkaAppenderTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger("shop.checkout.OrderService");

    private final KafkaBroker kafka;
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private String topic;

    WeirKafkaAppenderTest(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @BeforeEach
    void createTopic(TestInfo test) {
        topic = "appender." + test.getTestMethod().orElseThrow().getName();
        kafka.createTopic(topic, 1);
    }

    @AfterEach
    void resetLogging() {
        MDC.clear();
        context.reset();
    }

    private WeirKafkaAppender configure(Map<String, String> properties) throws JoranException {
        context.reset();
        context.putProperty("weir.test.bootstrap", kafka.bootstrapServers());
        context.putProperty("weir.test.topic", topic);
        properties.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getResource("/weir-appender-test.xml"));
        WeirKafkaAppender appender = (WeirKafkaAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("WEIR");
        assertThat(appender).as("appender WEIR of weir-appender-test.xml").isNotNull();
        assertThat(appender.isStarted()).as("appender started; status: %s", context.getStatusManager().getCopyOfStatusList()).isTrue();
        return appender;
    }

    private TopicReader reader() {
        return new TopicReader(kafka.bootstrapServers(), topic);
    }

    private static List<TopicReader.Rec> awaitMessages(TopicReader reader, String prefix, int count) {
        Poll.until(DEADLINE, () -> reader.withMessage(prefix).size() >= count,
                () -> count + " records with message '" + prefix + "…', have " + reader.withMessage(prefix).size());
        return reader.withMessage(prefix);
    }

    @Test
    void shouldShipEventsConfiguredInLogbackXmlAsLogstashJsonKeyedByService() throws Exception {
        configure(Map.of());
        MDC.put("trace.id", "4bf92f3577b34da6");
        log.info("Order {} placed", 42);
        log.error("Order 43 failed", new IllegalStateException("card declined"));

        try (TopicReader reader = reader()) {
            List<TopicReader.Rec> records = awaitMessages(reader, "Order", 2);

            assertThat(records).extracting(TopicReader.Rec::key).containsOnly("checkout");
            TopicReader.Rec placed = records.get(0);
            assertThat(placed.text("message")).isEqualTo("Order 42 placed");
            assertThat(placed.text("level")).isEqualTo("INFO");
            assertThat(placed.json().path("level_value").asInt()).isEqualTo(20000);
            assertThat(placed.text("logger_name")).isEqualTo("shop.checkout.OrderService");
            assertThat(placed.text("thread_name")).isEqualTo(Thread.currentThread().getName());
            assertThat(placed.text("@timestamp")).isNotBlank();
            assertThat(placed.text("@version")).isEqualTo("1");
            assertThat(placed.text("trace.id")).isEqualTo("4bf92f3577b34da6");
            assertThat(placed.text("service.name")).isEqualTo("checkout");
            assertThat(placed.text("service.environment")).isEqualTo("test");
            assertThat(placed.text("host.name")).isEqualTo("test-host");
            TopicReader.Rec failed = records.get(1);
            assertThat(failed.text("level")).isEqualTo("ERROR");
            assertThat(failed.text("stack_trace")).contains("IllegalStateException: card declined");
            assertThat(records).extracting(r -> r.text("event.id")).doesNotContainNull().doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldKeepTheServiceNameAnEventAlreadyCarries() throws Exception {
        configure(Map.of());
        MDC.put("service.name", "billing");
        log.info("Invoice sent");

        try (TopicReader reader = reader()) {
            TopicReader.Rec rec = awaitMessages(reader, "Invoice", 1).get(0);

            assertThat(rec.text("service.name")).isEqualTo("billing");
            assertThat(rec.raw()).containsOnlyOnce("\"service.name\"");
            assertThat(rec.text("host.name")).isEqualTo("test-host");
        }
    }

    @Test
    void shouldNotShipTheKafkaClientsOwnLogs() throws Exception {
        configure(Map.of());
        // The producer logs its configuration at INFO when created, and its network thread the
        // cluster id; the test's consumer logs on this thread. None of it may reach the topic.
        log.info("Marker after producer start");

        try (TopicReader reader = reader()) {
            awaitMessages(reader, "Marker", 1);

            assertThat(reader.poll()).extracting(r -> r.text("logger_name"))
                    .isNotEmpty()
                    .noneMatch(name -> name.startsWith("org.apache.kafka"));
        }
    }

    @Test
    void shouldSendQueuedEventsBeforeStopReturns() throws Exception {
        WeirKafkaAppender appender = configure(Map.of());
        for (int i = 0; i < 5000; i++) {
            log.info("Queued {}", i);
        }

        context.reset(); // stops the appender

        assertThat(appender.getDroppedCount()).isZero();
        assertThat(appender.getSentCount()).isEqualTo(5000);
        try (TopicReader reader = reader()) {
            assertThat(awaitMessages(reader, "Queued", 5000)).hasSize(5000);
        }
    }

    @Test
    void shouldDropAndCountInsteadOfBlockingWhileTheBrokerIsDown() throws Exception {
        // A small queue and producer buffer so that 100k events cannot all be held.
        WeirKafkaAppender appender = configure(Map.of("weir.test.queueSize", "1000", "weir.test.bufferMemory", "262144",
                "weir.test.maxBlockMs", "1000"));
        try (TopicReader reader = reader()) {
            log.info("Warm-up");
            awaitMessages(reader, "Warm-up", 1);
        }
        kafka.stop();
        try {
            for (int i = 0; i < 100_000; i++) {
                log.info("During outage {}", i);
            }

            // Reaching this line at all is the point: 100k calls returned while the broker was down.
            assertThat(appender.getDroppedCount()).isPositive();
        } finally {
            kafka.restart();
        }
    }

    @Test
    void shouldShipNewEventsAgainAfterTheBrokerRestarted() throws Exception {
        WeirKafkaAppender appender = configure(Map.of("weir.test.maxBlockMs", "1000"));
        try (TopicReader reader = reader()) {
            log.info("Warm-up");
            awaitMessages(reader, "Warm-up", 1);
        }
        kafka.stop();
        try {
            for (int i = 0; i < 20_000; i++) {
                log.info("During outage {}", i);
            }
        } finally {
            kafka.restart();
        }
        long sentBefore = appender.getSentCount();

        try (TopicReader reader = reader()) {
            // Each attempt logs a new event: the queue may still be full of outage events at first.
            int[] attempt = {0};
            Poll.until(DEADLINE, () -> {
                log.info("After restart {}", attempt[0]++);
                return !reader.withMessage("After restart").isEmpty();
            }, () -> "an event logged after the restart in " + topic);
        }
        assertThat(appender.getSentCount()).isGreaterThan(sentBefore);
    }
}
