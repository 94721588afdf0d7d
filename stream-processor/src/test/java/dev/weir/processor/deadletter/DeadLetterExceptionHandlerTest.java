package dev.weir.processor.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.DeadLetterHeaders;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler in a Streams application reading Avro requests, as the measures do: undecodable
 * records and records whose processing throws go to the dead-letter topic, and the stream goes on.
 * Kafka's own MockProducer stands in for the broker.
 */
class DeadLetterExceptionHandlerTest {
    private static final Instant NOW = Instant.parse("2025-03-14T10:00:00Z");

    @TempDir
    Path stateDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> requests;
    private TestOutputTopic<String, String> out;

    @BeforeEach
    void setUp() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Topics.REQUESTS, Consumed.with(Serdes.String(), WeirSerdes.requestEvent()).withName("test-source"))
                .mapValues(r -> {
                    if (r.getPath().equals("/boom")) {
                        throw new IllegalStateException("a bug");
                    }
                    if (r.getPath().equals("/streams-failed")) {
                        throw new StreamsException("a send failed earlier");
                    }
                    return r.getPath();
                }, Named.as("test-path"))
                .to("out", Produced.with(Serdes.String(), Serdes.serdeFrom(new StringSerializer() {
                    @Override
                    public byte[] serialize(String topic, String data) {
                        if ("/unserializable".equals(data)) {
                            throw new SerializationException("cannot write " + data);
                        }
                        return super.serialize(topic, data);
                    }
                }, new StringDeserializer())).withName("test-sink"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handler-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        props.put(DeadLetterExceptionHandler.PUBLISHER_CONFIG, new DeadLetterPublisher(producer, Topics.DEADLETTER,
                new DeadLetterCounters(registry), Clock.fixed(NOW, ZoneOffset.UTC)));
        driver = new TopologyTestDriver(b.build(), props, NOW);
        requests = driver.createInputTopic(Topics.REQUESTS, new StringSerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static byte[] request(String path) {
        return WeirSerdes.requestEvent().serialize(Topics.REQUESTS, RequestEvent.newBuilder().setId("1").setTimestamp(NOW)
                .setReceivedAt(NOW).setService("a").setMethod("GET").setRoute(path).setPath(path).setStatus(200).build());
    }

    @Test
    void shouldSendUndecodableRecordToDeadLetterTopicWithOriginalBytes() {
        byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
        requests.pipeInput("a", garbage);
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = producer.history().get(0);
        assertThat(dead.topic()).isEqualTo(Topics.DEADLETTER);
        assertThat(dead.value()).isEqualTo(garbage);
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(dead.headers());
        assertThat(h.reason()).isEqualTo(DeadLetterCounters.UNDECODABLE);
        assertThat(h.stage()).isEqualTo(DeadLetterCounters.STAGE_DESERIALIZE);
        assertThat(h.sourceTopic()).isEqualTo(Topics.REQUESTS);
        assertThat(h.sourceOffset()).isZero();
    }

    @Test
    void shouldContinueWithNextRecordAfterUndecodableOne() {
        requests.pipeInput("a", new byte[] {1, 2, 3});
        requests.pipeInput("a", request("/ok"));
        assertThat(out.readValuesToList()).containsExactly("/ok");
    }

    @Test
    void shouldSendRecordWhoseProcessingThrowsToDeadLetterTopic() {
        byte[] value = request("/boom");
        requests.pipeInput("a", value);
        requests.pipeInput("a", request("/ok"));
        assertThat(out.readValuesToList()).containsExactly("/ok");
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).value()).isEqualTo(value);
        DeadLetterHeaders.Values h = DeadLetterHeaders.read(producer.history().get(0).headers());
        assertThat(h.reason()).isEqualTo(DeadLetterCounters.PROCESSING_ERROR);
        assertThat(h.stage()).isEqualTo(DeadLetterCounters.STAGE_PROCESS);
    }

    @Test
    void shouldCountHandlerDeadLetters() {
        requests.pipeInput("a", new byte[] {1, 2, 3});
        assertThat(registry.find(DeadLetterCounters.METER).tag("reason", DeadLetterCounters.UNDECODABLE).counter().count())
                .isEqualTo(1);
    }

    @Test
    void shouldSendTheInputOfAnUnserializableOutputToDeadLetterTopicAndContinue() {
        byte[] value = request("/unserializable");
        requests.pipeInput("a", value);
        requests.pipeInput("a", request("/ok"));
        assertThat(out.readValuesToList()).containsExactly("/ok");
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.value()).isEqualTo(value);
            DeadLetterHeaders.Values h = DeadLetterHeaders.read(r.headers());
            assertThat(h.reason()).isEqualTo(DeadLetterCounters.PROCESSING_ERROR);
            assertThat(h.stage()).isEqualTo(DeadLetterCounters.STAGE_PRODUCE);
            assertThat(h.detail()).contains("cannot write /unserializable");
        });
    }

    @Test
    void shouldNotBlameTheRecordForAFailureOfKafkaStreamsItself() {
        assertThatThrownBy(() -> requests.pipeInput("a", request("/streams-failed"))).isInstanceOf(StreamsException.class);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldCountAndContinueWhenTheDeadLetterCannotBeWritten() {
        producer.sendException = new RecordTooLargeException("the dead-letter topic refuses it");
        requests.pipeInput("a", new byte[] {1, 2, 3});
        requests.pipeInput("a", request("/ok"));
        assertThat(out.readValuesToList()).containsExactly("/ok");
        assertThat(registry.find(DeadLetterCounters.FAILURES_METER).tag("stage", DeadLetterCounters.STAGE_DESERIALIZE)
                .counter().count()).isEqualTo(1);
        assertThat(registry.find(DeadLetterCounters.METER).tag("reason", DeadLetterCounters.UNDECODABLE).counter().count())
                .isZero();
    }
}
