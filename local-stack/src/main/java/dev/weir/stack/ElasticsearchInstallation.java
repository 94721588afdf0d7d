package dev.weir.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Elasticsearch distribution unpacked once into a directory every user can read
 * ({@code <java.io.tmpdir>/weir-es/elasticsearch-<version>}), shared by all nodes and JVMs.
 */
final class ElasticsearchInstallation {

    private static final Logger log = LoggerFactory.getLogger(ElasticsearchInstallation.class);

    private static final Set<PosixFilePermission> WORLD_READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

    private ElasticsearchInstallation() {
    }

    /** {@code <java.io.tmpdir>/weir-es}: the installation and, when needed, node directories. */
    static Path baseDir() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "weir-es");
        if (!Files.isDirectory(base)) {
            Files.createDirectories(base);
            try {
                Files.setPosixFilePermissions(base, WORLD_READABLE_DIR);
            } catch (IOException e) {
                log.debug("Could not open up {}; another user created it", base, e);
            }
        }
        return base;
    }

    /**
     * The Elasticsearch home, unpacking the distribution from the local Maven repository first if
     * needed. Safe against concurrent JVMs: each unpacks into its own directory and renames it
     * into place; the loser of a race removes its copy.
     */
    static Path ensureInstalled() throws IOException {
        String version = Artifacts.ELASTICSEARCH_VERSION;
        Path home = baseDir().resolve("elasticsearch-" + version);
        if (Files.isRegularFile(home.resolve("bin/elasticsearch"))) {
            return home;
        }
        Path zip = Artifacts.elasticsearchZip();
        long started = System.nanoTime();
        Path staging = Files.createTempDirectory(home.getParent(), ".unpack-");
        try {
            unzip(zip, staging);
            Path unpacked = staging.resolve("elasticsearch-" + version);
            if (!Files.isRegularFile(unpacked.resolve("bin/elasticsearch"))) {
                throw new IOException(zip + " does not contain elasticsearch-" + version + "/bin/elasticsearch; delete it and fetch it again");
            }
            try {
                Files.move(unpacked, home, StandardCopyOption.ATOMIC_MOVE);
                log.info("Unpacked Elasticsearch {} into {} in {} ms", version, home, (System.nanoTime() - started) / 1_000_000);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                log.debug("Another process installed {} first", home);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("Cannot rename " + unpacked + " to " + home + " atomically", e);
            }
        } finally {
            deleteRecursively(staging);
        }
        return home;
    }

    private static void unzip(Path zip, Path target) throws IOException {
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("enablePosixFileAttributes", "true"))) {
            Path root = fs.getPath("/");
            try (Stream<Path> entries = Files.walk(root)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Path out = target.resolve(root.relativize(entry).toString());
                    if (Files.isDirectory(entry)) {
                        Files.createDirectories(out);
                        Files.setPosixFilePermissions(out, WORLD_READABLE_DIR);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(entry, out, StandardCopyOption.REPLACE_EXISTING);
                        Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
                        if (Files.getPosixFilePermissions(entry).contains(PosixFilePermission.OWNER_EXECUTE)) {
                            mode.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                                    PosixFilePermission.OTHERS_EXECUTE));
                        }
                        Files.setPosixFilePermissions(out, mode);
                    }
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
