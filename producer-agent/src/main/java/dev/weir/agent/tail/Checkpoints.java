package dev.weir.agent.tail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint file: for every followed file, its identity (device, inode, fingerprint) and
 * the byte offset up to which the broker has acknowledged every line. Written by
 * {@link #flush()} as a whole: to a temporary file, fsynced, then moved over the old one with
 * {@code ATOMIC_MOVE} and the directory fsynced, so a crash leaves either the old or the new
 * checkpoint, never a torn one.
 *
 * <p>Thread-safe.
 */
public final class Checkpoints {
    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final Set<FileState> states = ConcurrentHashMap.newKeySet();
    private byte[] lastWritten = new byte[0];

    /**
     * One followed file.
     *
     * @param input the file input's name
     * @param path where the file was last seen
     * @param dev device of the inode followed now
     * @param ino inode followed now
     * @param originDev device of the inode the file was first seen with (part of event ids)
     * @param originIno inode the file was first seen with (part of event ids)
     * @param fingerprintLength how many first bytes {@code fingerprint} covers
     * @param fingerprint SHA-256 (hex) of the file's first {@code fingerprintLength} bytes
     * @param offset every line before this byte offset is acknowledged by the broker
     */
    public record Entry(String input, String path, long dev, long ino, long originDev, long originIno,
                        int fingerprintLength, String fingerprint, long offset) { }

    private record Document(int version, List<Entry> files) { }

    /** @param file e.g. {@code data/checkpoints.json}; its directory is created when missing */
    public Checkpoints(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** @return the file this store writes */
    public Path file() {
        return file;
    }

    /**
     * @return the entries of the last written checkpoint; empty when there is none
     * @throws IOException when the file exists but cannot be read or parsed
     */
    public List<Entry> load() throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Document doc = MAPPER.readValue(bytes, new TypeReference<Document>() { });
            lastWritten = bytes;
            return doc.files() == null ? List.of() : List.copyOf(doc.files());
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    void register(FileState state) {
        states.add(state);
    }

    void unregister(FileState state) {
        states.remove(state);
    }

    /**
     * Writes the checkpoint when it changed since the last write.
     *
     * @throws IOException when it cannot be written; the previous checkpoint stays intact
     */
    public synchronized void flush() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (FileState s : states) {
            entries.add(s.entry());
        }
        entries.sort(Comparator.comparing(Entry::input).thenComparing(Entry::path, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparingLong(Entry::ino).thenComparingLong(Entry::offset));
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(1, entries));
        if (Arrays.equals(bytes, lastWritten)) {
            return;
        }
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("Cannot fsync directory {}; the rename is durable once the kernel writes it", dir, e);
        }
        lastWritten = bytes;
    }
}
