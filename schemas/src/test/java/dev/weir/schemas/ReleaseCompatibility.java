package dev.weir.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The compatibility rule, in one place so the real check and the tests that prove it can fail
 * share the code path: every schema of a release must have a current counterpart of the same full
 * name, and the current schema (reader) must read data written with the released one (writer).
 */
final class ReleaseCompatibility {

    private ReleaseCompatibility() {
    }

    /**
     * @param current  current schemas by full name
     * @param released schemas of one release by full name
     * @param version  the release, for messages
     * @return one sentence per problem; empty when the current schemas are backward compatible
     */
    static List<String> problems(Map<String, Schema> current, Map<String, Schema> released, String version) {
        List<String> problems = new ArrayList<>();
        released.forEach((name, writer) -> {
            Schema reader = current.get(name);
            if (reader == null) {
                problems.add("Released schema " + name + " (" + version + ") has no current counterpart;"
                        + " removing or renaming a schema breaks consumers of its topic.");
                return;
            }
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add("Current " + name + " cannot read data written with release " + version + ": "
                        + result.getType() + " " + result.getResult().getIncompatibilities());
            }
        });
        return problems;
    }

    /**
     * @param dir a directory of {@code .avsc} files, each parsed on its own
     * @return the schemas by full name
     */
    static Map<String, Schema> load(Path dir) {
        Map<String, Schema> schemas = new TreeMap<>();
        for (Path file : avscFiles(dir)) {
            try {
                Schema schema = new Schema.Parser().parse(file.toFile());
                if (schemas.put(schema.getFullName(), schema) != null) {
                    throw new IllegalStateException("Two files in " + dir + " define " + schema.getFullName());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
        return schemas;
    }

    static List<Path> avscFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    static List<String> versionDirs(Path releases) {
        try (Stream<Path> dirs = Files.list(releases)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + releases, e);
        }
    }
}
