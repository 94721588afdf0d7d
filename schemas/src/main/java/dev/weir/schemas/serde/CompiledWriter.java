package dev.weir.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes a generated Avro record with the same {@link Encoder} calls, and so the same bytes, as Avro's
 * {@link SpecificDatumWriter}, from a tree of writers built once from the schema.
 *
 * <p>Why our own: Avro's generated classes write themselves fast ("custom coders") only when their schema has no
 * logical types, and every Weir record has timestamps ({@code timestamp-millis}). Without custom coders,
 * {@code SpecificDatumWriter} interprets the schema for every record: per field it looks up the field's conversion,
 * switches on the schema type, and resolves each nullable union by the value's schema name in a hash map. A clean
 * event has some twenty such fields, and the processor writes one per event. Here the branch of a
 * {@code ["null", X]} union is a null check, and conversions and field positions are found once. On the clean
 * events of the processor benchmark's workload, serializing went from about 820 to 600 ns per event with this and
 * the encoder kept bound to its stream.
 *
 * <p>Schemas this does not cover (fixed, unions of more than null and one type) are written by Avro's own
 * writer for that part of the record. The tree only casts: a value it cannot write (a null in a non-null field, a
 * value of another class, such as a stringable class or a generic enum symbol Avro would accept) throws, and the
 * caller writes the record again from the start with {@link #writeWithAvro}, which gives Avro's bytes or Avro's
 * own error. {@code CompiledWriterTest} requires the same bytes as Avro's writer for random records of every
 * Weir schema, from this tree alone and through {@link AvroSerde}.
 *
 * <p>Thread-safe: the tree is immutable.
 *
 * @param <T> the generated record class
 */
final class CompiledWriter<T> {
    /** One node of the tree: writes one value of its schema. */
    @FunctionalInterface
    private interface Node {
        void write(Object value, Encoder out) throws IOException;
    }

    /** Avro's writer, with the protected per-schema entry point opened for the parts the tree leaves to it. */
    private static final class AvroWriter<T> extends SpecificDatumWriter<T> {
        AvroWriter(Schema schema, SpecificData model) {
            super(schema, model);
        }

        void writeValue(Schema schema, Object value, Encoder out) throws IOException {
            write(schema, value, out);
        }
    }

    private final AvroWriter<T> avro;
    private final Node root;

    /**
     * @param schema the record's schema
     * @param model  the record class's {@link SpecificData}, which holds its logical-type conversions
     */
    CompiledWriter(Schema schema, SpecificData model) {
        this.avro = new AvroWriter<>(schema, model);
        // the records whose nodes are being built: a record that contains itself is left to Avro's writer there
        this.root = node(schema, model, Collections.newSetFromMap(new IdentityHashMap<>()));
    }


    /**
     * Writes {@code record} to {@code out}. When this throws, callers discard what {@code out} holds and write the
     * record with {@link #writeWithAvro}, for Avro's bytes or Avro's error.
     *
     * @param record the record
     * @param out    the encoder
     * @throws IOException      when the encoder fails
     * @throws RuntimeException a cast or null error, when a value is not of the class the tree expects
     */
    void write(T record, Encoder out) throws IOException {
        root.write(record, out);
    }

    /**
     * Writes {@code record} with Avro's writer: for a record {@link #write} failed on, to get Avro's error
     * (the caller resets the encoder's output first).
     */
    void writeWithAvro(T record, Encoder out) throws IOException {
        avro.write(record, out);
    }

    private Node node(Schema schema, SpecificData model, Set<Schema> building) {
        LogicalType logicalType = schema.getLogicalType();
        if (logicalType != null) {
            Conversion<?> conversion = model.getConversionFor(logicalType);
            if (conversion != null) {
                Node raw = plain(schema, model, building);
                return (value, out) -> raw.write(Conversions.convertToRawType(value, schema, logicalType, conversion), out);
            }
        }
        return plain(schema, model, building);
    }

    private Node plain(Schema schema, SpecificData model, Set<Schema> building) {
        switch (schema.getType()) {
            case RECORD: {
                if (!building.add(schema)) {
                    return (value, out) -> avro.writeValue(schema, value, out);
                }
                List<Schema.Field> fields = schema.getFields();
                Node[] nodes = new Node[fields.size()];
                int[] positions = new int[fields.size()];
                for (int i = 0; i < nodes.length; i++) {
                    nodes[i] = node(fields.get(i).schema(), model, building);
                    positions[i] = fields.get(i).pos();
                }
                building.remove(schema);
                return (value, out) -> {
                    IndexedRecord record = (IndexedRecord) value;
                    for (int i = 0; i < nodes.length; i++) {
                        nodes[i].write(record.get(positions[i]), out);
                    }
                };
            }
            case UNION: {
                List<Schema> branches = schema.getTypes();
                int nullBranch = schema.getIndexNamed(Schema.Type.NULL.getName()) == null ? -1
                        : schema.getIndexNamed(Schema.Type.NULL.getName());
                if (branches.size() != 2 || nullBranch < 0) {
                    return byClass(schema, model, building);
                }
                int other = 1 - nullBranch;
                Node node = node(branches.get(other), model, building);
                return (value, out) -> {
                    if (value == null) {
                        out.writeIndex(nullBranch);
                    } else {
                        out.writeIndex(other);
                        node.write(value, out);
                    }
                };
            }
            case STRING:
                return (value, out) -> out.writeString((CharSequence) value);
            case INT:
                return (value, out) -> out.writeInt(((Number) value).intValue());
            case LONG:
                return (value, out) -> out.writeLong(((Number) value).longValue());
            case DOUBLE:
                return (value, out) -> out.writeDouble(((Number) value).doubleValue());
            case FLOAT:
                return (value, out) -> out.writeFloat(((Number) value).floatValue());
            case BOOLEAN:
                return (value, out) -> out.writeBoolean((Boolean) value);
            case NULL:
                return (value, out) -> out.writeNull();
            case BYTES:
                return (value, out) -> out.writeBytes((ByteBuffer) value);
            case ENUM:
                return (value, out) -> out.writeEnum(((Enum<?>) value).ordinal());
            case ARRAY: {
                Node element = node(schema.getElementType(), model, building);
                return (value, out) -> {
                    Collection<?> items = (Collection<?>) value;
                    long size = items.size();
                    long written = 0;
                    out.writeArrayStart();
                    out.setItemCount(size);
                    for (Object item : items) {
                        out.startItem();
                        element.write(item, out);
                        written++;
                    }
                    out.writeArrayEnd();
                    if (written != size) {
                        throw new ConcurrentModificationException("Array size " + size + " but wrote " + written);
                    }
                };
            }
            case MAP: {
                Node mapValue = node(schema.getValueType(), model, building);
                return (value, out) -> {
                    Map<?, ?> map = (Map<?, ?>) value;
                    int size = map.size();
                    int written = 0;
                    out.writeMapStart();
                    out.setItemCount(size);
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        out.startItem();
                        out.writeString(entry.getKey().toString());
                        mapValue.write(entry.getValue(), out);
                        written++;
                    }
                    out.writeMapEnd();
                    if (written != size) {
                        throw new ConcurrentModificationException("Map size " + size + " but wrote " + written);
                    }
                };
            }
            default:
                return (value, out) -> avro.writeValue(schema, value, out);
        }
    }

    /**
     * A union of unnamed types (string, long, double, boolean, array, …) picks its branch by the value's class, as
     * Avro's {@code resolveUnion} does by the type name of the value ({@code Long} → {@code "long"}); a class that names
     * no branch throws, and the record is written by Avro's writer, for Avro's error. Unions with a named type (record,
     * enum, fixed) are left to Avro's writer.
     */
    private Node byClass(Schema schema, SpecificData model, Set<Schema> building) {
        List<Schema> branches = schema.getTypes();
        Node[] nodes = new Node[Schema.Type.values().length];
        int[] index = new int[nodes.length];
        for (int i = 0; i < branches.size(); i++) {
            Schema b = branches.get(i);
            switch (b.getType()) {
                case RECORD, ENUM, FIXED, UNION -> {
                    return (value, out) -> avro.writeValue(schema, value, out);
                }
                default -> {
                    nodes[b.getType().ordinal()] = node(b, model, building);
                    index[b.getType().ordinal()] = i;
                }
            }
        }
        return (value, out) -> {
            Schema.Type type = typeOf(value);
            Node node = type == null ? null : nodes[type.ordinal()];
            if (node == null) {
                throw new ClassCastException("No branch of " + schema + " for " + (value == null ? "null" : value.getClass()));
            }
            out.writeIndex(index[type.ordinal()]);
            node.write(value, out);
        };
    }

    /** @return the Avro type a value of this class is written as in a union, or null when there is none */
    private static Schema.Type typeOf(Object value) {
        if (value == null) {
            return Schema.Type.NULL;
        }
        if (value instanceof CharSequence) {
            return Schema.Type.STRING;
        }
        if (value instanceof Long) {
            return Schema.Type.LONG;
        }
        if (value instanceof Integer) {
            return Schema.Type.INT;
        }
        if (value instanceof Double) {
            return Schema.Type.DOUBLE;
        }
        if (value instanceof Float) {
            return Schema.Type.FLOAT;
        }
        if (value instanceof Boolean) {
            return Schema.Type.BOOLEAN;
        }
        if (value instanceof Collection) {
            return Schema.Type.ARRAY;
        }
        if (value instanceof Map) {
            return Schema.Type.MAP;
        }
        return value instanceof ByteBuffer ? Schema.Type.BYTES : null;
    }
}
