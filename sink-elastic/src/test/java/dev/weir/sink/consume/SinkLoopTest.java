package dev.weir.sink.consume;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import dev.weir.common.kafka.Topics;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.sink.Events;
import dev.weir.sink.SinkConfig;
import dev.weir.sink.bulk.Backoff;
import dev.weir.sink.bulk.BulkEndpoint;
import dev.weir.sink.bulk.BulkIndexer;
import dev.weir.sink.bulk.EarlierCopies;
import dev.weir.sink.bulk.FakeBulkEndpoint;
import dev.weir.sink.deadletter.DeadLetterPublisher;
import dev.weir.sink.document.DataStreams;
import dev.weir.sink.document.DeadLetterDocuments;
import dev.weir.sink.document.EcsDocuments;
import dev.weir.sink.document.RecordConverter;
import dev.weir.sink.ops.ClusterStatus;
import dev.weir.sink.ops.SinkMetrics;
import dev.weir.stack.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.http.HttpHost;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer loop's batching, commit and pause rules, with Kafka's MockConsumer and a scripted _bulk endpoint. */
class SinkLoopTest {
    private static final TopicPartition TP = new TopicPartition(Topics.LOGS, 0);

    private FakeBulkEndpoint es;
    private RestClient rest;
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
    private ExecutorService executor;
    private SinkLoop loop;
    private Thread thread;

    @BeforeEach
    void setUp() throws Exception {
        es = new FakeBulkEndpoint();
        rest = RestClient.builder(new HttpHost("127.0.0.1", es.port())).build();
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
    }

    @AfterEach
    void tearDown() throws Exception {
        es.open();
        if (loop != null) {
            loop.stop(Duration.ofSeconds(30));
        }
        executor.shutdownNow();
        rest.close();
        es.close();
    }

    private void start(int maxDocs, int concurrency, Duration flush) {
        ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        BulkIndexer indexer = new BulkIndexer(new BulkEndpoint(rest), new EarlierCopies(client, EarlierCopies.DEFAULT_SKEW),
                new DeadLetterPublisher(new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                        Topics.DEADLETTER), new DeadLetterDocuments(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry())), metrics,
                new ClusterStatus(Clock.systemUTC()), new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), new SplittableRandom(3)),
                3, Clock.systemUTC());
        executor = Executors.newFixedThreadPool(concurrency);
        SinkConfig.Bulk bulk = new SinkConfig.Bulk(maxDocs, 1024 * 1024, flush, concurrency, Duration.ofMillis(1),
                Duration.ofMillis(5), 3);
        loop = new SinkLoop(consumer, List.of(Topics.LOGS), new RecordConverter(new EcsDocuments(new DataStreams("default",
                List.of())), new DeadLetterDocuments(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry()))), indexer, executor, bulk, metrics, Clock.systemUTC());
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP)));
        thread = new Thread(loop, "test-sink-loop");
        thread.start();
        Poll.until(Duration.ofSeconds(10), loop::isAssigned, () -> "the loop to be assigned " + TP);
    }

    private void add(int from, int to) {
        consumer.schedulePollTask(() -> {
            for (int i = from; i < to; i++) {
                consumer.addRecord(new ConsumerRecord<>(Topics.LOGS, 0, i, "svc".getBytes(), WeirSerdes.logEvent()
                        .serialize(Topics.LOGS, Events.log("id" + i, "svc", null, Events.T0))));
            }
        });
    }

    private long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? -1 : o.offset();
    }

    @Test
    void shouldNotCommitBeforeTheBatchIsIndexed() {
        es.hold();
        start(10, 1, Duration.ofMillis(10));
        add(0, 5);
        Poll.until(Duration.ofSeconds(10), () -> es.calls().size() == 1, () -> "the first bulk request");
        assertThat(committed()).isEqualTo(-1);

        es.open();
        Poll.until(Duration.ofSeconds(10), () -> committed() == 5, () -> "offset 5 committed (now " + committed() + ")");
    }

    @Test
    void shouldCutBatchesAtTheDocumentCount() {
        start(4, 2, Duration.ofSeconds(60));
        add(0, 8);
        Poll.until(Duration.ofSeconds(10), () -> committed() == 8, () -> "offset 8 committed (now " + committed() + ")");
        assertThat(es.calls()).allSatisfy(c -> assertThat(c).hasSize(4));
    }

    @Test
    void shouldSendAnIncompleteBatchOnceTheFlushIntervalPassed() {
        start(1000, 1, Duration.ofMillis(50));
        add(0, 3);
        Poll.until(Duration.ofSeconds(10), () -> committed() == 3, () -> "offset 3 committed (now " + committed() + ")");
        assertThat(es.calls()).containsExactly(List.of("id0", "id1", "id2"));
    }

    @Test
    void shouldPauseConsumptionWhileEveryBulkSlotIsBusy() {
        es.hold();
        start(2, 1, Duration.ofMillis(10));
        add(0, 10);
        Poll.until(Duration.ofSeconds(10), () -> consumer.paused().contains(TP), () -> "the partition to be paused");
        assertThat(metrics.pausedValue()).isEqualTo(1.0);

        es.open();
        Poll.until(Duration.ofSeconds(10), () -> committed() == 10 && consumer.paused().isEmpty(),
                () -> "all 10 committed and the partition resumed (committed " + committed() + ")");
    }

    @Test
    void shouldNotCommitALaterBatchBeforeAnEarlierOneIsDone() throws Exception {
        java.util.concurrent.CountDownLatch firstBatch = new java.util.concurrent.CountDownLatch(1);
        es.script((call, ids) -> {
            if (ids.contains("id0")) {
                try {
                    firstBatch.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FakeBulkEndpoint.Answer.created(ids.size());
        });
        try {
            start(2, 2, Duration.ofMillis(10));
            add(0, 4);
            Poll.until(Duration.ofSeconds(10), () -> metrics.count("weir.sink.indexed") == 2,
                    () -> "the second batch indexed while the first is held");
            assertThat(committed()).isEqualTo(-1);
        } finally {
            firstBatch.countDown();
        }
        Poll.until(Duration.ofSeconds(10), () -> committed() == 4, () -> "offset 4 committed (now " + committed() + ")");
    }
}
