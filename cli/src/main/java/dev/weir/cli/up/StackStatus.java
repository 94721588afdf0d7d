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
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads how much has flowed through the local stack: raw records (end offsets), records the
 * processor committed (counted by a {@code read_committed} consumer, because end offsets of
 * transactional topics also count transaction markers) and documents in Elasticsearch. Used
 * for {@code weir up}'s one-line status. Not thread-safe: one caller reads.
 */
public final class StackStatus implements AutoCloseable {
    /** Counts at one moment. */
    public record Snapshot(long nanoTime, long rawIn, long clean, long deadLetters, long alerts, long indexed) {}

    private static final List<String> COMMITTED_TOPICS = List.of(Topics.LOGS, Topics.REQUESTS, Topics.DEADLETTER, Topics.ALERTS);

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> committed = new HashMap<>();
    private final ElasticsearchSettings elasticsearch;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param admin an admin client of the local broker, owned by the caller
     * @param kafka the local broker
     * @param elasticsearch the local Elasticsearch, or {@code null}
     */
    public StackStatus(Admin admin, KafkaSettings kafka, ElasticsearchSettings elasticsearch) {
        this.admin = admin;
        this.elasticsearch = elasticsearch;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (elasticsearch != null) {
            elasticsearch.sslContext().ifPresent(client::sslContext);
        }
        this.http = client.build();
        Map<String, Object> props = KafkaClients.consumer(kafka, "weir-up-status");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : COMMITTED_TOPICS) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }

    /** Counts the committed records that arrived since the last call, for up to half a second. */
    private void countCommitted() {
        long until = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < until) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
            if (records.isEmpty()) {
                return;
            }
            for (TopicPartition tp : records.partitions()) {
                committed.merge(tp.topic(), (long) records.records(tp).size(), Long::sum);
            }
        }
    }

    /** Reads the counts now; a count that cannot be read is -1. */
    public Snapshot read() {
        Map<String, Long> ends = endOffsets(List.of(Topics.RAW_LOGS, Topics.RAW_REQUESTS));
        countCommitted();
        return new Snapshot(System.nanoTime(),
                sum(ends, Topics.RAW_LOGS, Topics.RAW_REQUESTS),
                committed.getOrDefault(Topics.LOGS, 0L) + committed.getOrDefault(Topics.REQUESTS, 0L),
                committed.getOrDefault(Topics.DEADLETTER, 0L),
                committed.getOrDefault(Topics.ALERTS, 0L),
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
        if (elasticsearch == null) {
            return -1;
        }
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(elasticsearch.url()
                    + "/*/_count?allow_no_indices=true&ignore_unavailable=true")).timeout(Duration.ofSeconds(2));
            elasticsearch.authorization().ifPresent(a -> builder.header("Authorization", a.reveal()));
            HttpRequest request = builder.build();
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
