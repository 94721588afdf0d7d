package dev.weir.cli.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.agent.AgentApp;
import dev.weir.agent.AgentSettings;
import dev.weir.agent.http.HttpSettings;
import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.ProcessorApp;
import dev.weir.processor.config.ProcessorConfig;
import dev.weir.schemas.DeadLetterHeaders;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same strange inputs sent through the agent's HTTP intake and straight onto {@code weir.raw.logs}, through the
 * real agent and processor on a real broker, one at a time: each gets the same verdict both ways — a clean event both
 * times, or not (refused at the intake with a reason, or a dead letter), and where both are dead letters the same
 * reason.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class VerdictParityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private KafkaBroker kafka;
    private ProcessorApp processor;
    private AgentApp agent;
    private KafkaConsumer<byte[], byte[]> outcomes;
    private KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(KafkaBroker kafka, @TempDir Path dir) throws Exception {
        this.kafka = kafka;
        processor = new ProcessorApp(ProcessorConfig.defaults(kafka.bootstrapServers()).withHttpPort(0)
                .withStateDir(dir.resolve("processor")).withApplicationId("weir-parity-it"), Clock.systemUTC());
        processor.start();
        agent = new AgentApp(AgentSettings.of("parity", kafka.bootstrapServers(), dir.resolve("agent"), List.of())
                .withHttp(HttpSettings.defaults().at("127.0.0.1", 0)), Clock.systemUTC());
        agent.start();
        outcomes = new KafkaConsumer<>(KafkaClients.consumer(kafka.bootstrapServers(), "parity-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        outcomes.subscribe(List.of(Topics.LOGS, Topics.REQUESTS, Topics.DEADLETTER));
        Poll.until(DEADLINE, () -> {
            outcomes.poll(Duration.ofMillis(100));
            return outcomes.assignment().size() == 9;
        }, () -> "the reader to get its partitions");
        Map<String, Object> props = KafkaClients.producer(kafka.bootstrapServers(), "parity-direct");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (outcomes != null) {
            outcomes.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    /**
     * Inputs by name; each is one line (no newline inside). Not among them: a JSON array, which the intake reads as a
     * list of events (its documented second body format) and the raw topics never hold.
     */
    private static Map<String, byte[]> inputs() {
        String ts = "\"@timestamp\":\"" + Instant.now() + "\"";
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("valid log", utf8("{" + ts + ",\"message\":\"fine\",\"region\":\"eu\"}"));
        in.put("valid request", utf8("{" + ts + ",\"method\":\"GET\",\"path\":\"/a/1\",\"status\":200,\"duration_ms\":3.5}"));
        in.put("truncated JSON", utf8("{" + ts + ",\"message\":\"cut"));
        in.put("not JSON", utf8("plain text"));
        in.put("invalid UTF-8", concat(utf8("{" + ts + ",\"message\":\"caf"), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}")));
        in.put("nesting 10 000 deep", utf8("{" + ts + ",\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
        in.put("nesting 25 deep", utf8("{" + ts + ",\"a\":" + "[".repeat(25) + "]".repeat(25) + "}"));
        in.put("a NUL byte", utf8("{" + ts + ",\"message\":\"a\u0000b\"}"));
        in.put("an escaped NUL in a key", utf8("{" + ts + ",\"message\":\"m\",\"a\\u0000b\":1}"));
        in.put("an escaped NUL in a value", utf8("{" + ts + ",\"message\":\"a\\u0000b\"}"));
        in.put("a key twice", utf8("{" + ts + ",\"message\":\"m\",\"user\":\"a\",\"user\":\"b\"}"));
        in.put("message an object", utf8("{" + ts + ",\"message\":{\"text\":\"hi\"}}"));
        in.put("message an array", utf8("{" + ts + ",\"message\":[\"a\",\"b\"]}"));
        in.put("service.name an object", utf8("{" + ts + ",\"message\":\"m\",\"service\":{\"name\":{\"x\":1}}}"));
        in.put("event.id an object", utf8("{" + ts + ",\"message\":\"m\",\"event\":{\"id\":{\"x\":1}}}"));
        in.put("source.ip 999.1.1.1", utf8("{" + ts + ",\"message\":\"m\",\"source.ip\":\"999.1.1.1\"}"));
        in.put("source.ip a word", utf8("{" + ts + ",\"message\":\"m\",\"source\":{\"ip\":\"not-an-ip\"}}"));
        in.put("1e400 in a label", utf8("{" + ts + ",\"message\":\"m\",\"ratio\":1e400}"));
        in.put("NaN in a label", utf8("{" + ts + ",\"message\":\"m\",\"ratio\":NaN}"));
        in.put("30 000 three-byte characters", utf8("{" + ts + ",\"message\":\"m\",\"note\":\"" + "€".repeat(30_000) + "\"}"));
        in.put("duration 1.79e308", utf8("{" + ts + ",\"method\":\"GET\",\"path\":\"/\",\"status\":200,\"duration_ms\":1.79e308}"));
        in.put("a textual timestamp", utf8("{\"@timestamp\":\"yesterday\",\"message\":\"m\"}"));
        in.put("an absurd timestamp", utf8("{\"@timestamp\":99999999999999999999,\"message\":\"m\"}"));
        in.put("status a word", utf8("{" + ts + ",\"method\":\"GET\",\"path\":\"/\",\"status\":\"OK\"}"));
        in.put("an array for an object", utf8("{" + ts + ",\"message\":\"m\",\"source\":[{\"ip\":\"1.2.3.4\"}]}"));
        in.put("2 MB", utf8("{" + ts + ",\"message\":\"" + "x".repeat(2_000_000) + "\"}"));
        return in;
    }

    @Test
    void shouldGiveEveryInputTheSameVerdictThroughTheIntakeAndStraightOntoKafka() throws Exception {
        List<String> mismatches = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, byte[]> input : inputs().entrySet()) {
            String direct = direct(input.getValue());
            String intake = intake(input.getValue());
            table.append(String.format("%-32s direct %-28s intake %s%n", input.getKey(), direct, intake));
            if (!same(direct, intake)) {
                mismatches.add(input.getKey() + ": direct " + direct + ", intake " + intake);
            }
        }
        assertThat(mismatches).as("verdicts:%n%s", table).isEmpty();
        assertThat(processor.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    /** Clean both ways, or not clean both ways; two dead letters agree on the reason; a refusal at the intake is a dead letter straight. */
    private static boolean same(String direct, String intake) {
        if (intake.startsWith("refused")) {
            return direct.startsWith("dead") && (!intake.contains("max-event-size") || direct.equals("dead too_large"));
        }
        return direct.equals(intake);
    }

    private String direct(byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.RAW_LOGS, utf8("parity-direct"), value)).get();
        return nextOutcome();
    }

    private String intake(byte[] value) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/v1/logs"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(concat(value, utf8("\n")))).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(r.body());
        if (body.path("accepted").asInt(0) == 0) {
            return "refused " + (body.has("errors") ? body.get("errors").get(0).get("reason").asText() : body.path("error").asText());
        }
        return nextOutcome();
    }

    /** The one record the processor writes for the input just sent. */
    private String nextOutcome() {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        Poll.until(DEADLINE, () -> {
            outcomes.poll(Duration.ofMillis(100)).forEach(got::add);
            return !got.isEmpty();
        }, () -> "the processor's verdict");
        outcomes.poll(Duration.ofMillis(300)).forEach(got::add); // a second record would be a bug: let it show
        assertThat(got).as("records written for one input").hasSize(1);
        ConsumerRecord<byte[], byte[]> r = got.get(0);
        return r.topic().equals(Topics.DEADLETTER) ? "dead " + DeadLetterHeaders.read(r.headers()).reason() : "clean";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
