package dev.weir.agent.tail;

import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.InputMeters;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;

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
    private String fullPrefix;
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
        if (lineEnd >= fingerprintBytes && head.length >= fingerprintBytes) {
            if (fullPrefix == null) {
                fullPrefix = idPrefix(head.length);
            }
            return fullPrefix + "-" + offset;
        }
        return idPrefix((int) Math.min(head.length, lineEnd)) + "-" + offset;
    }

    private String idPrefix(int length) {
        MessageDigest md = sha256();
        md.update(ByteBuffer.allocate(16).putLong(originDev).putLong(originIno).array());
        md.update(head, 0, length);
        return HexFormat.of().formatHex(md.digest(), 0, 8);
    }

    /** Registers a line ending at {@code end} that is about to be shipped. */
    synchronized Pending track(long end) {
        Pending p = new Pending(this, end);
        pending.addLast(p);
        return p;
    }

    /** Registers bytes up to {@code end} that produce no event (a blank line). */
    synchronized void skip(long end) {
        if (pending.isEmpty()) {
            ackedOffset = Math.max(ackedOffset, end);
        } else {
            Pending p = new Pending(this, end);
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

    /** One shipped line waiting for its acknowledgement. */
    static final class Pending implements Delivery {
        private final FileState state;
        final long end;
        boolean done;

        Pending(FileState state, long end) {
            this.state = state;
            this.end = end;
        }

        @Override
        public void delivered() {
            state.meters.sent().increment();
            state.done(this);
        }

        @Override
        public void failed(Exception cause) {
            // Logged and counted by the shipper; moving on is the only way not to block the file forever.
            state.meters.failed().increment();
            state.done(this);
        }
    }
}
