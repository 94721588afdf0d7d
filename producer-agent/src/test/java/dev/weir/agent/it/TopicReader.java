package dev.weir.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every record of a topic from the start, for assertions. Not thread-safe. */
final class TopicReader implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Rec> values = new ArrayList<>();

    /** What the tests look at in one record: the test line number, the event id, the key and the whole event. */
    record Rec(long seq, String eventId, String key, JsonNode json) { }

    TopicReader(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls once and returns everything read so far. */
    List<Rec> poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            try {
                JsonNode v = MAPPER.readTree(r.value());
                values.add(new Rec(v.path("seq").asLong(-1), v.path("event.id").asText(null),
                        new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), v));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return values;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
