package dev.weir.schemas.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Loads the schema copies of earlier releases shipped on the classpath under
 * {@value #ROOT}: a {@code RELEASES} index (one version per line, oldest first) and one directory
 * per version holding the {@code .avsc} files as released.
 */
final class ReleasedSchemas {

    static final String ROOT = "/dev/weir/schemas/releases/";
    static final String INDEX = ROOT + "RELEASES";

    private ReleasedSchemas() {
    }

    /** @return the released versions listed in the index, oldest first */
    static List<String> versions() {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(INDEX)) {
            if (in == null) {
                throw new IllegalStateException("Release index " + INDEX + " is missing from the classpath;"
                        + " the weir-schemas jar is incomplete.");
            }
            List<String> versions = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String version = line.trim();
                if (!version.isEmpty() && !version.startsWith("#")) {
                    versions.add(version);
                }
            }
            return List.copyOf(versions);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read release index " + INDEX, e);
        }
    }

    /**
     * @param current the current schema of a record type
     * @return release version to the schema of that type as released, oldest first; versions that
     *         did not have the type yet are left out
     * @throws IllegalStateException if a snapshot does not parse or defines another type
     */
    static Map<String, Schema> of(Schema current) {
        Map<String, Schema> released = new LinkedHashMap<>();
        for (String version : versions()) {
            String resource = ROOT + version + "/" + current.getName() + ".avsc";
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    continue;
                }
                // A fresh parser per file: every release defines the same names.
                Schema schema = new Schema.Parser().parse(in);
                if (!schema.getFullName().equals(current.getFullName())) {
                    throw new IllegalStateException("Release snapshot " + resource + " defines "
                            + schema.getFullName() + ", expected " + current.getFullName() + ".");
                }
                released.put(version, schema);
            } catch (IOException | SchemaParseException e) {
                throw new IllegalStateException("Cannot parse release snapshot " + resource + ": " + e.getMessage(), e);
            }
        }
        return released;
    }
}
