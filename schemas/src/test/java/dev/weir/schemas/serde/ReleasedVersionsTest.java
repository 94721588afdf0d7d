package dev.weir.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Records written by earlier schema versions stay readable. */
class ReleasedVersionsTest {

    static Stream<AvroSerde<? extends SpecificRecord>> allSerdes() {
        return Stream.of(WeirSerdes.logEvent(), WeirSerdes.requestEvent(), WeirSerdes.errorRateWindow(),
                WeirSerdes.latencyWindow(), WeirSerdes.loginBurstWindow(), WeirSerdes.alertEvent());
    }

    @ParameterizedTest
    @MethodSource("allSerdes")
    void shouldKnowEveryReleasedVersionOfEachSchema(AvroSerde<? extends SpecificRecord> serde) {
        Map<String, Schema> released = ReleasedSchemas.of(serde.schema());

        assertThat(released).as("release snapshots of %s", serde.schema().getFullName()).isNotEmpty();
        released.forEach((version, schema) ->
                assertThat(serde.knownVersions().get(SchemaNormalization.parsingFingerprint64(schema)))
                        .as("labels of the fingerprint of release %s", version)
                        .contains(version));
    }

    @ParameterizedTest
    @MethodSource("allSerdes")
    void shouldReadRandomRecordsWrittenWithEveryReleasedSchema(AvroSerde<? extends SpecificRecord> serde) {
        ReleasedSchemas.of(serde.schema()).forEach((version, released) -> {
            for (Object datum : new RandomData(GenericData.get(), released, 50, 7L)) {
                byte[] bytes = encodeGeneric(released, (GenericRecord) datum);

                SpecificRecord decoded = serde.deserialize("topic", bytes);

                // Write it again with the current schema and read that back as the release saw it.
                byte[] again = serde.serialize("topic", cast(decoded));
                assertThat(decodeGeneric(serde.schema(), released, again))
                        .as("%s written with release %s", released.getName(), version)
                        .isEqualTo(datum);
            }
        });
    }

    @Test
    void shouldReadLogEventWrittenWithTheReleasedSchema() {
        Schema released = releasedSchema("0.1.0", "LogEvent");
        GenericRecord old = new GenericRecordBuilder(released)
                .set("id", "evt-old")
                .set("timestamp", Samples.T0.toEpochMilli())
                .set("received_at", Samples.T1.toEpochMilli())
                .set("service", "checkout")
                .set("level", new GenericData.EnumSymbol(released.getField("level").schema(), "WARN"))
                .set("message", "disk 91% full")
                .build();

        LogEvent decoded = WeirSerdes.logEvent().deserialize("weir.logs", encodeGeneric(released, old));

        assertThat(decoded.getId()).isEqualTo("evt-old");
        assertThat(decoded.getTimestamp()).isEqualTo(Samples.T0);
        assertThat(decoded.getLevel()).hasToString("WARN");
        assertThat(decoded.getMessage()).isEqualTo("disk 91% full");
    }

    @Test
    void shouldFillDefaultsWhenReadingAnOlderSchemaThatLacksFields() {
        Schema older = parse(ReleasedVersionsTest.class.getResourceAsStream("/evolution/LogEvent-older.avsc"));
        GenericRecord old = new GenericRecordBuilder(older)
                .set("id", "evt-older")
                .set("timestamp", Samples.T0.toEpochMilli())
                .set("received_at", Samples.T1.toEpochMilli())
                .set("service", "billing")
                .set("message", "started")
                .build();
        AvroSerde<LogEvent> serde = new AvroSerde<>(LogEvent.class, Map.of("older", older));

        LogEvent decoded = serde.deserialize("weir.logs", encodeGeneric(older, old));

        assertThat(decoded.getService()).isEqualTo("billing");
        assertThat(decoded.getLevel()).hasToString("UNKNOWN");
        assertThat(decoded.getHost()).isNull();
        assertThat(decoded.getLabels()).isEmpty();
        assertThat(decoded.getTags()).isEmpty();
        assertThat(decoded.getRedactions()).isZero();
    }

    @Test
    void shouldReadRequestEventWrittenWithTheReleasedSchema() {
        Schema released = releasedSchema("0.1.0", "RequestEvent");
        GenericRecord old = new GenericRecordBuilder(released)
                .set("id", "req-old")
                .set("timestamp", Samples.T0.toEpochMilli())
                .set("received_at", Samples.T1.toEpochMilli())
                .set("service", "auth")
                .set("method", "POST")
                .set("route", "/login")
                .set("path", "/login")
                .set("status", 403)
                .set("duration_ms", 12.5)
                .build();

        RequestEvent decoded = WeirSerdes.requestEvent().deserialize("weir.requests", encodeGeneric(released, old));

        assertThat(decoded.getStatus()).isEqualTo(403);
        assertThat(decoded.getTimestamp()).isEqualTo(Instant.ofEpochMilli(Samples.T0.toEpochMilli()));
        assertThat(decoded.getLoginAttempt()).isFalse();
        assertThat(decoded.getBytes()).isNull();
    }

    @Test
    void shouldListReleasesOldestFirst() {
        assertThat(ReleasedSchemas.versions()).startsWith("0.1.0").doesNotHaveDuplicates();
    }

    private static Schema releasedSchema(String version, String name) {
        return parse(ReleasedVersionsTest.class.getResourceAsStream(ReleasedSchemas.ROOT + version + "/" + name + ".avsc"));
    }

    private static Schema parse(InputStream in) {
        try (in) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encodeGeneric(Schema writer, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object decodeGeneric(Schema writer, Schema reader, byte[] singleObject) {
        try {
            var in = new ByteArrayInputStream(singleObject, AvroSerde.HEADER_LENGTH,
                    singleObject.length - AvroSerde.HEADER_LENGTH);
            return new GenericDatumReader<>(writer, reader, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(in, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
