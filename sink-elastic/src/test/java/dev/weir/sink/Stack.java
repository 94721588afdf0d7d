package dev.weir.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.TopicSetup;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test helpers over the real broker and Elasticsearch. */
public final class Stack {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Stack() {
    }

    /** Creates Weir's topics (3 partitions) if missing. */
    public static void topics(String bootstrap) {
        try (Admin admin = admin(bootstrap)) {
            TopicSetup.ensure(admin, 3, (short) 1);
        }
    }

    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(KafkaClients.producer(bootstrap, "test"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for every acknowledgement. */
    public static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            records.forEach(p::send);
            p.flush();
        }
    }

    /** The group has committed the end offset of every partition of {@code topics}. */
    public static boolean caughtUp(String bootstrap, String group, Collection<String> topics) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((t, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long at = c == null ? 0 : c.offset();
                if (at < e.getValue()) {
                    return false;
                }
            }
            return true;
        }
    }

    public static void awaitCaughtUp(String bootstrap, String group, Collection<String> topics, Duration timeout) {
        Poll.until(timeout, () -> caughtUp(bootstrap, group, topics),
                () -> "consumer group " + group + " to commit the end offsets of " + topics);
    }

    /** Refreshes and counts; 0 when the index does not exist. */
    public static long count(String esUrl, String index) {
        return count(esUrl, index, null);
    }

    /** Refreshes and counts documents matching a Lucene query string. */
    public static long count(String esUrl, String index, String q) {
        send(esUrl, "POST", "/" + index + "/_refresh?ignore_unavailable=true&allow_no_indices=true", null);
        JsonNode r = send(esUrl, "GET", "/" + index + "/_count?ignore_unavailable=true&allow_no_indices=true"
                + (q == null ? "" : "&q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8)), null);
        return r.path("count").asLong(0);
    }

    /** One JSON request. */
    public static JsonNode send(String esUrl, String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(esUrl + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Documents of a search. */
    public static JsonNode search(String esUrl, String index, String body) {
        send(esUrl, "POST", "/" + index + "/_refresh?ignore_unavailable=true", null);
        return send(esUrl, "POST", "/" + index + "/_search", body);
    }
}
