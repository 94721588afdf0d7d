package dev.weir.agent.buffer;

import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.OutboundEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk tier of the {@link EventBuffer}: append-only segment files
 * {@code seg-00000000000000000001.dat} in one directory, read back oldest first, each
 * deleted once every record read from it has been acknowledged by the broker. Segments left
 * by a previous run are read first after a restart (their events have no one waiting for
 * them: file inputs re-read from their checkpoint, HTTP clients retried).
 *
 * <p>Record layout: {@code int length, int crc32c(payload), payload}, where payload is
 * {@code long seq, short topicLength, topic, int keyLength, key, value}. A record whose
 * length is impossible, whose checksum does not match or which is cut off ends the reading of
 * its segment: the rest of that segment is skipped with an error log and
 * {@code weir.agent.buffer.segments.corrupt} is incremented; delivery continues with the next
 * segment, so a corrupt file never blocks delivery.
 *
 * <p>Records are written with {@code FileChannel.write} without fsync: they survive a crash of
 * the agent (the kernel holds them), not a crash of the machine.
 *
 * <p>Thread-safe (synchronized); {@link EventBuffer} calls it under its own lock, and
 * acknowledgements arrive on the producer thread.
 */
public final class DiskQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskQueue.class);
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 64 * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final Counter corrupt;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ArrayDeque<Waiting> deliveries = new ArrayDeque<>();
    private Segment writeSegment;
    private long nextSegmentNumber;
    private long nextSeq;
    private long bytes;
    private volatile Runnable onSpaceFreed = () -> { };

    /**
     * Opens the directory and recovers the segments a previous run left there.
     *
     * @param dir created when missing
     * @param maxBytes bound on the bytes of all segments
     * @param segmentBytes size at which a segment is closed and the next begun
     * @param registry for {@code weir.agent.buffer.segments.corrupt}
     * @throws IOException when the directory cannot be created or read
     */
    public DiskQueue(Path dir, long maxBytes, long segmentBytes, MeterRegistry registry) throws IOException {
        this.dir = Objects.requireNonNull(dir, "dir");
        if (segmentBytes < 1024 || segmentBytes > maxBytes) {
            throw new IllegalArgumentException("segmentBytes must be between 1 KiB and maxBytes (" + maxBytes + "), was " + segmentBytes);
        }
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.corrupt = Counter.builder("weir.agent.buffer.segments.corrupt")
                .description("Disk buffer segments whose unreadable rest was skipped").register(registry);
        Files.createDirectories(dir);
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "seg-*.dat")) {
            ds.forEach(found::add);
        }
        found.sort(null);
        for (Path p : found) {
            Segment s = new Segment(p, true);
            s.size = Files.size(p);
            bytes += s.size;
            segments.add(s);
            nextSegmentNumber = Math.max(nextSegmentNumber, number(p) + 1);
        }
        if (!found.isEmpty()) {
            log.info("Recovered {} disk buffer segments ({} bytes) from {}; they are sent first", found.size(), bytes, dir);
        }
    }

    void onSpaceFreed(Runnable r) {
        this.onSpaceFreed = Objects.requireNonNull(r);
    }

    /** @return bytes of all segment files */
    public synchronized long bytes() {
        return bytes;
    }

    synchronized boolean hasRoomFor(long size) {
        return bytes + size <= maxBytes;
    }

    synchronized boolean hasUnread() {
        for (Segment s : segments) {
            if (s.readPos < s.size) {
                return true;
            }
        }
        return false;
    }

    /** Appends all events, or none when they would exceed the bound. */
    synchronized boolean tryAppend(List<OutboundEvent> events) throws IOException {
        List<ByteBuffer> records = new ArrayList<>(events.size());
        long total = 0;
        for (OutboundEvent e : events) {
            ByteBuffer r = encode(nextSeq + records.size(), e);
            records.add(r);
            total += r.remaining();
        }
        if (bytes + total > maxBytes) {
            return false;
        }
        for (int i = 0; i < records.size(); i++) {
            if (writeSegment == null || writeSegment.size >= segmentBytes) {
                writeSegment = new Segment(dir.resolve(String.format("seg-%020d.dat", nextSegmentNumber++)), false);
                segments.add(writeSegment);
            }
            ByteBuffer r = records.get(i);
            int len = r.remaining();
            while (r.hasRemaining()) {
                writeSegment.channel().write(r, writeSegment.size + (len - r.remaining()));
            }
            writeSegment.size += len;
            bytes += len;
            deliveries.add(new Waiting(nextSeq++, events.get(i).delivery()));
        }
        return true;
    }

    /** @return the next unread event, or null when none */
    synchronized OutboundEvent next() throws IOException {
        while (true) {
            Segment unread = null;
            for (Segment s : segments) {
                if (s.readPos < s.size) {
                    unread = s;
                    break;
                }
            }
            if (unread == null) {
                return null;
            }
            OutboundEvent e = read(unread); // null: the rest of that segment was corrupt and skipped
            if (e != null) {
                return e;
            }
        }
    }

    private OutboundEvent read(Segment s) throws IOException {
        String problem = null;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        if (s.size - s.readPos < HEADER || readFully(s, header, s.readPos) < HEADER) {
            problem = "cut-off record header";
        } else {
            header.flip();
            int len = header.getInt();
            int crc = header.getInt();
            if (len < 14 || len > MAX_RECORD || s.readPos + HEADER + len > s.size) {
                problem = "impossible record length " + len;
            } else {
                ByteBuffer payload = ByteBuffer.allocate(len);
                readFully(s, payload, s.readPos + HEADER);
                CRC32C c = new CRC32C();
                c.update(payload.array(), 0, len);
                if ((int) c.getValue() != crc) {
                    problem = "checksum mismatch";
                } else {
                    s.readPos += HEADER + len;
                    payload.flip();
                    return decode(s, payload);
                }
            }
        }
        log.error("Disk buffer segment {} is corrupt at byte {} ({}); skipping its remaining {} bytes",
                s.path, s.readPos, problem, s.size - s.readPos);
        corrupt.increment();
        s.readPos = s.size;
        maybeDelete(s);
        return null;
    }

    private static int readFully(Segment s, ByteBuffer into, long position) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = s.channel().read(into, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private OutboundEvent decode(Segment s, ByteBuffer p) {
        long seq = p.getLong();
        byte[] topic = new byte[p.getShort()];
        p.get(topic);
        byte[] key = new byte[p.getInt()];
        p.get(key);
        byte[] value = new byte[p.remaining()];
        p.get(value);
        Delivery waiting = Delivery.NONE;
        if (!s.recovered) {
            while (!deliveries.isEmpty() && deliveries.peekFirst().seq < seq) {
                // records lost to a corrupt stretch of this run's own segments
                deliveries.pollFirst().delivery.failed(new IOException("disk buffer record was corrupt"));
            }
            if (!deliveries.isEmpty() && deliveries.peekFirst().seq == seq) {
                waiting = deliveries.pollFirst().delivery;
            }
        }
        s.outstanding++;
        Delivery inner = waiting;
        Delivery delivery = new Delivery() {
            @Override
            public void delivered() {
                acknowledged(s);
                inner.delivered();
            }

            @Override
            public void failed(Exception cause) {
                acknowledged(s);
                inner.failed(cause);
            }
        };
        return new OutboundEvent(new String(topic, StandardCharsets.UTF_8), key, value, delivery);
    }

    private void acknowledged(Segment s) {
        boolean freed;
        synchronized (this) {
            s.outstanding--;
            freed = maybeDelete(s);
        }
        if (freed) {
            onSpaceFreed.run(); // outside our monitor: the buffer's lock is taken before ours elsewhere
        }
    }

    private boolean maybeDelete(Segment s) {
        if (s.readPos < s.size || s.outstanding > 0 || s.deleted) {
            return false;
        }
        s.deleted = true;
        segments.remove(s);
        if (s == writeSegment) {
            writeSegment = null;
        }
        bytes -= s.size;
        try {
            s.close();
            Files.deleteIfExists(s.path);
        } catch (IOException e) {
            log.error("Cannot delete disk buffer segment {}; it will be sent again after a restart", s.path, e);
        }
        return true;
    }

    private static ByteBuffer encode(long seq, OutboundEvent e) {
        byte[] topic = e.topic().getBytes(StandardCharsets.UTF_8);
        int len = 8 + 2 + topic.length + 4 + e.key().length + e.value().length;
        ByteBuffer b = ByteBuffer.allocate(HEADER + len);
        b.putInt(len).putInt(0).putLong(seq).putShort((short) topic.length).put(topic)
                .putInt(e.key().length).put(e.key()).put(e.value());
        CRC32C c = new CRC32C();
        c.update(b.array(), HEADER, len);
        b.putInt(4, (int) c.getValue());
        b.flip();
        return b;
    }

    private static long number(Path p) {
        String n = p.getFileName().toString();
        try {
            return Long.parseLong(n.substring(4, n.length() - 4));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public synchronized void close() {
        for (Segment s : segments) {
            try {
                s.close();
            } catch (IOException e) {
                log.warn("Cannot close disk buffer segment {}", s.path, e);
            }
        }
    }

    private record Waiting(long seq, Delivery delivery) { }

    private static final class Segment {
        final Path path;
        final boolean recovered;
        java.nio.channels.FileChannel channel;
        long size;
        long readPos;
        int outstanding;
        boolean deleted;

        Segment(Path path, boolean recovered) {
            this.path = path;
            this.recovered = recovered;
        }

        java.nio.channels.FileChannel channel() throws IOException {
            if (channel == null) {
                channel = java.nio.channels.FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            return channel;
        }

        void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
