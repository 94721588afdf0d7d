package dev.weir.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the benchmark's work directories (brokers' logs, state stores: gigabytes after a full run). */
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
