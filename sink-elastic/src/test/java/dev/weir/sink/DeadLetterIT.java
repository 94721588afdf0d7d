package dev.weir.sink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** One run of the sink over a batch with a mapping conflict and an unreadable record in it. */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterIT {
    private String esUrl;
    private String bootstrap;
    private String ns;
    private long conflictOffset;
    private long garbageOffset;
    private byte[] conflictBytes;
    private SinkApp sink;
    private final ListAppender<ILoggingEvent> logLines = new ListAppender<>();
    private static final String SECRET = "hunter2secret";

    @BeforeAll
    void runSinkOverABadBatch(KafkaBroker kafka, ElasticsearchNode es) throws Exception {
        bootstrap = kafka.bootstrapServers();
        esUrl = es.httpUrl();
        Stack.topics(bootstrap);
        ns = SinkFixtures.namespace("dlq");
        Instant now = Instant.now();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = Stack.producer(bootstrap)) {
            for (int i = 0; i < 50; i++) {
                if (i == 25) {
                    LogEvent bad = Events.log(ns + "-bad", "svc", ns, now);
                    bad.setSourceIp("password=" + SECRET); // source.ip is mapped as ip: Elasticsearch quotes the value it refuses
                    conflictBytes = WeirSerdes.logEvent().serialize(Topics.LOGS, bad);
                    sent.add(p.send(new ProducerRecord<>(Topics.LOGS, 0, "svc".getBytes(), conflictBytes)));
                    sent.add(p.send(new ProducerRecord<>(Topics.LOGS, 0, "svc".getBytes(),
                            "{\"message\":\"not avro\"}".getBytes(StandardCharsets.UTF_8))));
                }
                sent.add(p.send(new ProducerRecord<>(Topics.LOGS, 0, "svc".getBytes(), WeirSerdes.logEvent()
                        .serialize(Topics.LOGS, Events.log(ns + "-" + i, "svc", ns, now)))));
            }
            p.flush();
            conflictOffset = sent.get(25).get().offset();
            garbageOffset = sent.get(26).get().offset();
        }
        logLines.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logLines);
        String group = "g-" + ns;
        sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC());
        sink.start();
        Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, Duration.ofSeconds(120));
    }

    @AfterAll
    void stopSink() {
        if (sink != null) {
            sink.close();
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logLines);
    }

    @Test
    void shouldCountDeadLettersPerReasonAtTheMetricsEndpoint() throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + sink.httpPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("weir_sink_dead_lettered_total{") && l.contains("reason=\"mapping_conflict\""))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))).singleElement().satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(metrics).contains("weir_sink_indexed_total{").contains("weir_sink_bulk_latency_seconds_bucket")
                .contains("weir_sink_consumer_lag{");
    }

    @Test
    void shouldPutDocumentThatConflictsWithTheMappingIntoTheDeadLetterStreamWithItsReason() {
        JsonNode doc = deadLetterDoc("weir.logs-0-" + conflictOffset);
        assertThat(doc.path("weir.dlq.reason").asText()).isEqualTo("mapping_conflict");
        assertThat(doc.path("weir.dlq.stage").asText()).isEqualTo("sink");
        assertThat(doc.path("error.type").asText()).endsWith("parsing_exception");
        assertThat(doc.path("weir.dlq.detail").asText()).contains("source.ip");
        assertThat(doc.path("message").asText()).contains("\"source.ip\":\"password=[REDACTED]\"");
    }

    @Test
    void shouldMakeTheValueElasticsearchRefusedSearchableNowhere() {
        JsonNode doc = deadLetterDoc("weir.logs-0-" + conflictOffset);
        assertThat(doc.toString()).doesNotContain(SECRET);
        assertThat(Stack.search(esUrl, "weir-deadletter,logs-*", "{\"query\":{\"query_string\":{\"query\":\"*" + SECRET + "*\"}}}")
                .path("hits").path("hits")).isEmpty();
        StringBuilder headers = new StringBuilder();
        deadLetterRecord(conflictOffset).headers().forEach(h -> headers.append(h.key()).append('=')
                .append(new String(h.value(), StandardCharsets.UTF_8)).append('\n'));
        assertThat(headers.toString()).contains("weir.dlq.detail=").doesNotContain(SECRET);
    }

    @Test
    void shouldKeepTheValueElasticsearchRefusedOutOfItsOwnLog() {
        assertThat(logLines.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("Dead-lettering"));
        assertThat(logLines.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).contains(SECRET));
    }

    @Test
    void shouldIndexTheRestOfTheBatch() {
        assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(50);
    }

    @Test
    void shouldWriteTheConflictingRecordWithItsOriginalBytesToTheDeadLetterTopic() {
        ConsumerRecord<byte[], byte[]> r = deadLetterRecord(conflictOffset);
        DeadLetterHeaders.Values v = DeadLetterHeaders.read(r.headers());
        assertThat(v.reason()).isEqualTo("mapping_conflict");
        assertThat(v.stage()).isEqualTo("sink");
        assertThat(r.value()).isEqualTo(conflictBytes);
    }

    private ConsumerRecord<byte[], byte[]> deadLetterRecord(long offset) {
        Map<String, Object> props = KafkaClients.consumer(bootstrap, "reader-" + ns + "-" + System.nanoTime());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(Topics.DEADLETTER));
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            Poll.until(Duration.ofSeconds(30), () -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetterHeaders.Values v = DeadLetterHeaders.read(r.headers());
                    if (Topics.LOGS.equals(v.sourceTopic()) && Long.valueOf(offset).equals(v.sourceOffset())
                            && Integer.valueOf(0).equals(v.sourcePartition())) {
                        found.add(r);
                    }
                }
                return !found.isEmpty();
            }, () -> "the dead-letter record of weir.logs-0@" + offset);
            return found.get(0);
        }
    }

    @Test
    void shouldDeadLetterARecordThatIsNotAvroWithTheDeserializeStage() {
        JsonNode doc = deadLetterDoc("weir.logs-0-" + garbageOffset);
        assertThat(doc.path("weir.dlq.reason").asText()).isEqualTo("undecodable");
        assertThat(doc.path("weir.dlq.stage").asText()).isEqualTo("deserialize");
        assertThat(doc.path("message").asText()).isEqualTo("{\"message\":\"not avro\"}");
        assertThat(doc.path("weir.dlq.encoding").asText()).isEqualTo("utf-8");
    }

    private JsonNode deadLetterDoc(String id) {
        JsonNode r = Stack.search(esUrl, "weir-deadletter", "{\"query\":{\"ids\":{\"values\":[\"" + id + "\"]}}}");
        JsonNode hits = r.path("hits").path("hits");
        assertThat(hits.size()).as("dead-letter documents with _id %s: %s", id, r).isEqualTo(1);
        return hits.get(0).path("_source");
    }
}
