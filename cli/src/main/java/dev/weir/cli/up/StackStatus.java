package dev.weir.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.kafka.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads how much has flowed through the local stack: records per topic (end offsets) and
 * documents in Elasticsearch. Used for {@code weir up}'s one-line status.
 */
public final class StackStatus {
    /** Counts at one moment. */
    public record Snapshot(long nanoTime, long rawIn, long clean, long deadLetters, long alerts, long indexed) {}

    private final Admin admin;
    private final String elasticsearchUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param admin an admin client of the local broker, owned by the caller
     * @param elasticsearchUrl the local Elasticsearch, or {@code null}
     */
    public StackStatus(Admin admin, String elasticsearchUrl) {
        this.admin = admin;
        this.elasticsearchUrl = elasticsearchUrl;
    }

    /** Reads the counts now; a count that cannot be read is -1. */
    public Snapshot read() {
        Map<String, Long> ends = endOffsets(List.of(Topics.RAW_LOGS, Topics.RAW_REQUESTS, Topics.LOGS,
                Topics.REQUESTS, Topics.DEADLETTER, Topics.ALERTS));
        return new Snapshot(System.nanoTime(),
                sum(ends, Topics.RAW_LOGS, Topics.RAW_REQUESTS),
                sum(ends, Topics.LOGS, Topics.REQUESTS),
                sum(ends, Topics.DEADLETTER),
                sum(ends, Topics.ALERTS),
                indexed());
    }

    /** {@code in 12,345 (1,020/s) · clean 12,000 · dead letters 3 · indexed 11,500 · alerts 2}. */
    public static String line(Snapshot previous, Snapshot now) {
        double seconds = Math.max(1e-3, (now.nanoTime() - previous.nanoTime()) / 1e9);
        long rate = previous.rawIn() < 0 || now.rawIn() < 0 ? 0 : Math.round((now.rawIn() - previous.rawIn()) / seconds);
        return String.format("in %,d (%,d/s) · clean %s · dead letters %s · indexed %s · alerts %s",
                Math.max(0, now.rawIn()), rate, count(now.clean()), count(now.deadLetters()),
                count(now.indexed()), count(now.alerts()));
    }

    private static String count(long n) {
        return n < 0 ? "-" : String.format("%,d", n);
    }

    private static long sum(Map<String, Long> ends, String... topics) {
        long total = 0;
        for (String t : topics) {
            Long n = ends.get(t);
            if (n == null) {
                return -1;
            }
            total += n;
        }
        return total;
    }

    private Map<String, Long> endOffsets(List<String> topics) {
        Map<String, Long> out = new HashMap<>();
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            descriptions.forEach((name, d) -> d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            admin.listOffsets(request).all().get(5, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.merge(tp.topic(), info.offset(), Long::sum));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // The status line shows "-" for what it could not read.
        }
        return out;
    }

    private long indexed() {
        if (elasticsearchUrl == null) {
            return -1;
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(elasticsearchUrl
                    + "/*/_count?allow_no_indices=true&ignore_unavailable=true")).timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode count = json.readTree(response.body()).get("count");
            return count == null ? -1 : count.asLong();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
