package dev.weir.bench.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * What Kafka Streams keeps under a state directory, per state store: bytes on disk, and (for a
 * closed application) the entries in the store's RocksDB databases.
 *
 * <p>The layout is {@code <state.dir>/<application.id>/<task>/rocksdb/<store>/…} for key-value
 * stores and {@code <state.dir>/<application.id>/<task>/<store>/<store>.<segment>/…} for
 * segmented window stores; files directly in a task directory (checkpoints, lock) are counted
 * under {@link #TASK_FILES}. Figures are summed over the tasks.
 */
public final class StateDirs {
    /** The name under which files that belong to no store are counted. */
    public static final String TASK_FILES = "(task files)";

    private StateDirs() {
    }

    /**
     * @param stateDir a Kafka Streams {@code state.dir}; missing means empty
     * @return bytes of the regular files per store, sorted by store name
     * @throws UncheckedIOException when the directory cannot be read
     */
    public static Map<String, Long> bytesPerStore(Path stateDir) {
        Map<String, Long> bytes = new TreeMap<>();
        if (!Files.isDirectory(stateDir)) {
            return bytes;
        }
        try {
            // tolerant of files vanishing during the walk: RocksDB compacts while the application runs
            Files.walkFileTree(stateDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String store = storeOf(stateDir.relativize(f));
                    if (store != null && attrs.isRegularFile()) {
                        bytes.merge(store, attrs.size(), Long::sum);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the state directory " + stateDir, e);
        }
        return bytes;
    }

    /**
     * Counts the entries of every store by iterating its RocksDB databases (read-only, every
     * column family). The application must be closed.
     *
     * @param stateDir a Kafka Streams {@code state.dir}
     * @return entries per store, sorted by store name
     * @throws IllegalStateException when a database cannot be opened
     */
    public static Map<String, Long> entriesPerStore(Path stateDir) {
        Map<String, Long> entries = new TreeMap<>();
        RocksDB.loadLibrary();
        for (Path db : databases(stateDir)) {
            String store = storeOf(stateDir.relativize(db.resolve("CURRENT")));
            if (store != null) {
                entries.merge(store, count(db), Long::sum);
            }
        }
        return entries;
    }

    /**
     * @param relative a file's path relative to the state directory
     * @return the store it belongs to, {@link #TASK_FILES}, or {@code null} for files outside any task directory
     */
    static String storeOf(Path relative) {
        int n = relative.getNameCount();
        if (n < 3) {
            return null; // <app>/<file> or a file directly in the state dir (e.g. kafka-streams-process-metadata)
        }
        if (n == 3) {
            return TASK_FILES;
        }
        String first = relative.getName(2).toString();
        if (first.equals("rocksdb")) {
            return n >= 5 ? relative.getName(3).toString() : TASK_FILES;
        }
        return first;
    }

    /** Directories holding a RocksDB database (a {@code CURRENT} file). */
    private static List<Path> databases(Path stateDir) {
        if (!Files.isDirectory(stateDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(f -> f.getFileName().toString().equals("CURRENT") && Files.isRegularFile(f)).map(Path::getParent).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the state directory " + stateDir, e);
        }
    }

    private static long count(Path db) {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options options = new Options(); DBOptions dbOptions = new DBOptions()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, db.toString())) {
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
            try (RocksDB rocks = RocksDB.openReadOnly(dbOptions, db.toString(), descriptors, handles)) {
                long n = 0;
                for (ColumnFamilyHandle h : handles) {
                    try (RocksIterator it = rocks.newIterator(h)) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            n++;
                        }
                    }
                }
                return n;
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("Cannot open the RocksDB database " + db + " read-only: " + e.getMessage(), e);
        }
    }
}
