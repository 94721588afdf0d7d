package dev.weir.logback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every record of a topic from its start, for assertions. Not thread-safe. */
final class TopicReader implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One record: its key, its value as text and parsed. */
    record Rec(String key, String raw, JsonNode json) {
        String text(String field) {
            return json.path(field).asText(null);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Rec> records = new ArrayList<>();

    TopicReader(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns every record read so far. */
    List<Rec> poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            String raw = new String(r.value(), StandardCharsets.UTF_8);
            try {
                records.add(new Rec(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), raw, MAPPER.readTree(raw)));
            } catch (IOException e) {
                throw new UncheckedIOException("record is not JSON: " + raw, e);
            }
        }
        return records;
    }

    /** Polls once and returns the records whose {@code message} starts with {@code prefix}. */
    List<Rec> withMessage(String prefix) {
        return poll().stream().filter(r -> r.text("message") != null && r.text("message").startsWith(prefix)).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
