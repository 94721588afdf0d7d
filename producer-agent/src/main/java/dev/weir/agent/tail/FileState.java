package dev.weir.agent.tail;

import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.InputMeters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the agent knows of one file: the inode it follows, the file's first bytes (its
 * fingerprint), how far it has read and how far the broker has acknowledged.
 *
 * <p>The acknowledged offset only moves over a contiguous run of acknowledged lines: with
 * lines going to two topics, acknowledgements arrive out of order, and the checkpoint must never
 * pass a line that is not in Kafka yet.
 *
 * <p>The tail thread owns {@code readOffset} and {@code head}; acknowledgements arrive on the
 * producer thread and the checkpoint writer reads from its own thread, so those parts are
 * guarded by this object's monitor.
 */
final class FileState {
    final String input;
    final long originDev;
    final long originIno;
    final int fingerprintBytes;
    final InputMeters meters;

    private long dev;
    private long ino;
    private String path;
    private byte[] head = new byte[0];
    private int headLength;
    private String headHash = hash(head, 0);
    private byte[] fullPrefix;
    long readOffset;
    volatile long size;
    volatile long orphanedAtMillis;

    private long ackedOffset;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    FileState(String input, long originDev, long originIno, int fingerprintBytes, InputMeters meters, String path, long offset) {
        this.input = input;
        this.originDev = originDev;
        this.originIno = originIno;
        this.fingerprintBytes = fingerprintBytes;
        this.meters = meters;
        this.dev = originDev;
        this.ino = originIno;
        this.path = path;
        this.readOffset = offset;
        this.ackedOffset = offset;
    }

    synchronized void follow(long newDev, long newIno, String newPath) {
        this.dev = newDev;
        this.ino = newIno;
        this.path = newPath;
    }

    synchronized void path(String newPath) {
        this.path = newPath;
    }

    synchronized long dev() {
        return dev;
    }

    synchronized long ino() {
        return ino;
    }

    synchronized String path() {
        return path;
    }

    byte[] head() {
        return head;
    }

    synchronized String headHash() {
        return headHash;
    }

    synchronized int headLength() {
        return headLength;
    }

    /** Sets the known first bytes (at most {@code fingerprintBytes}); they only ever grow. */
    void head(byte[] newHead) {
        byte[] h = newHead.length > fingerprintBytes ? Arrays.copyOf(newHead, fingerprintBytes) : newHead;
        String hh = hash(h, h.length);
        synchronized (this) {
            head = h;
            headLength = h.length;
            headHash = hh;
        }
    }

    /** Restores the fingerprint from a checkpoint; the bytes are set with {@link #head(byte[])} once the file is found. */
    synchronized void restoredHead(int length, String hash) {
        head = null;
        headLength = length;
        headHash = hash;
    }

    /** @return whether {@code fileHead} (the file's current first bytes) starts with this state's head */
    boolean headMatches(byte[] fileHead, int fileHeadLength) {
        byte[] h = head;
        return fileHeadLength >= h.length && Arrays.equals(h, 0, h.length, fileHead, 0, h.length);
    }

    /**
     * The deterministic event id of the line at {@code offset} ending at {@code lineEnd}: a hash of
     * the inode the file was first seen with and of the file's first bytes up to the line's end
     * (at most the fingerprint length), then the offset. The same line read again after a restart
     * gets the same id; a different file on a reused inode gets different ids.
     */
    String eventId(long offset, long lineEnd) {
        return new String(eventIdPrefix(lineEnd), StandardCharsets.US_ASCII) + "-" + offset;
    }

    /**
     * @return the part of {@link #eventId} before {@code -<offset>}, as ASCII; computed once per
     *     file for lines ending past the fingerprint, the lines of a busy file
     */
    byte[] eventIdPrefix(long lineEnd) {
        if (lineEnd >= fingerprintBytes && head.length >= fingerprintBytes) {
            if (fullPrefix == null) {
                fullPrefix = idPrefix(head.length).getBytes(StandardCharsets.US_ASCII);
            }
            return fullPrefix;
        }
        return idPrefix((int) Math.min(head.length, lineEnd)).getBytes(StandardCharsets.US_ASCII);
    }

    private String idPrefix(int length) {
        MessageDigest md = sha256();
        md.update(ByteBuffer.allocate(16).putLong(originDev).putLong(originIno).array());
        md.update(head, 0, length);
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    /**
     * Registers the events of one read batch, covering the file up to {@code end}, that are
     * about to be shipped: the acknowledged offset passes {@code end} once all of them are
     * acknowledged (or failed for good). One entry per batch rather than per line keeps this
     * monitor, which the producer's I/O thread also takes, off the per-line path.
     *
     * @param batch from {@link #newBatch()}, given as the delivery of each of the events
     * @param end the file offset just after the batch's last line
     * @param events how many events carry {@code batch}; at least 1
     */
    synchronized void track(Pending batch, long end, int events) {
        if (events < 1) {
            throw new IllegalArgumentException("a batch needs at least one event, had " + events);
        }
        batch.end = end;
        batch.remaining.set(events);
        batch.events = events;
        pending.addLast(batch);
    }

    /** @return a batch to hand to the events of one read before {@link #track(Pending, long, int)} registers it */
    Pending newBatch() {
        return new Pending(this);
    }

    /** Registers a single event ending at {@code end} that is about to be shipped. */
    Pending track(long end) {
        Pending p = newBatch();
        track(p, end, 1);
        return p;
    }

    /** Registers bytes up to {@code end} that produce no event (a blank line). */
    synchronized void skip(long end) {
        if (pending.isEmpty()) {
            ackedOffset = Math.max(ackedOffset, end);
        } else {
            Pending p = new Pending(this);
            p.end = end;
            p.done = true;
            pending.addLast(p);
        }
    }

    private synchronized void done(Pending p) {
        p.done = true;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            ackedOffset = pending.pollFirst().end;
        }
    }

    synchronized long ackedOffset() {
        return ackedOffset;
    }

    synchronized boolean allAcknowledged() {
        return pending.isEmpty();
    }

    /** @return bytes of the file not yet acknowledged by the broker */
    long bytesBehind() {
        return Math.max(0, size - ackedOffset());
    }

    synchronized Checkpoints.Entry entry() {
        return new Checkpoints.Entry(input, path, dev, ino, originDev, originIno, headLength, headHash, ackedOffset);
    }

    static String hash(byte[] bytes, int length) {
        MessageDigest md = sha256();
        md.update(bytes, 0, length);
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /**
     * The events of one read batch waiting for their acknowledgements; the delivery of each of
     * them. Acknowledgements arrive on the producer's I/O thread; the last one moves the file's
     * acknowledged offset and the input's sent/failed counters.
     */
    static final class Pending implements Delivery {
        private final FileState state;
        private final AtomicInteger remaining = new AtomicInteger(Integer.MAX_VALUE);
        private final AtomicInteger failed = new AtomicInteger();
        long end; // guarded by the state's monitor, set before any event of the batch is shipped
        int events;
        boolean done; // guarded by the state's monitor

        Pending(FileState state) {
            this.state = state;
        }

        @Override
        public void delivered() {
            if (remaining.decrementAndGet() == 0) {
                complete();
            }
        }

        @Override
        public void failed(Exception cause) {
            // Logged and counted by the shipper; moving on is the only way not to block the file forever.
            failed.incrementAndGet();
            if (remaining.decrementAndGet() == 0) {
                complete();
            }
        }

        private void complete() {
            int f = failed.get();
            state.meters.sent().increment(events - f);
            if (f > 0) {
                state.meters.failed().increment(f);
            }
            state.done(this);
        }
    }
}
