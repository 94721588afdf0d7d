package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import dev.weir.stack.junit.LocalStackExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processors ({@code ProcessorApp.main} in child JVMs, same application id, own state
 * directories and HTTP ports) on a real broker; one is killed with SIGKILL while raw requests are
 * still flowing. The window results on {@code weir.stats.errors} must equal exactly what was
 * produced, and the query API must answer for every service from either instance before the kill
 * and from the survivor after it. A third of the records are unkeyed, so the measures get events
 * both in the raw partition of their service's task and through the repartition topic to it.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(300)
class ProcessorFailoverIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int SERVICES = 8;
    static final String APPLICATION_ID = "weir-failover-it";
    static final Duration DEADLINE = Duration.ofSeconds(120);

    final KafkaBroker kafka;
    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ProcessorFailoverIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** What one service gets in the measured window: requests, 4xx, 5xx. */
    record Expected(long requests, long errors4xx, long errors5xx) {
    }

    @Test
    void shouldCountEveryRequestExactlyOnceAndAnswerQueriesWhenOneOfTwoInstancesIsKilled() throws Exception {
        int portA = freePort();
        int portB = freePort();
        startProcessor("a", portA);
        Process b = startProcessor("b", portB);
        awaitReady(portA);

        Instant windowStart = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Expected> expected = new TreeMap<>();
        for (int s = 0; s < SERVICES; s++) {
            String service = "svc-" + s;
            int count = 40 + 7 * s;
            long e4 = 0;
            long e5 = 0;
            for (int i = 0; i < count; i++) {
                int status = i % 5 == 0 ? 503 : i % 7 == 0 ? 404 : 200;
                e4 += status / 100 == 4 ? 1 : 0;
                e5 += status / 100 == 5 ? 1 : 0;
                // every third record unkeyed, as from a producer that does not key by service: it lands in any
                // partition, and reaches its service's task through the measures' repartition topic
                records.add(rawRequest(service, status, windowStart.plusMillis(100L * i + s), i % 3 != 0));
            }
            expected.put(service, new Expected(count, e4, e5));
        }
        // interleave the services, as traffic would be
        records.sort((x, y) -> Long.compare(timestampOf(x), timestampOf(y)));

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "failover-it"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            int third = records.size() / 3;
            send(producer, records.subList(0, third));
            for (String service : expected.keySet()) {
                for (int port : new int[] {portA, portB}) {
                    Poll.until(DEADLINE, () -> status(port, "/api/v1/services/" + service) == 200,
                            () -> "instance :" + port + " to answer for " + service + " before the kill");
                }
            }
            // B owns some services itself, so killing it moves active tasks, not just standbys
            assertThat(JSON.readTree(get(portB, "/api/v1/services?scope=local").body()).get("services")).isNotEmpty();
            send(producer, records.subList(third, 2 * third));
            b.destroyForcibly().waitFor(); // SIGKILL: its open transaction is never committed
            send(producer, records.subList(2 * third, records.size()));
            producer.flush();
            // The unkeyed records reach their service's task through the repartition topic, after the keyed ones
            // read there (and, from the killed instance, only after the failover): a service's events are not in
            // order. Close the window only once everything sent is measured and committed, or the closing event
            // would overtake them and they would count as late (grace 0), as event time wants.
            // Committed offsets alone do not say so: the killed instance's open transaction holds the last stable
            // offset of the repartition partitions it wrote to until the broker aborts it (transaction timeout, up
            // to ~20 s), and what the survivor repartitions meanwhile sits behind it, invisible to read_committed
            // offsets and consumers alike. So wait also for the survivor to have measured every request.
            Poll.until(DEADLINE, () -> uncommitted() == 0, () -> "the survivor to commit every raw and repartitioned record");
            Map<String, Long> measured = new TreeMap<>();
            Poll.until(DEADLINE, () -> {
                for (String service : expected.keySet()) {
                    measured.put(service, hourView(portA, service).get("requests").asLong());
                }
                return expected.entrySet().stream().allMatch(e -> measured.get(e.getKey()) == e.getValue().requests());
            }, () -> "the survivor to have measured every request sent; have " + measured);
            // one later event per service moves each task's event-time clock past the window (grace 0)
            for (String service : expected.keySet()) {
                producer.send(rawRequest(service, 200, Instant.now()));
            }
            producer.flush();
        }

        Map<String, List<ErrorRateWindow>> results = readWindows(windowStart, expected.keySet());
        Map<String, Expected> actual = new TreeMap<>();
        results.forEach((service, windows) -> windows.forEach(w -> actual.merge(service,
                new Expected(w.getRequests(), w.getErrors4xx(), w.getErrors5xx()),
                (x, y) -> new Expected(x.requests() + y.requests(), x.errors4xx() + y.errors4xx(), x.errors5xx() + y.errors5xx()))));
        assertThat(results).allSatisfy((service, windows) -> assertThat(windows).as(service).hasSize(1));
        assertThat(actual).isEqualTo(expected);

        for (Map.Entry<String, Expected> e : expected.entrySet()) {
            Poll.until(DEADLINE, () -> status(portA, "/api/v1/services/" + e.getKey()) == 200,
                    () -> "the survivor to answer for " + e.getKey());
            JsonNode hour = hourView(portA, e.getKey());
            // the window plus the one event that closed it
            assertThat(hour.get("requests").asLong()).as(e.getKey()).isEqualTo(e.getValue().requests() + 1);
            assertThat(hour.get("errors5xx").asLong()).as(e.getKey()).isEqualTo(e.getValue().errors5xx());
        }
    }

    /** Records in the raw topics and the processor's repartition topics that its group has not committed yet. */
    long uncommitted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<String> topics = new ArrayList<>(List.of(Topics.RAW_REQUESTS, Topics.RAW_LOGS));
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(APPLICATION_ID + "-") && t.endsWith("-repartition")).forEach(topics::add);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().forEach(d -> d.partitions()
                    .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long behind = 0;
            for (var e : admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                behind += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            return behind;
        }
    }

    Process startProcessor(String name, int port) throws Exception {
        Path config = dir.resolve(name + ".yml");
        Files.writeString(config, String.join("\n",
                "kafka: {bootstrap-servers: '" + kafka.bootstrapServers() + "'}",
                "application-id: " + APPLICATION_ID,
                "state-dir: " + dir.resolve("state-" + name),
                "session-timeout: 6s",
                "standby-replicas: 1",
                "http: {host: 127.0.0.1, port: " + port + "}",
                "measure: {grace: 0s}",
                ""));
        Path log = dir.resolve(name + ".log");
        Process p = ChildJvm.main(ProcessorApp.class.getName(), List.of("--config", config.toString()))
                .jvmOptions(List.of("-Xmx384m", TempDirs.childTmpdirOption(dir))).output(log).start();
        processes.add(p);
        Poll.until(DEADLINE, () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("processor " + name + " exited with " + p.exitValue() + ": " + tail(log));
            }
            return status(port, "/health/ready") == 200;
        }, () -> "processor " + name + " ready; log: " + tail(log));
        return p;
    }

    void awaitReady(int port) {
        Poll.until(DEADLINE, () -> status(port, "/health/ready") == 200, () -> "instance :" + port + " ready again");
    }

    Map<String, List<ErrorRateWindow>> readWindows(Instant windowStart, java.util.Set<String> services) {
        var serde = WeirSerdes.errorRateWindow();
        Map<String, List<ErrorRateWindow>> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(),
                "failover-reader"), new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.STATS_ERRORS));
            Poll.until(DEADLINE, () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ErrorRateWindow w = serde.deserialize(r.topic(), r.value());
                    if (services.contains(r.key()) && w.getWindowStart().equals(windowStart)) {
                        out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(w);
                    }
                }
                return out.keySet().containsAll(services);
            }, () -> "a window result of every service; have " + out.keySet());
            // a duplicate would come from a transaction committed twice: read to the end to see it
            Poll.until(DEADLINE, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    ErrorRateWindow w = serde.deserialize(r.topic(), r.value());
                    if (services.contains(r.key()) && w.getWindowStart().equals(windowStart)) {
                        out.get(r.key()).add(w);
                    }
                });
                Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
                return !end.isEmpty() && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            }, () -> "the end of " + Topics.STATS_ERRORS);
        }
        return out;
    }

    /** The 1h view of {@code service} from the instance at {@code port}; an IOException unless it answers 200. */
    JsonNode hourView(int port, String service) throws IOException {
        HttpResponse<String> r = get(port, "/api/v1/services/" + service);
        if (r.statusCode() != 200) {
            throw new IOException("instance :" + port + " answered " + r.statusCode() + " for " + service + ": " + r.body());
        }
        return hourView(JSON.readTree(r.body()));
    }

    static JsonNode hourView(JsonNode stats) {
        for (JsonNode w : stats.get("windows")) {
            if ("1h".equals(w.get("window").asText())) {
                return w;
            }
        }
        throw new AssertionError("no 1h view in " + stats);
    }

    int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    HttpResponse<String> get(int port, String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
        try {
            // sendAsync + get(timeout): the request timeout alone does not cover reading the body
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        records.forEach(producer::send);
        producer.flush();
    }

    static long timestampOf(ProducerRecord<byte[], byte[]> r) {
        return r.timestamp();
    }

    static ProducerRecord<byte[], byte[]> rawRequest(String service, int status, Instant at) {
        return rawRequest(service, status, at, true);
    }

    static ProducerRecord<byte[], byte[]> rawRequest(String service, int status, Instant at, boolean keyed) {
        String json = "{\"@timestamp\":\"" + at + "\",\"service\":\"" + service + "\",\"method\":\"GET\",\"path\":\"/orders/"
                + at.toEpochMilli() + "\",\"status\":" + status + ",\"duration_ms\":7.5}";
        return new ProducerRecord<>(Topics.RAW_REQUESTS, null, at.toEpochMilli(), keyed ? service.getBytes(StandardCharsets.UTF_8) : null,
                json.getBytes(StandardCharsets.UTF_8));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
