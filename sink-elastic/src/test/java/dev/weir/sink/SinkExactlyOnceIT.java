package dev.weir.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.ElasticsearchNode;
import dev.weir.stack.KafkaBroker;
import dev.weir.stack.Poll;
import dev.weir.stack.junit.LocalStackExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SinkExactlyOnceIT {
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    private final String bootstrap;
    private final String esUrl;
    private final ElasticsearchNode es;

    SinkExactlyOnceIT(KafkaBroker kafka, ElasticsearchNode es) {
        this.bootstrap = kafka.bootstrapServers();
        this.esUrl = es.httpUrl();
        this.es = es;
    }

    @BeforeEach
    void topics() {
        Stack.topics(bootstrap);
    }

    @Test
    void shouldIndexEachEventExactlyOnce() {
        String ns = SinkFixtures.namespace("once");
        Stack.send(bootstrap, SinkFixtures.events(ns, 2000, 300, 20));
        String group = "g-" + ns;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC())) {
            sink.start();
            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
        }
        assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(2000);
        assertThat(Stack.count(esUrl, "logs-svc.access-" + ns)).isEqualTo(300);
        assertThat(Stack.count(esUrl, "weir-alerts", "weir.alert.fingerprint:fp" + ns + "*")).isEqualTo(40);
    }

    @Test
    void shouldStillHoldExactlyNDocumentsAfterConsumingAgainFromOffsetZero() {
        String ns = SinkFixtures.namespace("replay");
        Stack.send(bootstrap, SinkFixtures.events(ns, 1500, 100, 10));
        String first = "g1-" + ns;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, first), Clock.systemUTC())) {
            sink.start();
            Stack.awaitCaughtUp(bootstrap, first, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
        }
        String second = "g2-" + ns; // a new group starts at offset 0
        double duplicates;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, second), Clock.systemUTC())) {
            sink.start();
            Stack.awaitCaughtUp(bootstrap, second, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
            duplicates = sink.metrics().count("weir.sink.indexed", "result", "duplicate");
        }
        assertThat(SinkFixtures.documents(esUrl, ns)).isEqualTo(1500 + 100 + 20);
        assertThat(duplicates).isGreaterThanOrEqualTo(1500 + 100 + 20);
    }

    // A create only sees a data stream's write index: after a rollover, the documents in the
    // older backing indices must still not be created twice.

    @Test
    void shouldStillHoldExactlyNDocumentsWhenConsumingAgainFromOffsetZeroAfterARollover() {
        String ns = SinkFixtures.namespace("rollreplay");
        Stack.send(bootstrap, SinkFixtures.events(ns, 1500, 200, 0));
        consumeAll("g1-" + ns);
        rollOver("logs-svc-" + ns);
        rollOver("logs-svc.access-" + ns);

        double skipped = consumeAll("g2-" + ns); // a new group starts at offset 0

        assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(1500);
        assertThat(Stack.count(esUrl, "logs-svc.access-" + ns)).isEqualTo(200);
        assertThat(skipped).as("found in the older backing indices (the group reads other tests' records too)")
                .isGreaterThanOrEqualTo(1700);
    }

    @Test
    void shouldNotDuplicateEventsThatArriveAgainAfterARolloverTheSinkDidNotMake() {
        String ns = SinkFixtures.namespace("rollagain");
        List<ProducerRecord<byte[], byte[]>> events = SinkFixtures.events(ns, 1000, 0, 0);
        String group = "g-" + ns;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC())) {
            sink.start();
            Stack.send(bootstrap, events);
            Poll.until(CATCH_UP, () -> Stack.count(esUrl, "logs-svc-" + ns) == 1000, () -> "the first 1000 documents");
            rollOver("logs-svc-" + ns); // by someone else: the running sink still knows the old write index

            Stack.send(bootstrap, events); // the same events again, e.g. an upstream replay
            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
            assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(1000);
            assertThat(sink.metrics().count("weir.sink.duplicates.skipped")).isGreaterThanOrEqualTo(1000);
        }
    }

    @Test
    void shouldIndexEveryEventWhenElasticsearchIsDownForThirtySeconds() throws Exception {
        String ns = SinkFixtures.namespace("outage");
        String group = "g-" + ns;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC())) {
            sink.start();
            Stack.send(bootstrap, SinkFixtures.events(ns, 1000, 0, 0));
            Poll.until(CATCH_UP, () -> Stack.count(esUrl, "logs-svc-" + ns) == 1000, () -> "the first 1000 documents");

            es.stop();
            Instant stopped = Instant.now();
            Stack.send(bootstrap, SinkFixtures.events(ns + "b", 2000, 0, 0).stream()
                    .map(r -> rename(r, ns)).toList());
            Poll.until(Duration.ofSeconds(60), () -> ready(sink) == 503 && sink.metrics().count("weir.sink.retried", "cause", "request") > 0,
                    () -> "the sink to notice that Elasticsearch is down");
            // The outage itself: Elasticsearch stays down 30 s while records keep waiting.
            Poll.until(Duration.ofSeconds(60), () -> Duration.between(stopped, Instant.now()).toSeconds() >= 30,
                    () -> "30 s of outage");
            assertThat(registryValue(sink)).as("consumption paused while Elasticsearch is down").isEqualTo(1.0);
            es.restart();

            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, Duration.ofSeconds(180));
            assertThat(ready(sink)).isEqualTo(200);
        }
        assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(3000);
    }

    @Test
    void shouldCommitPastTransactionMarkersOfAnExactlyOnceProducer() {
        String ns = SinkFixtures.namespace("tx");
        java.util.Map<String, Object> props = dev.weir.common.kafka.KafkaClients.producer(bootstrap, "tx-test");
        props.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + ns);
        try (var p = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.initTransactions();
            p.beginTransaction();
            SinkFixtures.events(ns, 300, 0, 0).forEach(p::send);
            p.commitTransaction();
        }
        String group = "g-" + ns;
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC())) {
            sink.start();
            // the end offsets include the commit markers: the group must reach them, not stop one short
            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
        }
        assertThat(Stack.count(esUrl, "logs-svc-" + ns)).isEqualTo(300);
    }

    /** @return documents the sink found in older backing indices */
    private double consumeAll(String group) {
        try (SinkApp sink = new SinkApp(SinkFixtures.config(bootstrap, esUrl, group), Clock.systemUTC())) {
            sink.start();
            Stack.awaitCaughtUp(bootstrap, group, SinkConfig.SUPPORTED_TOPICS, CATCH_UP);
            return sink.metrics().count("weir.sink.duplicates.skipped");
        }
    }

    private void rollOver(String dataStream) {
        assertThat(Stack.send(esUrl, "POST", "/" + dataStream + "/_rollover", null).path("rolled_over").asBoolean())
                .as("rollover of " + dataStream).isTrue();
    }

    /** Second-batch events with ids of their own but in the first batch's data stream. */
    private static org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> rename(
            org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> r, String ns) {
        var serde = dev.weir.schemas.serde.WeirSerdes.logEvent();
        var e = serde.deserialize(r.topic(), r.value());
        e.setEnvironment(ns);
        return new org.apache.kafka.clients.producer.ProducerRecord<>(r.topic(), r.key(), serde.serialize(r.topic(), e));
    }

    private static double registryValue(SinkApp sink) {
        return sink.metrics().pausedValue();
    }

    private static int ready(SinkApp sink) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + sink.httpPort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }
}
