package dev.weir.sink.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.kafka.Topics;
import dev.weir.common.redact.BuiltInRules;
import dev.weir.common.redact.Redactor;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.SourceInfo;
import dev.weir.schemas.serde.AvroSerde;
import dev.weir.schemas.serde.WeirSerdes;
import dev.weir.sink.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EcsTranscoderTest {
    private static final int SAMPLES = 20_000;
    private static final String[] PIECES = {
        "a", "order", "Z", "0", " ", "/", "-", ".", "\"", "\\", "\n", "\t", "\r", "\b", "\f", "\u0000", "\u0001", "\u001f",
        "\u007f", "é", "ß", "Ω", "中文", "\u2028", "\uFFFD", "😀", "𝄞", "audit", "AUDIT", "ı", "{id}", "<tag>", "'", "\u0080",
    };

    private final DataStreams streams = new DataStreams("default", List.of("authentication"));
    private final EcsDocuments ecs = new EcsDocuments(streams);
    private final EcsTranscoder transcoder = new EcsTranscoder(streams);
    private final AvroSerde<LogEvent> logs = WeirSerdes.logEvent();
    private final AvroSerde<RequestEvent> requests = WeirSerdes.requestEvent();

    @Test
    void shouldBeWrittenForTheCurrentSchemas() {
        // Fails when a schema changes: update EcsTranscoder's layout, mapping and fingerprint together.
        assertThat(EcsTranscoder.fingerprint(LogEvent.getClassSchema())).isEqualTo(EcsTranscoder.LOG_EVENT_FINGERPRINT);
        assertThat(EcsTranscoder.fingerprint(RequestEvent.getClassSchema())).isEqualTo(EcsTranscoder.REQUEST_EVENT_FINGERPRINT);
    }

    @Test
    void shouldWriteTheSameLogDocumentAsTheDecodeAndMapPath() {
        assertBothPathsAgree(42, EcsTranscoderTest::randomLog, logs, Topics.LOGS, transcoder::log, ecs::log);
    }

    @Test
    void shouldWriteTheSameRequestDocumentAsTheDecodeAndMapPath() {
        assertBothPathsAgree(43, EcsTranscoderTest::randomRequest, requests, Topics.REQUESTS, transcoder::request, ecs::request);
    }

    private static <T extends SpecificRecord> void assertBothPathsAgree(long seed, BiFunction<SplittableRandom, Integer, T> events,
            AvroSerde<T> serde, String topic, Function<byte[], IndexDoc> transcode, Function<T, IndexDoc> map) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < SAMPLES; i++) {
            T e = events.apply(random, i);
            byte[] value = serde.serialize(topic, e);
            assertSame(transcode.apply(value), map.apply(serde.deserialize(topic, value)), e);
        }
    }

    @Test
    void shouldWriteTheSameDocumentsForTheFixturesOfTheOtherTests() {
        byte[] full = logs.serialize(Topics.LOGS, Events.fullLog());
        assertSame(transcoder.log(full), ecs.log(logs.deserialize(Topics.LOGS, full)), Events.fullLog());
        RequestEvent request = Events.request("r", "shop-nginx", null, Events.T0);
        byte[] value = requests.serialize(Topics.REQUESTS, request);
        assertSame(transcoder.request(value), ecs.request(requests.deserialize(Topics.REQUESTS, value)), request);
    }

    @Test
    void shouldReadMapsAndArraysWrittenInSeveralBlocks() throws IOException {
        // Avro writers may split a map or array into blocks with negative counts and byte sizes; the
        // label order then depends on the first block's count, as the decoder sizes its HashMap by it.
        SplittableRandom random = new SplittableRandom(44);
        for (int i = 0; i < 500; i++) {
            LogEvent e = randomLog(random, i);
            Map<String, String> labels = new LinkedHashMap<>();
            for (int k = 0; k < 1 + random.nextInt(40); k++) {
                labels.put("key" + random.nextInt(100) + randomText(random, 3), randomText(random, 20));
            }
            e.setLabels(labels);
            e.setTags(List.of("a", "b" + randomText(random, 30), "audit", "c"));
            byte[] value = blocked(e, 16 + random.nextInt(64), EcsTranscoder.LOG_EVENT_FINGERPRINT);
            assertSame(transcoder.log(value), ecs.log(logs.deserialize(Topics.LOGS, value)), e);
        }
    }

    @Test
    void shouldKeepTheLastValueOfARepeatedLabelKey() {
        // The decoder's HashMap keeps the last value; an Avro map on the wire can repeat a key.
        byte[] value = logs.serialize(Topics.LOGS, Events.log("dup", "svc", "prod", Events.T0));
        byte[] withLabels = replaceLabels(value, new String[] {"k", "first", "other", "x", "k", "second"});
        IndexDoc expected = ecs.log(logs.deserialize(Topics.LOGS, withLabels));
        assertThat(new String(expected.json(), StandardCharsets.UTF_8)).contains("\"k\":\"second\"");
        assertSame(transcoder.log(withLabels), expected, "repeated key");
    }

    @Test
    void shouldLeaveMalformedUtf8ToTheDecoderWhichReplacesIt() {
        LogEvent e = Events.log("bad-utf8", "svc", "prod", Events.T0);
        e.setMessage("before MARK after");
        byte[] value = logs.serialize(Topics.LOGS, e);
        for (byte[] bad : List.of(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
            byte[] broken = value.clone();
            int at = indexOf(broken, "MARK".getBytes(StandardCharsets.US_ASCII));
            System.arraycopy(Arrays.copyOf(bad, 4), 0, broken, at, 4);
            if (bad.length < 4) {
                Arrays.fill(broken, at + bad.length, at + 4, (byte) 'x');
            }
            assertThat(transcoder.log(broken)).as("transcoder on %s", Arrays.toString(bad)).isNull();
            IndexDoc converted = converter().convert(record(Topics.LOGS, broken));
            assertThat(converted.json()).isEqualTo(ecs.log(logs.deserialize(Topics.LOGS, broken)).json());
        }
    }

    @Test
    void shouldLeaveRecordsOfAnotherWriterSchemaToTheDecoder() {
        byte[] value = logs.serialize(Topics.LOGS, Events.fullLog());
        byte[] other = value.clone();
        other[5] ^= 0x01;
        assertThat(transcoder.log(other)).isNull();
        assertThat(transcoder.request(value)).isNull();
    }

    @Test
    void shouldLeaveTruncatedRecordsToTheDecoderWhichDeadLettersThem() {
        byte[] value = logs.serialize(Topics.LOGS, Events.fullLog());
        RecordConverter converter = converter();
        for (int cut = 10; cut < value.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(value, cut);
            assertThat(transcoder.log(truncated)).isNull();
            assertThatThrownBy(() -> converter.convert(record(Topics.LOGS, truncated)))
                    .isInstanceOf(RecordConverter.UndecodableRecordException.class);
        }
    }

    @Test
    void shouldLeaveOverlongOrOverwideNumbersToTheDecoder() {
        // redactions (0), count (1) and an empty ecs map end the record: 0x00 0x02 0x00; redactions is re-encoded
        // here as Avro would not write it
        byte[] value = logs.serialize(Topics.LOGS, Events.log("n", "svc", "prod", Events.T0));
        byte[] body = Arrays.copyOf(value, value.length - 3);
        byte[] countAndEcs = {0x02, 0x00};
        byte[] sixBytes = concat(concat(body, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00}),
                countAndEcs);
        byte[] fifthByteTooWide = concat(concat(body, new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10}),
                countAndEcs);
        assertThat(transcoder.log(sixBytes)).isNull();
        assertThat(transcoder.log(fifthByteTooWide)).isNull();
        assertThatThrownBy(() -> converter().convert(record(Topics.LOGS, sixBytes)))
                .isInstanceOf(RecordConverter.UndecodableRecordException.class);
        assertThat(converter().convert(record(Topics.LOGS, fifthByteTooWide)).json())
                .isEqualTo(ecs.log(logs.deserialize(Topics.LOGS, fifthByteTooWide)).json());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void shouldLeaveTrailingBytesToTheDecoder() {
        byte[] value = logs.serialize(Topics.LOGS, Events.fullLog());
        byte[] longer = Arrays.copyOf(value, value.length + 3);
        assertThat(transcoder.log(longer)).isNull();
    }

    private RecordConverter converter() {
        return new RecordConverter(ecs, new DeadLetterDocuments(new Redactor(BuiltInRules.all(), new SimpleMeterRegistry())));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 0L, null, value);
    }

    private static void assertSame(IndexDoc fast, IndexDoc expected, Object event) {
        assertThat(fast).as("transcoder declined %s", event).isNotNull();
        assertThat(new String(fast.json(), StandardCharsets.UTF_8)).as("document of %s", event)
                .isEqualTo(new String(expected.json(), StandardCharsets.UTF_8));
        assertThat(fast.json()).isEqualTo(expected.json());
        assertThat(fast.target()).isEqualTo(expected.target());
        assertThat(fast.id()).isEqualTo(expected.id());
        assertThat(fast.timestamp()).isEqualTo(expected.timestamp());
    }

    private static LogEvent randomLog(SplittableRandom r, int i) {
        LogEvent.Builder b = LogEvent.newBuilder()
                .setId(randomText(r, 12) + i).setTimestamp(randomInstant(r)).setReceivedAt(randomInstant(r))
                .setService(r.nextInt(4) == 0 ? randomText(r, 10) : "checkout").setEnvironment(maybe(r, () -> randomText(r, 6)))
                .setHost(maybe(r, () -> randomText(r, 12)))
                .setLevel(LogLevel.values()[r.nextInt(LogLevel.values().length)])
                .setMessage(randomText(r, r.nextInt(8) == 0 ? 2000 : 80))
                .setLogger(maybe(r, () -> randomText(r, 30))).setThread(maybe(r, () -> randomText(r, 20)))
                .setTraceId(maybe(r, () -> randomText(r, 32))).setSpanId(maybe(r, () -> randomText(r, 16)))
                .setUserName(maybe(r, () -> randomText(r, 8))).setSourceIp(maybe(r, () -> randomText(r, 15)))
                .setSourcePort(maybe(r, () -> r.nextInt(3) == 0 ? r.nextInt() : r.nextInt(65_536)))
                .setLabels(randomLabels(r)).setTags(randomTags(r))
                .setRedactions(r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(3));
        if (r.nextBoolean()) {
            b.setError(ErrorInfo.newBuilder().setType(maybe(r, () -> randomText(r, 30))).setMessage(maybe(r, () -> randomText(r, 40)))
                    .setStackTrace(maybe(r, () -> randomText(r, 1500))).setFingerprint(maybe(r, () -> randomText(r, 16))).build());
        }
        if (r.nextBoolean()) {
            String[] categories = {"web", "authentication", "Authentication", "process"};
            b.setEvent(EventInfo.newBuilder().setCategory(maybe(r, () -> r.nextBoolean() ? categories[r.nextInt(4)] : randomText(r, 10)))
                    .setAction(maybe(r, () -> randomText(r, 10))).setOutcome(maybe(r, () -> randomText(r, 7)))
                    .setDurationNs(maybe(r, () -> r.nextBoolean() ? r.nextLong() : r.nextLong(10_000_000_000L))).build());
        }
        if (r.nextBoolean()) {
            b.setHttp(HttpInfo.newBuilder().setMethod(maybe(r, () -> randomText(r, 6))).setRoute(maybe(r, () -> randomText(r, 20)))
                    .setPath(maybe(r, () -> randomText(r, 30))).setStatus(maybe(r, () -> r.nextBoolean() ? r.nextInt() : 200 + r.nextInt(400)))
                    .setDurationMs(maybe(r, () -> randomDouble(r))).setBytes(maybe(r, () -> r.nextLong())).build());
        }
        if (r.nextBoolean()) {
            b.setSource(SourceInfo.newBuilder().setFormat(randomText(r, 8)).setFile(maybe(r, () -> randomText(r, 30)))
                    .setOffset(maybe(r, () -> r.nextLong())).setInput(maybe(r, () -> randomText(r, 6))).build());
        }
        b.setCount(r.nextInt(4) == 0 ? r.nextLong(1, 1_000_000) : 1);
        b.setEcs(randomEcs(r));
        return b.build();
    }

    private static RequestEvent randomRequest(SplittableRandom r, int i) {
        return RequestEvent.newBuilder()
                .setId(randomText(r, 12) + i).setTimestamp(randomInstant(r)).setReceivedAt(randomInstant(r))
                .setService(randomText(r, 10)).setEnvironment(maybe(r, () -> randomText(r, 6))).setHost(maybe(r, () -> randomText(r, 12)))
                .setMethod(randomText(r, 6)).setRoute(randomText(r, 20)).setPath(randomText(r, 40))
                .setStatus(r.nextInt(4) == 0 ? r.nextInt() : 100 + r.nextInt(500))
                .setDurationMs(maybe(r, () -> randomDouble(r))).setBytes(maybe(r, () -> r.nextLong()))
                .setClientIp(maybe(r, () -> randomText(r, 15))).setUserAgent(maybe(r, () -> randomText(r, 60)))
                .setUserName(maybe(r, () -> randomText(r, 8))).setTraceId(maybe(r, () -> randomText(r, 32)))
                .setLabels(randomLabels(r)).setLoginAttempt(r.nextBoolean())
                .setEcs(randomEcs(r))
                .build();
    }

    private static final String[] ECS_NAMES = {"process.pid", "process.name", "event.kind", "event.dataset", "event.module",
        "log.syslog.hostname", "url.query", "http.version", "source.port", "user_agent.name", "host.ip", "event.type",
        "event.risk_score", "tls.established", "host.name", "event.category", "weir.own", "labels.x", "service.name", "z"};

    /** ECS maps of every value type, with names the documents also write (to be left out) and non-finite numbers. */
    private static Map<String, Object> randomEcs(SplittableRandom r) {
        Map<String, Object> ecs = new LinkedHashMap<>();
        int n = r.nextInt(3) == 0 ? 0 : r.nextInt(12);
        for (int k = 0; k < n; k++) {
            String name = r.nextInt(4) == 0 ? "x." + (char) ('a' + r.nextInt(26)) + k : ECS_NAMES[r.nextInt(ECS_NAMES.length)];
            Object value = switch (r.nextInt(5)) {
                case 0 -> randomText(r, 20);
                case 1 -> r.nextBoolean() ? r.nextLong() : (long) r.nextInt(70_000);
                case 2 -> randomDouble(r);
                case 3 -> r.nextBoolean();
                default -> {
                    List<String> items = new ArrayList<>();
                    for (int i = r.nextInt(4); i > 0; i--) {
                        items.add(randomText(r, 10));
                    }
                    yield items;
                }
            };
            ecs.put(name, value);
        }
        return ecs;
    }

    private static Map<String, String> randomLabels(SplittableRandom r) {
        Map<String, String> labels = new LinkedHashMap<>();
        int n = r.nextInt(3) == 0 ? 0 : r.nextInt(r.nextInt(5) == 0 ? 30 : 4);
        for (int k = 0; k < n; k++) {
            labels.put(r.nextBoolean() ? "region" + k : randomText(r, 10), randomText(r, 15));
        }
        return labels;
    }

    private static List<String> randomTags(SplittableRandom r) {
        List<String> tags = new ArrayList<>();
        for (int k = r.nextInt(4) == 0 ? r.nextInt(4) : 0; k > 0; k--) {
            tags.add(randomText(r, 8));
        }
        return tags;
    }

    private static Instant randomInstant(SplittableRandom r) {
        return switch (r.nextInt(10)) {
            case 0 -> Instant.ofEpochMilli(r.nextLong());
            case 1 -> Instant.ofEpochMilli(r.nextLong(-62_167_219_200_000L, 0));
            case 2 -> Instant.ofEpochMilli(r.nextLong(1_000) * 1000);
            default -> Instant.ofEpochMilli(1_700_000_000_000L + r.nextLong(100_000_000_000L));
        };
    }

    private static double randomDouble(SplittableRandom r) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-7};
        return switch (r.nextInt(4)) {
            case 0 -> special[r.nextInt(special.length)];
            case 1 -> Double.longBitsToDouble(r.nextLong());
            default -> r.nextDouble() * 10_000;
        };
    }

    /** Text of up to {@code max} pieces: ASCII, characters JSON escapes, multi-byte and supplementary characters. */
    private static String randomText(SplittableRandom r, int max) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(max + 1);
        boolean plain = r.nextInt(3) == 0;
        for (int k = 0; k < n; k++) {
            s.append(plain ? (char) ('a' + r.nextInt(26)) : PIECES[r.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    private static <T> T maybe(SplittableRandom r, java.util.function.Supplier<T> value) {
        return r.nextInt(3) == 0 ? null : value.get();
    }

    /** Single-object encodes {@code record} with a blocking encoder, which writes maps and arrays in blocks. */
    private static byte[] blocked(SpecificRecord record, int blockSize, long fingerprint) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
        BinaryEncoder encoder = new EncoderFactory().configureBlockSize(blockSize).blockingBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * Rewrites the (empty) labels of an event from {@link Events#log} as one block with the given
     * key-value pairs: labels are followed by tags (empty), source and redactions on the wire.
     */
    private static byte[] replaceLabels(byte[] value, String[] pairs) {
        LogEvent e = WeirSerdes.logEvent().deserialize(Topics.LOGS, value);
        // Everything after labels: empty tags (0), then source and redactions, as serialised.
        byte[] tail = tailAfterLabels(e);
        int labelsAt = value.length - tail.length - 1; // the empty map is one 0 byte
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(value, 0, labelsAt);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeLong(pairs.length / 2);
            for (String p : pairs) {
                encoder.writeString(p);
            }
            encoder.writeLong(0);
            encoder.flush();
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        out.write(tail, 0, tail.length);
        return out.toByteArray();
    }

    private static byte[] tailAfterLabels(LogEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeLong(0); // tags
            encoder.writeIndex(1);
            new SpecificDatumWriter<SourceInfo>(SourceInfo.getClassSchema()).write(e.getSource(), encoder);
            encoder.writeInt(e.getRedactions());
            encoder.writeLong(e.getCount());
            encoder.writeLong(0); // ecs
            encoder.flush();
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
