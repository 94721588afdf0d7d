package dev.weir.e2e.check;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.serde.AvroSerde;
import dev.weir.schemas.serde.WeirSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The state changes of one rule on {@code weir.alerts}, per service, in order.
 *
 * @param byService the changes of each service's alert
 */
public record AlertHistory(Map<String, List<Change>> byService) {

    /**
     * One state change.
     *
     * @param status   {@code FIRING} or {@code RESOLVED}
     * @param startsAt when the episode began
     * @param endsAt   when it ended (resolved only)
     * @param value    the rule's value
     */
    public record Change(String status, Instant startsAt, Instant endsAt, double value) {
    }

    /** Reads {@code weir.alerts} to its end, keeping the changes of {@code rule}. */
    public static AlertHistory read(String bootstrapServers, String rule) {
        AvroSerde<AlertEvent> serde = WeirSerdes.alertEvent();
        Map<String, List<Change>> changes = new TreeMap<>();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(TopicReader.readAll(bootstrapServers, Topics.ALERTS));
        records.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            AlertEvent a = serde.deserialize(r.topic(), r.value());
            if (!a.getRule().equals(rule)) {
                continue;
            }
            changes.computeIfAbsent(a.getLabels().getOrDefault("service", "?"), k -> new ArrayList<>())
                    .add(new Change(a.getStatus().name(), a.getStartsAt(), a.getEndsAt(), a.getValue()));
        }
        return new AlertHistory(changes);
    }

    /** @return the changes of a service's alert, oldest first */
    public List<String> statuses(String service) {
        return byService.getOrDefault(service, List.of()).stream().map(Change::status).toList();
    }
}
