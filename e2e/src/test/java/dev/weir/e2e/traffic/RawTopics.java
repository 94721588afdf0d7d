package dev.weir.e2e.traffic;

import dev.weir.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A producer writing straight onto {@code weir.raw.logs} / {@code weir.raw.requests}, as any producer of a user's
 * may: lz4-compressed (so that the broker takes a 2 MB value), records up to 8 MiB, acknowledged by the broker.
 */
public final class RawTopics implements AutoCloseable {
    /** Where a record landed. */
    public record Position(String topic, int partition, long offset) {
    }

    private final KafkaProducer<byte[], byte[]> producer;

    /** @param bootstrapServers the broker */
    public RawTopics(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "e2e-raw", ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20,
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends every value (key {@code key}) and waits for the broker's acknowledgements.
     *
     * @param values   the values
     * @param requests for each value, whether it goes to {@code weir.raw.requests} (else {@code weir.raw.logs})
     * @param key      the record key (a service name)
     * @return where each landed, in order
     */
    public List<Position> send(List<byte[]> values, List<Boolean> requests, String key) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            sent.add(producer.send(new ProducerRecord<>(requests.get(i) ? Topics.RAW_REQUESTS : Topics.RAW_LOGS,
                    key.getBytes(StandardCharsets.UTF_8), values.get(i))));
        }
        List<Position> positions = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> f : sent) {
            RecordMetadata m = f.get(60, TimeUnit.SECONDS);
            positions.add(new Position(m.topic(), m.partition(), m.offset()));
        }
        return positions;
    }

    @Override
    public void close() {
        producer.close();
    }
}
