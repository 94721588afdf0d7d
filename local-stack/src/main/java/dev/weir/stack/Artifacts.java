package dev.weir.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versions of the artifacts the stack runs, and where they are in the local Maven repository.
 * The versions come from the build (versions.properties); building this module puts the
 * artifacts into the local repository, and nothing is ever downloaded at run time.
 */
final class Artifacts {

    static final String ELASTICSEARCH_VERSION;
    static final String LOG4J_VERSION;

    static {
        Properties versions = new Properties();
        try (InputStream in = Artifacts.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/weir/stack/versions.properties is missing from the classpath; rebuild weir-local-stack");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ELASTICSEARCH_VERSION = versions.getProperty("elasticsearch.version");
        LOG4J_VERSION = versions.getProperty("log4j.version");
    }

    private static final String FETCH_COMMAND = "mvn -pl local-stack -am generate-resources";

    private Artifacts() {
    }

    /** The local Maven repository: system property maven.repo.local, ~/.m2/settings.xml, or ~/.m2/repository. */
    static Path localRepository() {
        String property = System.getProperty("maven.repo.local");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Path settings = m2.resolve("settings.xml");
        if (Files.isReadable(settings)) {
            try {
                Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>")
                        .matcher(Files.readString(settings));
                if (m.find() && !m.group(1).contains("${")) {
                    return Path.of(m.group(1));
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable settings file means the default location
            }
        }
        return m2.resolve("repository");
    }

    /** The Elasticsearch integ-test-zip distribution; fails with the command that fetches it. */
    static Path elasticsearchZip() throws IOException {
        String v = ELASTICSEARCH_VERSION;
        Path zip = localRepository().resolve("org/elasticsearch/distribution/integ-test-zip/elasticsearch")
                .resolve(v).resolve("elasticsearch-" + v + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IOException("Elasticsearch " + v + " distribution not found at " + zip
                    + ". Fetch it into the local Maven repository with '" + FETCH_COMMAND + "' (run in the Weir root)"
                    + " or 'mvn dependency:get -Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:"
                    + v + ":zip'; if your repository is elsewhere, set -Dmaven.repo.local.");
        }
        return zip;
    }

    /** The log4j SLF4J provider for the broker child JVM, or {@code null} when it has not been fetched. */
    static Path log4jSlf4jProvider() {
        String v = LOG4J_VERSION;
        Path jar = localRepository().resolve("org/apache/logging/log4j/log4j-slf4j2-impl")
                .resolve(v).resolve("log4j-slf4j2-impl-" + v + ".jar");
        return Files.isRegularFile(jar) ? jar : null;
    }

    static String fetchCommand() {
        return FETCH_COMMAND;
    }
}
