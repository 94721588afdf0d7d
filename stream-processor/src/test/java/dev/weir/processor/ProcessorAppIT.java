package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.normalize.NormalizeSettings;
import dev.weir.processor.validate.Limits;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole processor, as {@code new ProcessorApp(config, clock)} builds it (normalise, measures,
 * rules), against a real broker: a generated corpus of malformed input mixed with valid events
 * carrying planted secrets goes in once (in {@code @BeforeAll}); each test checks one promise
 * about what came out.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class ProcessorAppIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    static final String SPIKE_RULE = """
            rules:
              - alert: ErrorSpike
                signal: error_ratio
                window: 5m
                threshold: 50%
                min_events: 5
                severity: critical
            """;

    private KafkaBroker kafka;

    private ProcessorApp app;
    private Corpus corpus;
    private final List<ConsumerRecord<byte[], byte[]>> logs = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> requests = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();

    @BeforeAll
    void runCorpus(KafkaBroker kafka, @TempDir Path stateDir) throws Exception {
        this.kafka = kafka;
        Path rules = Files.writeString(stateDir.resolve("spike.yml"), SPIKE_RULE);
        NormalizeSettings d = NormalizeSettings.DEFAULTS;
        // 64 KiB instead of 1 MiB, so "too large" fits under the broker's own 1 MiB record limit
        Limits limits = new Limits(64 * 1024, 20, 1000, 32_768, Duration.ofDays(7), Duration.ofHours(1));
        ProcessorConfig config = ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(stateDir.resolve("state")).withApplicationId("weir-processor-it")
                .withNormalize(new NormalizeSettings(limits, d.routes(), d.redaction(), d.fingerprint()))
                // no grace: a window's result is out as soon as a later event passes its end
                .withMeasure(MeasureSettings.defaults().withGrace(Duration.ZERO))
                .withRules(new ProcessorConfig.Rules(rules, null, Duration.ofMillis(200)));
        app = new ProcessorApp(config, Clock.systemUTC());
        app.start();

        corpus = Corpus.generate(42, Clock.systemUTC().instant(), 1_200, 600);
        Map<String, Object> props = KafkaClients.producer(kafka.bootstrapServers(), "corpus");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Corpus.Input in : corpus.inputs()) {
                producer.send(new ProducerRecord<>(in.topic(), in.key(), in.value()));
            }
            producer.flush();
        }

        Map<String, Object> c = KafkaClients.consumer(kafka.bootstrapServers(), "corpus-reader");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LOGS, Topics.REQUESTS, Topics.DEADLETTER));
            int expected = corpus.inputs().size();
            Poll.until(DEADLINE, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(this::collect);
                return logs.size() + requests.size() + deadLetters.size() >= expected;
            }, () -> expected + " records out (have " + logs.size() + " logs, " + requests.size() + " requests, "
                    + deadLetters.size() + " dead letters; processor " + app.state() + ")");
            // anything beyond the expected count would be a duplicate: give it a moment to show up
            consumer.poll(Duration.ofSeconds(1)).forEach(this::collect);
        }
    }

    private void collect(ConsumerRecord<byte[], byte[]> r) {
        switch (r.topic()) {
            case Topics.LOGS -> logs.add(r);
            case Topics.REQUESTS -> requests.add(r);
            default -> deadLetters.add(r);
        }
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void shouldFeedAtLeastAThousandMalformedInputs() {
        assertThat(corpus.malformed()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void shouldKeepRunningThroughTheWholeCorpus() {
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void shouldAccountForEveryInputExactlyOnce() {
        assertThat(logs.size() + requests.size() + deadLetters.size()).isEqualTo(corpus.inputs().size());
        assertThat(logs).hasSize(corpus.validLogs());
        assertThat(requests).hasSize(corpus.validRequests());
        assertThat(deadLetters).hasSize(corpus.malformed());
    }

    @Test
    void shouldDeadLetterExactlyTheMalformedInputsWithTheirOriginalBytesOrTheirHash() {
        // a dead letter holds the original bytes, or (redacted) says which original it stands for
        assertThat(deadLetters.stream().map(ProcessorAppIT::originalSha256).sorted().toList())
                .isEqualTo(corpus.inputs().stream().filter(i -> i.expectedReason() != null).map(i -> sha256(i.value())).sorted().toList());
    }

    @Test
    void shouldGiveEachDeadLetterTheExpectedReason() {
        Map<String, String> expected = new HashMap<>();
        corpus.inputs().stream().filter(i -> i.expectedReason() != null).forEach(i -> expected.put(sha256(i.value()), i.expectedReason()));
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            DeadLetterHeaders.Values h = DeadLetterHeaders.read(r.headers());
            assertThat(h.reason()).as("reason of %s", h.detail()).isEqualTo(expected.get(originalSha256(r)));
            assertThat(h.sourceOffset()).isNotNull();
        }
    }

    @Test
    void shouldNeverLetPlantedSecretsIntoDeadLetters() {
        assertThat(deadLetters.stream().filter(r -> r.headers().lastHeader(DeadLetterHeaders.REDACTIONS) != null)).isNotEmpty();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            StringBuilder text = new StringBuilder(new String(r.value(), StandardCharsets.UTF_8));
            r.headers().forEach(h -> text.append('\n').append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)));
            for (String secret : Corpus.SECRETS) {
                assertThat(text.toString()).doesNotContain(secret);
            }
        }
    }

    private static String originalSha256(ConsumerRecord<byte[], byte[]> r) {
        return DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.ORIGINAL_SHA256).orElseGet(() -> sha256(r.value()));
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldNeverLetPlantedSecretsIntoLogs() {
        var serde = WeirSerdes.logEvent();
        List<String> texts = logs.stream().map(r -> serde.deserialize(Topics.LOGS, r.value()).toString()).toList();
        assertThat(texts).isNotEmpty();
        for (String secret : Corpus.SECRETS) {
            assertThat(texts).noneMatch(t -> t.contains(secret));
        }
    }

    @Test
    void shouldStillCarryRedactedMarkersInLogs() {
        var serde = WeirSerdes.logEvent();
        assertThat(logs.stream().map(r -> serde.deserialize(Topics.LOGS, r.value())).mapToInt(LogEvent::getRedactions).sum())
                .isPositive();
    }

    @Test
    void shouldReportReadyAndServeProcessorMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort()
                + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("weir_deadletters_total{", "reason=\"malformed_json\"", "weir_redactions_total{",
                "weir_records_in_total{", "weir_records_out_total{", "kafka_consumer_fetch_manager_records_lag");
    }

    @Test
    void shouldCountEveryDeadLetterInMetrics() {
        double counted = app.registry().find("weir.deadletters").counters().stream().mapToDouble(c -> c.count()).sum();
        assertThat(counted).isEqualTo(corpus.malformed());
    }

    @Test
    void shouldTurnARawErrorSpikeIntoCleanRequestsAWindowResultMetricsAndOneFiringAlert() throws Exception {
        String service = "spike-" + Long.toHexString(System.nanoTime());
        // ahead of every corpus event (the last hour), or stream time would already be past the spike's window
        // and its requests would only count as late events; the broker and normaliser accept up to 1 h ahead
        Instant spikeAt = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES).plusSeconds(10);
        Map<String, Object> props = KafkaClients.producer(kafka.bootstrapServers(), "spike");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(rawRequest(service, "/pay/" + (1000 + i), 500, spikeAt.plusMillis(i)));
            }
            // a later event of the same service (same partition) moves stream time past the spike's window
            producer.send(rawRequest(service, "/pay/2000", 200, spikeAt.plus(2, ChronoUnit.MINUTES)));
            producer.flush();
        }

        List<RequestEvent> clean = new ArrayList<>();
        List<ErrorRateWindow> windows = new ArrayList<>();
        List<AlertEvent> alerts = new ArrayList<>();
        var requestSerde = WeirSerdes.requestEvent();
        var windowSerde = WeirSerdes.errorRateWindow();
        var alertSerde = WeirSerdes.alertEvent();
        Map<String, Object> c = KafkaClients.consumer(kafka.bootstrapServers(), "spike-reader-" + service);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.REQUESTS, Topics.STATS_ERRORS, Topics.ALERTS));
            Poll.until(DEADLINE, () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    switch (r.topic()) {
                        case Topics.REQUESTS -> {
                            if (service.equals(r.key())) {
                                clean.add(requestSerde.deserialize(r.topic(), r.value()));
                            }
                        }
                        case Topics.STATS_ERRORS -> {
                            if (service.equals(r.key())) {
                                windows.add(windowSerde.deserialize(r.topic(), r.value()));
                            }
                        }
                        default -> {
                            AlertEvent a = alertSerde.deserialize(r.topic(), r.value());
                            if (service.equals(a.getLabels().get("service"))) {
                                alerts.add(a);
                            }
                        }
                    }
                }
                return clean.size() == 11 && !windows.isEmpty() && !alerts.isEmpty();
            }, () -> "11 requests, a window and an alert of " + service + " (have " + clean.size() + ", " + windows
                    + ", " + alerts + ")");
        }
        String metrics = get("/metrics");

        assertThat(clean).extracting(RequestEvent::getRoute).containsOnly("/pay/{id}");
        assertThat(windows).singleElement().satisfies(w -> {
            assertThat(w.getRequests()).isEqualTo(10);
            assertThat(w.getErrors5xx()).isEqualTo(10);
            assertThat(w.getWindowStart()).isEqualTo(spikeAt.truncatedTo(ChronoUnit.MINUTES));
        });
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
            assertThat(a.getRule()).isEqualTo("ErrorSpike");
        });
        assertThat(metrics).contains("http_requests_total{", "service=\"" + service + "\"", "status=\"500\"",
                // store-backed gauges are only there when MeasureMetrics' refresh hook ran before the scrape
                "weir_window_requests{");
    }

    @Test
    void shouldAnswerTheQueryApiForAMeasuredService() throws Exception {
        Poll.until(DEADLINE, () -> get("/api/v1/services").contains("\"shop\""), () -> "service shop listed");
        assertThat(get("/api/v1/services/shop")).contains("\"requests\"", "\"errorRatio\"");
        assertThat(get("/api/v1/rules")).contains("ErrorSpike");
    }

    private String get(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private static ProducerRecord<byte[], byte[]> rawRequest(String service, String path, int status, Instant at) {
        String json = "{\"@timestamp\":\"" + at + "\",\"service\":\"" + service + "\",\"method\":\"POST\",\"path\":\"" + path
                + "\",\"status\":" + status + ",\"duration_ms\":12.5}";
        return new ProducerRecord<>(Topics.RAW_REQUESTS, service.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }
}
