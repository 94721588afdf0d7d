package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.schemas.RequestEvent;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a stalled processor shows, against a real broker: readiness turns 503 while a stream thread that died has not
 * been followed by progress, and while the group has lag but commits nothing; {@code weir_processor_group_lag} is the
 * group's lag (committed offset against the end) for every raw partition, also those held by another instance. The
 * stalls are made by a test part of the topology that blocks, or throws, on a request of a given service.
 */
@ExtendWith(LocalStackExtension.class)
@Timeout(300)
class ProgressIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern LAG = Pattern.compile(
            "weir_processor_group_lag\\{[^}]*partition=\"(\\d+)\"[^}]*topic=\"([^\"]+)\"[^}]*} (\\S+)");

    /** Per service: what the gate does with the first request it sees, and what releases it. */
    private static final Map<String, CountDownLatch> BLOCK = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> DIE_ONCE = new ConcurrentHashMap<>();

    private final KafkaBroker kafka;
    private final List<ProcessorApp> apps = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    ProgressIT(KafkaBroker kafka) {
        this.kafka = kafka;
    }

    @AfterEach
    void stop() {
        BLOCK.values().forEach(CountDownLatch::countDown);
        apps.forEach(ProcessorApp::close);
    }

    @Test
    void shouldTurnNotReadyWhenTheGroupHasLagButCommitsNothingAndReportItsRealLag() throws Exception {
        String service = "stall-" + System.nanoTime();
        CountDownLatch release = new CountDownLatch(1);
        BLOCK.put(service, release);
        ProcessorApp app = start("weir-progress-stall");

        send(service, service, 1); // blocks the only stream thread
        send(service + "-behind", service, 20); // the same key: the same partition, behind it

        HttpResponse<String> stalled = awaitReady(app, 503);
        assertThat(stalled.body()).contains("\"progress\":\"stalled\"", "committed nothing");
        Map<TopicPartition, Long> reported = lags(app);
        assertThat(reported.keySet()).as("every raw partition").containsAll(rawPartitions());
        assertThat(reported).isEqualTo(groupLag("weir-progress-stall", reported.keySet()));
        assertThat(reported.values().stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(20);

        release.countDown();
        awaitReady(app, 200);
        Poll.until(DEADLINE, () -> lags(app).values().stream().allMatch(l -> l == 0), () -> "no lag left: " + lags(app));
    }

    @Test
    void shouldTurnNotReadyAsSoonAsAStreamThreadDiesUntilTheGroupProgresses() throws Exception {
        String service = "die-" + System.nanoTime();
        DIE_ONCE.put(service, true);
        CountDownLatch release = new CountDownLatch(1);
        BLOCK.put(service, release); // its second time through (after the replacement) it waits here
        ProcessorApp app = start("weir-progress-death");

        send(service, service, 1);

        HttpResponse<String> dead = awaitReady(app, 503);
        assertThat(dead.body()).contains("\"progress\":\"thread_died\"");
        release.countDown();
        awaitReady(app, 200);
        assertThat(app.registry().find(StreamFailures.METER).tag("action", "replace").counter().count()).isEqualTo(1);
    }

    @Test
    void shouldReportTheLagOfPartitionsHeldByAnotherInstance() throws Exception {
        ProcessorApp a = start("weir-progress-two");
        ProcessorApp b = start("weir-progress-two");
        for (int i = 0; i < 30; i++) {
            send("two-" + i, "two-" + i, 1); // keys spread over the partitions
        }

        for (ProcessorApp app : List.of(a, b)) {
            Poll.until(DEADLINE, () -> {
                Map<TopicPartition, Long> lags = lags(app);
                return lags.keySet().containsAll(rawPartitions()) && lags.values().stream().allMatch(l -> l == 0);
            }, () -> "every raw partition at lag 0 on one instance: " + lags(app));
        }
    }

    private ProcessorApp start(String applicationId) {
        ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0).withStreamThreads(1)
                .withStateDir(dir.resolve(applicationId + "-" + apps.size())).withApplicationId(applicationId)
                .withSessionTimeout(Duration.ofSeconds(6));
        ProcessorApp app = new ProcessorApp(config, Clock.systemUTC(), List.of(new Gate()));
        apps.add(app);
        app.start();
        return app;
    }

    /** A part of the topology that stops or kills its stream thread on a service's first request. */
    private static final class Gate implements ProcessorExtension {
        @Override
        public List<TopologyPart> topologyParts(ProcessorServices services) {
            return List.of((builder, events) -> events.requests().foreach((service, request) -> pass(request), Named.as("test-gate")));
        }

        private static void pass(RequestEvent request) {
            if (DIE_ONCE.remove(request.getService()) != null) {
                throw new StreamsException("the test kills this stream thread");
            }
            CountDownLatch latch = BLOCK.get(request.getService());
            if (latch != null) {
                try {
                    latch.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void send(String service, String key, int n) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka.bootstrapServers(), "progress"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                String json = "{\"@timestamp\":\"" + Instant.now() + "\",\"service\":\"" + service + "\",\"method\":\"GET\","
                        + "\"path\":\"/p/" + i + "\",\"status\":200}";
                producer.send(new ProducerRecord<>(Topics.RAW_REQUESTS, key.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private HttpResponse<String> awaitReady(ProcessorApp app, int status) {
        List<HttpResponse<String>> last = new ArrayList<>();
        Poll.until(DEADLINE, () -> {
            last.add(0, get(app, "/health/ready"));
            return last.get(0).statusCode() == status;
        }, () -> "/health/ready to answer " + status + "; last: " + (last.isEmpty() ? "none" : last.get(0).body()));
        return last.get(0);
    }

    private Map<TopicPartition, Long> lags(ProcessorApp app) {
        Map<TopicPartition, Long> lags = new HashMap<>();
        Matcher m = LAG.matcher(get(app, "/metrics").body());
        while (m.find()) {
            lags.put(new TopicPartition(m.group(2), Integer.parseInt(m.group(1))), (long) Double.parseDouble(m.group(3)));
        }
        return lags;
    }

    private HttpResponse<String> get(ProcessorApp app, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<TopicPartition> rawPartitions() {
        List<TopicPartition> raw = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            raw.add(new TopicPartition(Topics.RAW_LOGS, p));
            raw.add(new TopicPartition(Topics.RAW_REQUESTS, p));
        }
        return raw;
    }

    /** The group's lag as the test works it out for itself: end (last stable offset) less committed, or less the start. */
    private Map<TopicPartition, Long> groupLag(String group, java.util.Set<TopicPartition> partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            partitions.forEach(tp -> {
                latest.put(tp, OffsetSpec.latest());
                earliest.put(tp, OffsetSpec.earliest());
            });
            ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var ends = admin.listOffsets(latest, readCommitted).all().get(30, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest, readCommitted).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> lag = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                lag.put(tp, Math.max(0, ends.get(tp).offset() - (c != null ? c.offset() : starts.get(tp).offset())));
            }
            return lag;
        }
    }
}
