package dev.weir.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/** The conventions every Weir schema follows, checked over all of src/main/avro. */
class SchemaConventionsTest {

    private static final Map<String, Schema> CURRENT =
            ReleaseCompatibility.load(Path.of(System.getProperty("basedir", ".")).resolve("src/main/avro"));

    @Test
    void shouldDocumentEveryField() {
        List<String> undocumented = new ArrayList<>();
        forEachField((path, field) -> {
            if (field.doc() == null || field.doc().isBlank()) {
                undocumented.add(path);
            }
        });

        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldGiveEveryNullableFieldANullDefault() {
        List<String> wrong = new ArrayList<>();
        forEachField((path, field) -> {
            Schema type = field.schema();
            if (type.getType() == Schema.Type.UNION && type.isNullable()
                    && (type.getTypes().get(0).getType() != Schema.Type.NULL || field.defaultVal() != org.apache.avro.JsonProperties.NULL_VALUE)) {
                wrong.add(path);
            }
        });

        assertThat(wrong).as("nullable fields need [\"null\", T] with \"default\": null").isEmpty();
    }

    @Test
    void shouldUseNamespaceDevWeirSchemas() {
        assertThat(CURRENT.values()).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("dev.weir.schemas"));
    }

    @Test
    void shouldGenerateAClassForEverySchemaFile() {
        assertThat(CURRENT.values()).allSatisfy(schema -> {
            Class<?> generated = SpecificData.get().getClass(schema);
            assertThat(generated).as("generated class for %s", schema.getFullName()).isNotNull();
            assertThat(SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(generated)))
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
        });
    }

    private interface FieldVisitor {
        void visit(String path, Schema.Field field);
    }

    private static void forEachField(FieldVisitor visitor) {
        Set<String> seen = new HashSet<>();
        CURRENT.values().forEach(s -> walk(s, s.getName(), visitor, seen));
    }

    private static void walk(Schema schema, String path, FieldVisitor visitor, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName() + "@" + path)) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path + "." + field.name();
                    visitor.visit(fieldPath, field);
                    walk(field.schema(), fieldPath, visitor, seen);
                }
            }
            case UNION -> schema.getTypes().forEach(t -> walk(t, path, visitor, seen));
            case ARRAY -> walk(schema.getElementType(), path + "[]", visitor, seen);
            case MAP -> walk(schema.getValueType(), path + "{}", visitor, seen);
            default -> {
            }
        }
    }
}
