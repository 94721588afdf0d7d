package dev.weir.e2e.check;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.AvroSerde;
import dev.weir.schemas.serde.WeirSerdes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What the processor (and the sink) made of every raw record so far: the clean events on {@code weir.logs} and
 * {@code weir.requests} by id and by position, and the dead letters on {@code weir.deadletter} with their
 * {@code weir.dlq.*} headers, one per source position (the dead-letter handlers write at least once).
 *
 * @param cleanById             clean events by {@code event.id}
 * @param cleanByPosition       clean events by {@code topic-partition-offset}
 * @param deadLetters           dead letters by their source's {@code topic-partition-offset}
 * @param deadLetterRecords     records on {@code weir.deadletter}, repeats included
 */
public record Outcomes(Map<String, Clean> cleanById, Map<String, Clean> cleanByPosition, Map<String, DeadLetter> deadLetters,
                       int deadLetterRecords) {

    /** A clean event and where it is. */
    public record Clean(String id, String topic, int partition, long offset) {
    }

    /**
     * A dead letter.
     *
     * @param reason   {@code weir.dlq.reason}
     * @param stage    {@code weir.dlq.stage}
     * @param field    {@code weir.dlq.field}, or {@code null}
     * @param source   its source's {@code topic-partition-offset} (the dead letter's own position when the headers lack it)
     * @param value    its value (may be cut, redacted, or absent)
     */
    public record DeadLetter(String reason, String stage, String field, String source, byte[] value) {
        /** @return the value as text (bytes that are not UTF-8 kept one char each) */
        public String text() {
            return value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
        }

        /** @return the source's topic */
        public String sourceTopic() {
            return source.substring(0, source.lastIndexOf('-', source.lastIndexOf('-') - 1));
        }
    }

    /** @return {@code topic-partition-offset} */
    public static String position(String topic, int partition, long offset) {
        return topic + "-" + partition + "-" + offset;
    }

    /** Reads the three topics to their end. */
    public static Outcomes read(String bootstrapServers) {
        Map<String, Clean> byId = new HashMap<>();
        Map<String, Clean> byPosition = new HashMap<>();
        AvroSerde<LogEvent> logs = WeirSerdes.logEvent();
        AvroSerde<RequestEvent> requests = WeirSerdes.requestEvent();
        for (String topic : List.of(Topics.LOGS, Topics.REQUESTS)) {
            for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(bootstrapServers, topic)) {
                String id = topic.equals(Topics.LOGS) ? logs.deserialize(topic, r.value()).getId() : requests.deserialize(topic, r.value()).getId();
                Clean c = new Clean(id, topic, r.partition(), r.offset());
                byId.put(id, c);
                byPosition.put(position(topic, r.partition(), r.offset()), c);
            }
        }
        Map<String, DeadLetter> dead = new LinkedHashMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(TopicReader.readAll(bootstrapServers, Topics.DEADLETTER));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String topic = header(r, DeadLetterHeaders.SOURCE_TOPIC);
            String partition = header(r, DeadLetterHeaders.SOURCE_PARTITION);
            String offset = header(r, DeadLetterHeaders.SOURCE_OFFSET);
            String source = topic != null && partition != null && offset != null ? topic + "-" + partition + "-" + offset
                    : position(r.topic(), r.partition(), r.offset());
            dead.putIfAbsent(source, new DeadLetter(header(r, DeadLetterHeaders.REASON), header(r, DeadLetterHeaders.STAGE),
                    header(r, DeadLetterHeaders.FIELD), source, r.value()));
        }
        return new Outcomes(byId, byPosition, dead, records.size());
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
