package dev.weir.e2e.check;

import dev.weir.common.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When each event of the run reached the raw topics, as the processor reads them: the partition (so the processor's
 * task) and the record's timestamp, which the agent's producer sets when it hands the event to Kafka. The processor's
 * event-time clock is per task, and Kafka Streams takes a task's records in the order of these timestamps; so this
 * says which events of a task the processor could have seen before a given one.
 *
 * @param bySeq {@code labels.seq} → where and when it arrived (the first time, if the agent sent it again)
 */
public record Arrivals(Map<String, Arrival> bySeq) {
    private static final Pattern SEQ = Pattern.compile("\"seq\"\\s*:\\s*\"([0-9]+)\"");

    /**
     * @param partition the raw topics' partition, i.e. the processor's task
     * @param appendMs  the record's timestamp (the agent's producer time)
     */
    public record Arrival(int partition, long appendMs) {
    }

    /**
     * Reads {@value Topics#RAW_REQUESTS} and {@value Topics#RAW_LOGS} to their ends.
     *
     * @param bootstrapServers the broker
     * @param run              the run marker ({@code labels.run})
     * @return the arrivals of the run's events
     */
    public static Arrivals read(String bootstrapServers, String run) {
        Map<String, Arrival> bySeq = new HashMap<>();
        byte[] marker = ("\"" + run + "\"").getBytes(StandardCharsets.UTF_8);
        for (String topic : new String[] {Topics.RAW_REQUESTS, Topics.RAW_LOGS}) {
            TopicReader.forEach(bootstrapServers, topic, r -> {
                if (r.value() == null || !contains(r.value(), marker)) {
                    return;
                }
                Matcher m = SEQ.matcher(new String(r.value(), StandardCharsets.UTF_8));
                if (m.find()) {
                    bySeq.merge(m.group(1), new Arrival(r.partition(), r.timestamp()),
                            (a, b) -> a.appendMs() <= b.appendMs() ? a : b);
                }
            });
        }
        return new Arrivals(bySeq);
    }

    private static boolean contains(byte[] value, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= value.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (value[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
