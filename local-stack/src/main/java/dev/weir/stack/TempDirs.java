package dev.weir.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing work directories of brokers, Elasticsearch nodes and state stores (gigabytes after a benchmark run). */
public final class TempDirs {
    private TempDirs() {
    }

    /**
     * Deletes {@code dir} and everything under it; nothing when it does not exist.
     *
     * @param dir the directory
     * @throws UncheckedIOException when something cannot be deleted (the message names the directory)
     */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
