package dev.weir.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.schemas.RequestEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * {@link AvroSerde} writes records through {@link CompiledWriter}: for random records of every Weir schema it must
 * give exactly the bytes of Avro's own {@link SpecificDatumWriter} (behind the generated {@code toByteBuffer}), and
 * for a record that does not fit its schema, Avro's own error.
 */
class CompiledWriterTest {

    private static final String TOPIC = "weir.test";
    private static final String[] TEXTS = {"", "a", "GET", "/orders/{id}", "é€😀", "x".repeat(3_000), "line\nbreak\u0000nul"};

    @Test
    void writesTheBytesAvroWritesForRandomRecordsOfEveryWeirSchema() {
        List<Supplier<AvroSerde<? extends SpecificRecord>>> serdes = List.of(WeirSerdes::logEvent, WeirSerdes::requestEvent,
                WeirSerdes::errorRateWindow, WeirSerdes::latencyWindow, WeirSerdes::loginBurstWindow, WeirSerdes::alertEvent);
        Random random = new Random(7);
        for (Supplier<AvroSerde<? extends SpecificRecord>> make : serdes) {
            AvroSerde<? extends SpecificRecord> serde = make.get();
            SpecificData model = SpecificData.getForClass(serde.type());
            for (int i = 0; i < 2_000; i++) {
                SpecificRecord record = (SpecificRecord) value(serde.schema(), model, random);
                assertSameBytes(serde, record);
            }
        }
    }

    /**
     * The compiled writer alone (without the serde's retry with Avro's writer) and the serde must both give Avro's
     * bytes.
     */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void assertSameBytes(AvroSerde<T> serde, SpecificRecord record) {
        T typed = (T) record;
        SpecificData model = SpecificData.getForClass(serde.type());
        byte[] avro = body(typed, (r, encoder) -> new SpecificDatumWriter<T>(serde.schema(), model).write(r, encoder));
        byte[] compiled = body(typed, (r, encoder) -> new CompiledWriter<T>(serde.schema(), model).write(r, encoder));
        assertThat(compiled).as("compiled writer, %s %s", record.getClass().getSimpleName(), record).isEqualTo(avro);

        byte[] serialized = serde.serialize(TOPIC, typed);
        assertThat(Arrays.copyOfRange(serialized, AvroSerde.HEADER_LENGTH, serialized.length))
                .as("serde, %s %s", record.getClass().getSimpleName(), record).isEqualTo(avro);
    }

    private interface Write<T> {
        void write(T record, BinaryEncoder encoder) throws Exception;
    }

    private static <T> byte[] body(T record, Write<T> write) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            write.write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (Exception e) {
            throw new AssertionError("Writing " + record + " failed", e);
        }
    }

    /** A random value of {@code schema}, in the classes the generated code uses. */
    private static Object value(Schema schema, SpecificData model, Random random) {
        LogicalType logical = schema.getLogicalType();
        if (logical != null && logical.getName().equals("timestamp-millis")) {
            return Instant.ofEpochMilli(random.nextBoolean() ? random.nextLong() >> 20 : random.nextInt(3) - 1);
        }
        switch (schema.getType()) {
            case RECORD: {
                Object record = model.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    model.setField(record, field.name(), field.pos(), value(field.schema(), model, random));
                }
                return record;
            }
            case UNION: {
                List<Schema> branches = schema.getTypes();
                return value(branches.get(random.nextInt(branches.size())), model, random);
            }
            case NULL:
                return null;
            case STRING:
                return random.nextInt(4) == 0 ? Integer.toString(random.nextInt()) : TEXTS[random.nextInt(TEXTS.length)];
            case INT:
                return switch (random.nextInt(4)) {
                    case 0 -> Integer.MIN_VALUE;
                    case 1 -> Integer.MAX_VALUE;
                    default -> random.nextInt(2_000) - 1_000;
                };
            case LONG:
                return random.nextBoolean() ? random.nextLong() : (long) random.nextInt(200) - 100;
            case DOUBLE:
                return switch (random.nextInt(5)) {
                    case 0 -> Double.NaN;
                    case 1 -> -0.0;
                    case 2 -> Double.NEGATIVE_INFINITY;
                    default -> random.nextGaussian() * 1e6;
                };
            case FLOAT:
                return (float) random.nextGaussian();
            case BOOLEAN:
                return random.nextBoolean();
            case BYTES: {
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                // sometimes a view into a larger array, not at its start
                return random.nextBoolean() ? ByteBuffer.wrap(bytes) : ByteBuffer.wrap(new byte[bytes.length + 5], 3, bytes.length);
            }
            case ENUM: {
                List<String> symbols = schema.getEnumSymbols();
                return model.createEnum(symbols.get(random.nextInt(symbols.size())), schema);
            }
            case ARRAY: {
                List<Object> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(value(schema.getElementType(), model, random));
                }
                return items;
            }
            case MAP: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    map.put(TEXTS[random.nextInt(TEXTS.length)] + i, value(schema.getValueType(), model, random));
                }
                return map;
            }
            default:
                throw new AssertionError("No Weir schema has a " + schema.getType() + "; add it here");
        }
    }

    @Test
    void aRecordThatContainsItselfIsWrittenAsAvroWritesIt() {
        Schema node = new Schema.Parser().parse("""
                {"type": "record", "name": "Link", "fields": [
                  {"name": "value", "type": "int"},
                  {"name": "next", "type": ["null", "Link"]}]}""");
        GenericData.Record last = new GenericData.Record(node);
        last.put("value", 3);
        GenericData.Record middle = new GenericData.Record(node);
        middle.put("value", -2);
        middle.put("next", last);
        GenericData.Record first = new GenericData.Record(node);
        first.put("value", 1);
        first.put("next", middle);
        SpecificData model = new SpecificData();

        byte[] avro = body(first, (r, encoder) -> new SpecificDatumWriter<GenericData.Record>(node, model).write(r, encoder));
        byte[] compiled = body(first, (r, encoder) -> new CompiledWriter<GenericData.Record>(node, model).write(r, encoder));
        assertThat(compiled).isEqualTo(avro).hasSize(6);
    }

    @Test
    void aRecordThatDoesNotFitItsSchemaFailsWithAvrosOwnErrorAndTheNextIsWrittenWhole() throws Exception {
        AvroSerde<RequestEvent> serde = WeirSerdes.requestEvent();
        RequestEvent bad = Samples.requestEvent();
        bad.setRoute(null); // required; the id, timestamps, service and more are written before it
        String avrosMessage;
        try {
            new SpecificDatumWriter<RequestEvent>(RequestEvent.getClassSchema(), SpecificData.getForClass(RequestEvent.class))
                    .write(bad, EncoderFactory.get().directBinaryEncoder(new ByteArrayOutputStream(), null));
            throw new AssertionError("Avro wrote a record with a null route");
        } catch (NullPointerException e) {
            avrosMessage = e.getMessage();
        }

        assertThatThrownBy(() -> serde.serialize(TOPIC, bad)).isInstanceOf(SerializationException.class)
                .hasMessageContaining(avrosMessage).hasMessageContaining("route");
        assertSameBytes(serde, Samples.requestEvent());
    }
}
