package dev.weir.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Work directories of brokers, Elasticsearch nodes, state stores and child JVMs: made to go away (gigabytes after a benchmark run). */
public final class TempDirs {
    private TempDirs() {
    }

    /**
     * The {@code -Djava.io.tmpdir} option for a child JVM that may be killed: a {@code tmp} directory
     * inside {@code workDir}, created here. Libraries unpack their native code into
     * {@code java.io.tmpdir} (RocksDB's librocksdbjni, 14 MB a time; lz4-java) and delete it only when the
     * JVM exits normally, so every child killed with SIGKILL left its copy in /tmp (about 90 MB per test
     * suite run); inside the work directory it goes with it.
     *
     * @param workDir the test's or benchmark's directory, removed after it
     * @return {@code -Djava.io.tmpdir=<workDir>/tmp}
     * @throws UncheckedIOException when the directory cannot be created
     */
    public static String childTmpdirOption(Path workDir) {
        Path tmp = workDir.resolve("tmp");
        try {
            return "-Djava.io.tmpdir=" + Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + tmp + ": " + e.getMessage(), e);
        }
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
