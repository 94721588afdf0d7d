package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.junit.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverEveryProducedRecordToAConsumerGroup(KafkaBroker kafka) throws Exception {
        kafka.createTopic("roundtrip", 3);

        List<String> sent = produce(kafka, "roundtrip", 100);

        assertThat(consumeAll(kafka, "roundtrip", "roundtrip-group", 100)).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void shouldKeepAcknowledgedRecordsWhenKilledAndRestarted(KafkaBroker kafka) throws Exception {
        kafka.createTopic("survives-kill", 2);
        List<String> sent = produce(kafka, "survives-kill", 100);
        String before = kafka.bootstrapServers();

        kafka.kill();
        kafka.restart();

        assertThat(kafka.bootstrapServers()).isEqualTo(before);
        assertThat(consumeAll(kafka, "survives-kill", "after-kill-group", 100)).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void shouldIgnoreCreatingATopicThatExists(KafkaBroker kafka) throws Exception {
        kafka.createTopic("twice", 2);
        kafka.createTopic("twice", 5);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var description = admin.describeTopics(Set.of("twice")).allTopicNames().get(10, TimeUnit.SECONDS).get("twice");
            assertThat(description.partitions()).hasSize(2);
        }
    }

    @Test
    void shouldNotCreateTopicsOnFirstUse(KafkaBroker kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             KafkaConsumer<String, String> consumer = consumer(kafka, "nobody")) {
            consumer.partitionsFor("never-created", Duration.ofSeconds(2));

            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).doesNotContain("never-created");
        }
    }

    private static List<String> produce(KafkaBroker kafka, String topic, int count) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        List<String> values = IntStream.range(0, count).mapToObj(i -> topic + "-value-" + i).toList();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, values.get(i))).get(30, TimeUnit.SECONDS);
            }
        }
        return values;
    }

    private static List<String> consumeAll(KafkaBroker kafka, String topic, String group, int expected) {
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(kafka, group)) {
            consumer.subscribe(List.of(topic));
            Poll.until(TIMEOUT, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.value());
                }
                return received.size() >= expected;
            }, () -> expected + " records from '" + topic + "' (have " + received.size() + ")");
            // anything beyond the expected count would be a duplicate
            consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
        }
        return received;
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker kafka, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
    }
}
