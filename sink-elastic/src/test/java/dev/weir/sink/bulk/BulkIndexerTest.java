package dev.weir.sink.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.weir.common.deadletter.DeadLetters;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.sink.deadletter.DeadLetterPublisher;
import dev.weir.sink.document.DeadLetterDocuments;
import dev.weir.sink.document.IndexDoc;
import dev.weir.sink.ops.ClusterStatus;
import dev.weir.sink.ops.SinkMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.http.HttpHost;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry and dead-letter rules, through the real Elasticsearch client against a small HTTP
 * server that answers {@code _bulk} as scripted (per-item 429/5xx/400 inside a 200 are hard to
 * provoke on a real node on demand).
 */
class BulkIndexerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeBulkEndpoint server;
    private RestClient rest;
    private List<List<String>> calls;
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SinkMetrics metrics = new SinkMetrics(registry);
    private final ClusterStatus cluster = new ClusterStatus(Clock.systemUTC());

    @BeforeEach
    void startFakeElasticsearch() throws Exception {
        server = new FakeBulkEndpoint();
        calls = server.calls();
        rest = RestClient.builder(new HttpHost("127.0.0.1", server.port())).build();
    }

    @AfterEach
    void stop() throws Exception {
        rest.close();
        server.close();
    }

    private BulkIndexer indexer(int maxItemRetries) {
        return indexer(maxItemRetries, new DeadLetterPublisher(producer, "weir.deadletter"));
    }

    private BulkIndexer indexer(int maxItemRetries, DeadLetterPublisher deadLetters) {
        ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        return new BulkIndexer(new BulkEndpoint(rest), new EarlierCopies(client, EarlierCopies.DEFAULT_SKEW),
                deadLetters, new DeadLetterDocuments(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry())), metrics, cluster,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(4), new SplittableRandom(1)), maxItemRetries,
                Clock.fixed(Instant.parse("2025-03-14T09:26:53Z"), ZoneOffset.UTC));
    }

    private static Batch batch(int n) {
        Batch b = new Batch(Instant.EPOCH);
        for (int i = 0; i < n; i++) {
            b.add(new Batch.Entry(new ConsumerRecord<>("weir.logs", 0, i, "k".getBytes(), ("avro" + i).getBytes()),
                    new IndexDoc("logs-svc-default", "id" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), 0L), null));
        }
        return b;
    }

    private static FakeBulkEndpoint.Answer ok(int n) {
        return FakeBulkEndpoint.Answer.created(n);
    }

    @Test
    void shouldResendOnlyTheDocumentsAnswered429() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(201, 429, 201)) : ok(ids.size()));
        BulkIndexer.Outcome o = indexer(3).index(batch(3));
        assertThat(o.created()).isEqualTo(3);
        assertThat(calls).containsExactly(List.of("id0", "id1", "id2"), List.of("id1"));
    }

    @Test
    void shouldRetry429WithoutALimit() throws Exception {
        server.script((call, ids) -> call < 8 ? new FakeBulkEndpoint.Answer(200, List.of(429)) : ok(ids.size()));
        BulkIndexer.Outcome o = indexer(1).index(batch(1));
        assertThat(o.created()).isEqualTo(1);
        assertThat(o.deadLettered()).isZero();
        assertThat(metrics.count("weir.sink.retried", "cause", "429")).isEqualTo(8);
    }

    @Test
    void shouldCountA409AsAlreadyIndexed() throws Exception {
        server.script((call, ids) -> new FakeBulkEndpoint.Answer(200, List.of(409, 201)));
        BulkIndexer.Outcome o = indexer(3).index(batch(2));
        assertThat(o.duplicates()).isEqualTo(1);
        assertThat(o.created()).isEqualTo(1);
        assertThat(calls).hasSize(1);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldSendADocumentRejectedForItsMappingToTheDeadLetterTopicWithItsOriginalBytes() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(201, 400)) : ok(ids.size()));
        BulkIndexer.Outcome o = indexer(3).index(batch(2));
        assertThat(o.deadLettered()).isEqualTo(1);
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> dl = producer.history().get(0);
        assertThat(dl.topic()).isEqualTo("weir.deadletter");
        assertThat(dl.value()).isEqualTo("avro1".getBytes());
        DeadLetterHeaders.Values v = DeadLetterHeaders.read(dl.headers());
        assertThat(v.reason()).isEqualTo("mapping_conflict");
        assertThat(v.stage()).isEqualTo("sink");
        assertThat(v.sourceOffset()).isEqualTo(1L);
        assertThat(v.detail()).contains("source.ip", "password=[REDACTED]").doesNotContain("hunter2secret");
    }

    @Test
    void shouldIndexTheDeadLetterDocumentOfARejectedDocument() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(201, 400)) : ok(ids.size()));
        indexer(3).index(batch(2));
        assertThat(calls).containsExactly(List.of("id0", "id1"), List.of("weir.logs-0-1"));
        assertThat(metrics.count("weir.sink.dead.lettered", "reason", "mapping_conflict")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterADocumentAfterItsServerErrorRetriesAreUsedUp() throws Exception {
        server.script((call, ids) -> ids.get(0).equals("id0") ? new FakeBulkEndpoint.Answer(200, List.of(500)) : ok(ids.size()));
        BulkIndexer.Outcome o = indexer(2).index(batch(1));
        assertThat(o.deadLettered()).isEqualTo(1);
        assertThat(calls.stream().filter(c -> c.contains("id0")).count()).isEqualTo(3);
        assertThat(DeadLetterHeaders.read(producer.history().get(0).headers()).reason()).isEqualTo("retries_exhausted");
    }

    @Test
    void shouldResendTheWholeRequestWhenTheClusterRefusesIt() throws Exception {
        server.script((call, ids) -> call < 2 ? new FakeBulkEndpoint.Answer(503, List.of()) : ok(ids.size()));
        BulkIndexer.Outcome o = indexer(0).index(batch(2));
        assertThat(o.created()).isEqualTo(2);
        assertThat(calls).hasSize(3);
        assertThat(metrics.count("weir.sink.retried", "cause", "request")).isEqualTo(2);
        assertThat(cluster.isUp()).isTrue();
    }

    @Test
    void shouldReportTheClusterDownWhileItCannotBeReached() throws Exception {
        server.close();
        Thread worker = new Thread(() -> {
            try {
                indexer(0).index(batch(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        worker.start();
        try {
            dev.weir.stack.Poll.until(Duration.ofSeconds(10), () -> !cluster.isUp(), () -> "the cluster to be reported down");
            assertThat(cluster.check().ready()).isFalse();
        } finally {
            worker.interrupt();
            worker.join(10_000);
        }
        assertThat(worker.isAlive()).as("an interrupted indexer gives up").isFalse();
    }

    @Test
    void shouldDeadLetterARecordThatCouldNotBeReadWithoutSendingItToElasticsearchFirst() throws Exception {
        server.script((call, ids) -> ok(ids.size()));
        Batch b = new Batch(Instant.EPOCH);
        b.add(new Batch.Entry(new ConsumerRecord<>("weir.logs", 0, 9, null, new byte[] {1, 2}), null,
                new Batch.Rejection("undecodable", "deserialize", "SerializationException", "not Avro")));
        BulkIndexer.Outcome o = indexer(0).index(b);
        assertThat(o.deadLettered()).isEqualTo(1);
        assertThat(calls).containsExactly(List.of("weir.logs-0-9"));
        assertThat(DeadLetterHeaders.read(producer.history().get(0).headers()).stage()).isEqualTo("deserialize");
    }

    @Test
    void shouldCutADeadLetterToWhatTheDeadLetterTopicTakes() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(400)) : ok(ids.size()));
        Batch b = new Batch(Instant.EPOCH);
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'a');
        b.add(new Batch.Entry(new ConsumerRecord<>("weir.logs", 0, 7, "k".getBytes(), big),
                new IndexDoc("logs-svc-default", "id7", "{\"n\":7}".getBytes(StandardCharsets.UTF_8), 0L), null));
        int limit = 64 * 1024;

        indexer(3, new DeadLetterPublisher(producer, "weir.deadletter", limit, new DeadLetters())).index(b);

        ProducerRecord<byte[], byte[]> dl = producer.history().get(0);
        assertThat(DeadLetters.recordBytes(dl.key(), dl.value(), dl.headers())).isLessThanOrEqualTo(limit);
        assertThat(DeadLetterHeaders.get(dl.headers(), DeadLetterHeaders.TRUNCATED)).contains("value");
        assertThat(DeadLetterHeaders.get(dl.headers(), DeadLetterHeaders.ORIGINAL_SIZE)).contains("200000");
    }

    @Test
    void shouldFinishTheBatchAndCountADeadLetterTheTopicRefuses() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(201, 400)) : ok(ids.size()));
        producer.sendException = new org.apache.kafka.common.errors.InvalidTopicException("the dead-letter topic refuses it");

        BulkIndexer.Outcome o = indexer(3).index(batch(2));

        assertThat(o.created()).isEqualTo(1);
        assertThat(o.deadLettered()).isEqualTo(1);
        assertThat(metrics.count("weir.sink.dead.letter.failures")).isEqualTo(1);
        assertThat(calls).containsExactly(List.of("id0", "id1"), List.of("weir.logs-0-1"));
    }

    @Test
    void shouldSendTheHeadersAloneWhenTheTopicRefusesADeadLetterForItsSize() throws Exception {
        server.script((call, ids) -> call == 0 ? new FakeBulkEndpoint.Answer(200, List.of(400)) : ok(ids.size()));
        MockProducer<byte[], byte[]> refusing = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                if (record.value() != null && record.value().length > 0) {
                    callback.onCompletion(null, new org.apache.kafka.common.errors.RecordTooLargeException("too large"));
                    return java.util.concurrent.CompletableFuture.failedFuture(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));
                }
                return super.send(record, callback);
            }
        };

        indexer(3, new DeadLetterPublisher(refusing, "weir.deadletter")).index(batch(1));

        assertThat(refusing.history()).singleElement().satisfies(dl -> {
            assertThat(dl.value()).isNull();
            assertThat(DeadLetterHeaders.read(dl.headers()).reason()).isEqualTo("mapping_conflict");
            assertThat(DeadLetterHeaders.get(dl.headers(), DeadLetterHeaders.TRUNCATED)).contains("value,key,headers");
        });
        assertThat(metrics.count("weir.sink.dead.letter.failures")).isZero();
    }
}
