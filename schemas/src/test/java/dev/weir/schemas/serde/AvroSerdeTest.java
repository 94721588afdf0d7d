package dev.weir.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static final String TOPIC = "weir.logs";

    private final AvroSerde<LogEvent> logs = WeirSerdes.logEvent();

    @Test
    void shouldRoundTripLogEventWithEveryFieldSet() {
        LogEvent event = Samples.logEvent();

        assertThat(logs.deserialize(TOPIC, logs.serialize(TOPIC, event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripLogEventWithOnlyRequiredFieldsAndFillDefaults() {
        LogEvent decoded = logs.deserialize(TOPIC, logs.serialize(TOPIC, Samples.minimalLogEvent()));

        assertThat(decoded).isEqualTo(Samples.minimalLogEvent());
        assertThat(decoded.getLevel()).hasToString("UNKNOWN");
        assertThat(decoded.getMessage()).isEmpty();
        assertThat(decoded.getLabels()).isEmpty();
        assertThat(decoded.getTags()).isEmpty();
        assertThat(decoded.getRedactions()).isZero();
        assertThat(decoded.getError()).isNull();
    }

    @Test
    void shouldRoundTripRequestEvent() {
        AvroSerde<RequestEvent> serde = WeirSerdes.requestEvent();

        assertThat(serde.deserialize("weir.requests", serde.serialize("weir.requests", Samples.requestEvent())))
                .isEqualTo(Samples.requestEvent());
    }

    @Test
    void shouldRoundTripErrorRateWindow() {
        var serde = WeirSerdes.errorRateWindow();

        assertThat(serde.deserialize("weir.stats.errors", serde.serialize("weir.stats.errors", Samples.errorRateWindow())))
                .isEqualTo(Samples.errorRateWindow());
    }

    @Test
    void shouldRoundTripLatencyWindowWithItsSketchBytes() {
        var serde = WeirSerdes.latencyWindow();

        var decoded = serde.deserialize("weir.stats.latency", serde.serialize("weir.stats.latency", Samples.latencyWindow()));

        assertThat(decoded).isEqualTo(Samples.latencyWindow());
        assertThat(decoded.getSketch()).isEqualTo(Samples.latencyWindow().getSketch());
    }

    @Test
    void shouldRoundTripLoginBurstWindow() {
        var serde = WeirSerdes.loginBurstWindow();

        assertThat(serde.deserialize("weir.stats.logins", serde.serialize("weir.stats.logins", Samples.loginBurstWindow())))
                .isEqualTo(Samples.loginBurstWindow());
    }

    @Test
    void shouldRoundTripAlertEvent() {
        AvroSerde<AlertEvent> serde = WeirSerdes.alertEvent();

        assertThat(serde.deserialize("weir.alerts", serde.serialize("weir.alerts", Samples.alertEvent())))
                .isEqualTo(Samples.alertEvent());
    }

    @Test
    void shouldNotChangeTheSerializedRecord() {
        var window = Samples.latencyWindow();

        WeirSerdes.latencyWindow().serialize("weir.stats.latency", window);

        assertThat(window).isEqualTo(Samples.latencyWindow());
    }

    @Test
    void shouldTruncateTimestampsToMilliseconds() {
        LogEvent event = Samples.minimalLogEvent();
        event.setTimestamp(Instant.parse("2025-03-14T09:26:53.589123456Z"));

        LogEvent decoded = logs.deserialize(TOPIC, logs.serialize(TOPIC, event));

        assertThat(decoded.getTimestamp()).isEqualTo(Instant.parse("2025-03-14T09:26:53.589Z"));
    }

    @Test
    void shouldWriteSingleObjectHeaderWithLittleEndianSchemaFingerprint() {
        byte[] bytes = logs.serialize(TOPIC, Samples.minimalLogEvent());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(LogEvent.getClassSchema()));
    }

    @Test
    void shouldWriteTheSameBytesAsTheGeneratedToByteBuffer() throws Exception {
        LogEvent event = Samples.logEvent();

        assertSameBytesAsAvro(logs, event, event.toByteBuffer());
    }

    /** The serializer buffers on its own; Avro's encoder (behind the generated {@code toByteBuffer}) is the reference. */
    @Test
    void shouldWriteTheSameBytesAsAvrosEncoderForEveryTypeAndAcrossBufferSizes() throws Exception {
        assertSameBytesAsAvro(WeirSerdes.requestEvent(), Samples.requestEvent(), Samples.requestEvent().toByteBuffer());
        assertSameBytesAsAvro(WeirSerdes.errorRateWindow(), Samples.errorRateWindow(), Samples.errorRateWindow().toByteBuffer());
        assertSameBytesAsAvro(WeirSerdes.latencyWindow(), Samples.latencyWindow(), Samples.latencyWindow().toByteBuffer());
        assertSameBytesAsAvro(WeirSerdes.loginBurstWindow(), Samples.loginBurstWindow(), Samples.loginBurstWindow().toByteBuffer());
        assertSameBytesAsAvro(WeirSerdes.alertEvent(), Samples.alertEvent(), Samples.alertEvent().toByteBuffer());
        assertSameBytesAsAvro(logs, Samples.minimalLogEvent(), Samples.minimalLogEvent().toByteBuffer());
        // messages around the encoder's 2 KiB buffer and beyond the 64 KiB a thread keeps, in between and after
        for (int length : new int[] {0, 1, 2_000, 2_047, 2_048, 2_049, 5_000, 70_000, 3}) {
            LogEvent event = Samples.logEvent();
            event.setMessage("é€".repeat(length / 2) + "x".repeat(length % 2));
            assertSameBytesAsAvro(logs, event, event.toByteBuffer());
        }
    }

    private static <T extends SpecificRecord> void assertSameBytesAsAvro(AvroSerde<T> serde, T record, ByteBuffer avro) {
        byte[] expected = new byte[avro.remaining()];
        avro.get(expected);
        assertThat(serde.serialize(TOPIC, record)).as(record.getClass().getSimpleName()).isEqualTo(expected);
    }

    @Test
    void shouldWriteTheNextRecordWholeAfterOneFailedHalfway() throws Exception {
        LogEvent incomplete = Samples.logEvent();
        incomplete.setLevel(null); // required, after the id, timestamps, service and more are written
        assertThatThrownBy(() -> logs.serialize(TOPIC, incomplete)).isInstanceOf(SerializationException.class);

        LogEvent next = Samples.logEvent();
        assertSameBytesAsAvro(logs, next, next.toByteBuffer());
    }

    @Test
    void shouldSerializeNullAsNullForTombstones() {
        assertThat(logs.serialize(TOPIC, null)).isNull();
    }

    @Test
    void shouldDeserializeNullAsNullForTombstones() {
        assertThat(logs.deserialize(TOPIC, (byte[]) null)).isNull();
    }

    @Test
    void shouldDeserializeThroughTheHeadersAndByteBufferVariant() {
        byte[] bytes = logs.serialize(TOPIC, Samples.logEvent());

        assertThat(logs.deserialize(TOPIC, new RecordHeaders(), ByteBuffer.wrap(bytes))).isEqualTo(Samples.logEvent());
    }

    @Test
    void shouldRejectRecordWithUnknownFingerprint() {
        byte[] bytes = logs.serialize(TOPIC, Samples.logEvent());
        long unknown = 0x0123456789abcdefL;
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(unknown);
        long current = SchemaNormalization.parsingFingerprint64(LogEvent.getClassSchema());

        assertThatThrownBy(() -> logs.deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Record in topic weir.logs has Avro schema fingerprint 0x0123456789abcdef"
                        + " which is not a known version of dev.weir.schemas.LogEvent; known: [")
                .hasMessageContaining(String.format("0x%016x (current)", current))
                .hasMessageContaining(String.format("0x%016x (0.1.0)",
                        SchemaNormalization.parsingFingerprint64(ReleasedSchemas.of(LogEvent.getClassSchema()).get("0.1.0"))));
    }

    @Test
    void shouldRejectRecordOfAnotherTypeByItsFingerprint() {
        byte[] request = WeirSerdes.requestEvent().serialize("weir.requests", Samples.requestEvent());

        assertThatThrownBy(() -> logs.deserialize(TOPIC, request))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a known version of dev.weir.schemas.LogEvent");
    }

    @Test
    void shouldRejectJsonBytesAsNotSingleObjectEncoded() {
        byte[] json = "{\"@timestamp\":\"2025-03-14T09:26:53Z\",\"message\":\"hi\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> logs.deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Record in topic weir.logs is not an Avro single-object encoded dev.weir.schemas.LogEvent")
                .hasMessageContaining("starts with 0x7B 0x22 instead of 0xC3 0x01 (it looks like JSON)");
    }

    @Test
    void shouldRejectRandomGarbageBytes() {
        byte[] garbage = new byte[64];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0x00;

        assertThatThrownBy(() -> logs.deserialize(TOPIC, garbage))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not an Avro single-object encoded");
    }

    @Test
    void shouldRejectEmptyRecord() {
        assertThatThrownBy(() -> logs.deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("it is empty");
    }

    @Test
    void shouldRejectRecordShorterThanTheHeader() {
        assertThatThrownBy(() -> logs.deserialize(TOPIC, new byte[] {(byte) 0xC3, 0x01, 0x11, 0x22}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("it has 4 bytes, fewer than the 10-byte header");
    }

    @Test
    void shouldRejectTruncatedBody() {
        byte[] bytes = logs.serialize(TOPIC, Samples.logEvent());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> logs.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("could not be decoded as dev.weir.schemas.LogEvent written with schema version current (fingerprint 0x");
    }

    @Test
    void shouldRejectGarbageBodyBehindAValidHeader() {
        byte[] header = Arrays.copyOf(logs.serialize(TOPIC, Samples.minimalLogEvent()), AvroSerde.HEADER_LENGTH);
        byte[] bytes = Arrays.copyOf(header, AvroSerde.HEADER_LENGTH + 6);
        // A string length of -1 (zig-zag 0x01) is never valid Avro.
        bytes[AvroSerde.HEADER_LENGTH] = 0x01;

        assertThatThrownBy(() -> logs.deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("could not be decoded as dev.weir.schemas.LogEvent");
    }

    @Test
    void shouldRejectSerializingRecordWithMissingRequiredField() {
        LogEvent incomplete = Samples.minimalLogEvent();
        incomplete.setService(null);

        assertThatThrownBy(() -> logs.serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Cannot serialize dev.weir.schemas.LogEvent for topic weir.logs");
    }

    @Test
    void shouldRefuseAnEarlierVersionTheCurrentSchemaCannotRead() {
        Schema unreadable = SchemaBuilder.record("LogEvent").namespace("dev.weir.schemas").fields()
                .requiredInt("id")
                .endRecord();

        assertThatThrownBy(() -> new AvroSerde<>(LogEvent.class, Map.of("0.0.1", unreadable)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read records written with version 0.0.1");
    }

    @Test
    void shouldRefuseAnEarlierVersionOfAnotherType() {
        assertThatThrownBy(() -> new AvroSerde<>(LogEvent.class, Map.of("0.1.0", RequestEvent.getClassSchema())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a schema of dev.weir.schemas.RequestEvent, not of dev.weir.schemas.LogEvent");
    }

    @Test
    void shouldServeTheSameInstanceAsSerializerAndDeserializer() {
        assertThat(logs.serializer()).isSameAs(logs);
        assertThat(logs.deserializer()).isSameAs(logs);
    }

    @Test
    void shouldSerializeAndDeserializeConcurrentlyFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        LogEvent event = Samples.logEvent();
                        event.setId("evt-" + thread + "-" + i);
                        event.setMessage("message " + "x".repeat(i % 300));
                        if (!logs.deserialize(TOPIC, logs.serialize(TOPIC, event)).equals(event)) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
