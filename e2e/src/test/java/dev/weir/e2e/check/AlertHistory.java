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

    /**
     * What is wrong with a spike service's alert history. As the traffic dictates: it fires on a 5xx of the spike
     * (the service answers 5xx at no other time), resolves, and ends resolved at or after the spike's end. It may
     * resolve and fire again when a fault held the service's events up during the spike: the rules' wall-clock
     * evaluation moves a group that gets no events forward by the wall time (stream-processor README, How it
     * evaluates), so its window empties and it resolves; held-up 5xx still in the window at the group's time fire it
     * again. Time never goes back: each change is at or after the one before, and a firing again is no later than the
     * spike's end plus the rule's window (a 5xx of the spike is then still in the window).
     *
     * @param service   the spike service
     * @param spikeFrom when its 5xx began (epoch ms)
     * @param spikeTo   when they ended (epoch ms, exclusive)
     * @param windowMs  the rule's window
     * @return the problems, described; empty when none
     */
    public List<String> problems(String service, long spikeFrom, long spikeTo, long windowMs) {
        List<Change> changes = byService.getOrDefault(service, List.of());
        List<String> problems = new ArrayList<>();
        if (changes.isEmpty()) {
            return List.of("no alert");
        }
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < changes.size(); i++) {
            Change c = changes.get(i);
            String want = i % 2 == 0 ? "FIRING" : "RESOLVED";
            if (!c.status().equals(want)) {
                problems.add("change " + (i + 1) + " is " + c.status() + ", expected " + want);
                continue;
            }
            Instant at = want.equals("FIRING") ? c.startsAt() : c.endsAt();
            if (at == null || at.toEpochMilli() < previous) {
                problems.add("change " + (i + 1) + " (" + want + ") at " + at + ", before the change it follows");
                continue;
            }
            long latest = i == 0 ? spikeTo : spikeTo + windowMs;
            if (want.equals("FIRING") && (at.toEpochMilli() < spikeFrom || at.toEpochMilli() >= latest)) {
                problems.add("change " + (i + 1) + " fired at " + at + ", not on a 5xx of the spike [" + Instant.ofEpochMilli(spikeFrom)
                        + ", " + Instant.ofEpochMilli(spikeTo) + ")" + (i == 0 ? "" : " still in the window"));
            }
            previous = at.toEpochMilli();
        }
        Change last = changes.get(changes.size() - 1);
        if (!last.status().equals("RESOLVED")) {
            problems.add("not resolved at the end");
        } else if (last.endsAt() == null || last.endsAt().toEpochMilli() < spikeTo) {
            problems.add("last resolved at " + last.endsAt() + ", before the spike's end " + Instant.ofEpochMilli(spikeTo));
        }
        return problems;
    }

    /** @return a service's changes with their times, for messages and the report */
    public String describe(String service) {
        return byService.getOrDefault(service, List.of()).stream()
                .map(c -> c.status() + " " + c.startsAt() + (c.endsAt() == null ? "" : "–" + c.endsAt())).toList().toString();
    }

    /** @return the changes of a service's alert, oldest first */
    public List<String> statuses(String service) {
        return byService.getOrDefault(service, List.of()).stream().map(Change::status).toList();
    }
}
