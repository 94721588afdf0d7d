package dev.weir.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Every schema change must be backward compatible with the last release: the current schemas
 * (src/main/avro) must read data written with each release snapshot (src/test/resources/releases/),
 * and no released schema may disappear. The snapshots also ship in the jar for the serdes
 * (src/main/resources/dev/weir/schemas/releases/) and must not drift from the test copies.
 */
class SchemaCompatibilityTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path CURRENT = MODULE.resolve("src/main/avro");
    private static final Path TEST_RELEASES = MODULE.resolve("src/test/resources/releases");
    private static final Path SHIPPED_RELEASES = MODULE.resolve("src/main/resources/dev/weir/schemas/releases");

    @Test
    void shouldReadDataOfEveryReleaseWithTheCurrentSchemas() {
        Map<String, Schema> current = ReleaseCompatibility.load(CURRENT);
        List<String> problems = new ArrayList<>();
        for (String version : ReleaseCompatibility.versionDirs(TEST_RELEASES)) {
            problems.addAll(ReleaseCompatibility.problems(
                    current, ReleaseCompatibility.load(TEST_RELEASES.resolve(version)), version));
        }

        assertThat(problems).isEmpty();
    }

    @Test
    void shouldHaveAtLeastOneReleaseBaseline() {
        assertThat(ReleaseCompatibility.versionDirs(TEST_RELEASES)).contains("0.1.0");
        assertThat(ReleaseCompatibility.load(TEST_RELEASES.resolve("0.1.0"))).hasSize(6);
    }

    @Test
    void shouldReportReleasedSchemaWithoutCurrentCounterpart() {
        Map<String, Schema> released = ReleaseCompatibility.load(TEST_RELEASES.resolve("0.1.0"));
        Map<String, Schema> current = new TreeMap<>(released);
        current.remove("dev.weir.schemas.LoginBurstWindow");

        assertThat(ReleaseCompatibility.problems(current, released, "0.1.0"))
                .containsExactly("Released schema dev.weir.schemas.LoginBurstWindow (0.1.0) has no current counterpart;"
                        + " removing or renaming a schema breaks consumers of its topic.");
    }

    @Test
    void shouldReportRequiredFieldAddedWithoutDefaultAsIncompatible() {
        Map<String, Schema> released = ReleaseCompatibility.load(TEST_RELEASES.resolve("0.1.0"));
        Map<String, Schema> current = new TreeMap<>(released);
        Schema logEvent = released.get("dev.weir.schemas.LogEvent");
        current.put(logEvent.getFullName(), withExtraField(logEvent,
                new Schema.Field("tenant", Schema.create(Schema.Type.STRING), "Owning tenant.")));

        assertThat(ReleaseCompatibility.problems(current, released, "0.1.0"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("Current dev.weir.schemas.LogEvent cannot read data written with release 0.1.0: INCOMPATIBLE")
                .contains("READER_FIELD_MISSING_DEFAULT")
                .contains("tenant");
    }

    @Test
    void shouldReportChangedFieldTypeAsIncompatible() {
        Map<String, Schema> released = ReleaseCompatibility.load(TEST_RELEASES.resolve("0.1.0"));
        Map<String, Schema> current = new TreeMap<>(released);
        Schema request = released.get("dev.weir.schemas.RequestEvent");
        current.put(request.getFullName(), withFieldType(request, "status", Schema.create(Schema.Type.STRING)));

        assertThat(ReleaseCompatibility.problems(current, released, "0.1.0"))
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("dev.weir.schemas.RequestEvent", "INCOMPATIBLE", "TYPE_MISMATCH", "reader type: STRING not compatible with writer type: INT");
    }

    @Test
    void shouldAcceptOptionalFieldAddedWithDefault() {
        Map<String, Schema> released = ReleaseCompatibility.load(TEST_RELEASES.resolve("0.1.0"));
        Map<String, Schema> current = new TreeMap<>(released);
        Schema logEvent = released.get("dev.weir.schemas.LogEvent");
        Schema nullableString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        current.put(logEvent.getFullName(), withExtraField(logEvent,
                new Schema.Field("tenant", nullableString, "Owning tenant.", Schema.Field.NULL_DEFAULT_VALUE)));

        assertThat(ReleaseCompatibility.problems(current, released, "0.1.0")).isEmpty();
    }

    @Test
    void shouldShipTheSameReleaseSnapshotsAsTheTestBaseline() throws IOException {
        List<String> versions = ReleaseCompatibility.versionDirs(TEST_RELEASES);
        assertThat(ReleaseCompatibility.versionDirs(SHIPPED_RELEASES)).isEqualTo(versions);
        assertThat(Files.readAllLines(SHIPPED_RELEASES.resolve("RELEASES")).stream()
                .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList())
                .as("versions listed in the shipped RELEASES index")
                .isEqualTo(versions);
        for (String version : versions) {
            assertThat(fileContents(SHIPPED_RELEASES.resolve(version)))
                    .as("shipped snapshot of release %s", version)
                    .isEqualTo(fileContents(TEST_RELEASES.resolve(version)));
        }
    }

    private static Map<String, String> fileContents(Path dir) throws IOException {
        Map<String, String> contents = new LinkedHashMap<>();
        for (Path file : ReleaseCompatibility.avscFiles(dir)) {
            contents.put(file.getFileName().toString(), Files.readString(file));
        }
        return contents;
    }

    private static Schema withExtraField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = copyFields(record);
        fields.add(extra);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema withFieldType(Schema record, String name, Schema type) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(f.name().equals(name) ? new Schema.Field(f.name(), type, f.doc()) : new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static List<Schema.Field> copyFields(Schema record) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        return fields;
    }
}
