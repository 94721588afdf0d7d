package dev.weir.agent.tail;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.agent.parse.Enrichment;
import dev.weir.agent.parse.LineOrigin;
import dev.weir.agent.parse.LineParser;
import dev.weir.agent.parse.ParseErrors;
import dev.weir.agent.parse.ParsedEvent;
import dev.weir.agent.ship.Destinations;
import dev.weir.agent.ship.InputMeters;
import dev.weir.agent.ship.OutboundEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the files matching one input's globs and hands their lines, parsed, to the buffer.
 *
 * <p><b>Identity.</b> A file is followed by its inode ({@code unix:dev}, {@code unix:ino}) and
 * recognised by its fingerprint, the first {@code fingerprintBytes} bytes. An inode whose first
 * bytes no longer match is a different file (inode reuse) or a truncated one (copytruncate):
 * reading starts again at 0, and the old position is kept as an orphan for a while.
 *
 * <p><b>Rotation.</b> Rename: the inode is the same, reading continues from the open channel
 * under the new name (matched or not). Copytruncate: the copy is a new inode whose full
 * fingerprint equals the orphaned position's, so it takes that position over and only the lines
 * after it are read; a new inode whose fingerprint equals a file still being read waits up to
 * {@code scanInterval × 5} for the original to be truncated before it is treated as a file of its
 * own. Lines are therefore read once across both kinds of rotation.
 *
 * <p><b>Lines.</b> A partial last line waits for its newline. Blank lines produce no event.
 * A line longer than {@code maxLineBytes} is shipped cut to that length as a
 * {@code parse_error} event saying so; the rest is skipped up to the next newline.
 *
 * <p><b>Checkpoint.</b> The lines of each read (up to 256 KiB) are tracked together until the
 * broker acknowledged every one of them; the {@link Checkpoints} record only offsets up to which
 * all lines were acknowledged.
 *
 * <p><b>Backpressure.</b> File lines use only the memory tier of the buffer: the file itself is
 * their durable copy and the checkpoint does not move before the broker acknowledged, so writing
 * them to disk segments would only double the I/O and make a restart send them twice. When
 * memory is full, {@link EventBuffer#offerAll} waits and the file is not read further until there is room.
 *
 * <p>Runs one thread; not otherwise thread-safe.
 */
public final class FileInput implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileInput.class);
    private static final int READ_BYTES = 256 * 1024;
    private static final int COPY_WAIT_SCANS = 5;

    private final FileInputSettings settings;
    private final LineParser parser;
    private final Enrichment enrichment;
    private final Destinations destinations;
    private final EventBuffer buffer;
    private final Checkpoints checkpoints;
    private final MeterRegistry registry;
    private final InputMeters meters;
    private final Clock clock;
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final Map<Key, Reader> readers = new LinkedHashMap<>();
    private final List<FileState> orphans = new ArrayList<>();
    private final Map<Key, Long> deferredCopies = new HashMap<>();
    private final ByteBuffer readBuffer;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean firstScan = true;
    private long nextScanMillis;

    private record Key(long dev, long ino) { }

    /** An open file being read. */
    private final class Reader {
        FileState state;
        FileChannel channel;
        Path path;
        boolean detached;
        boolean skippingLongLine;
        long lastGrowthMillis;
        Gauge behind;
    }

    /**
     * @param settings globs and reading options
     * @param parser turns lines into events
     * @param enrichment service, environment and host, for lines cut to {@code maxLineBytes}
     * @param destinations topics per event kind
     * @param buffer where events go
     * @param checkpoints where acknowledged positions are kept; loaded here, flushed by the caller
     * @param registry for the per-input counters and the per-file {@code weir.agent.file.bytes.behind} gauge
     * @param clock for orphan expiry and parse-error timestamps
     * @throws IOException when the checkpoint cannot be read
     */
    public FileInput(FileInputSettings settings, LineParser parser, Enrichment enrichment, Destinations destinations, EventBuffer buffer,
                     Checkpoints checkpoints, MeterRegistry registry, Clock clock) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = InputMeters.of(registry, settings.name());
        this.readBuffer = ByteBuffer.allocate(Math.max(READ_BYTES, settings.maxLineBytes()));
        for (String ex : settings.exclude()) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + ex));
        }
        long now = clock.millis();
        for (Checkpoints.Entry e : checkpoints.load()) {
            if (!e.input().equals(settings.name())) {
                continue;
            }
            FileState s = new FileState(settings.name(), e.originDev(), e.originIno(), settings.fingerprintBytes(), meters, e.path(), e.offset());
            s.follow(e.dev(), e.ino(), e.path());
            s.restoredHead(e.fingerprintLength(), e.fingerprint());
            s.orphanedAtMillis = now;
            orphans.add(s);
            checkpoints.register(s);
        }
        this.thread = new Thread(this::run, "weir-agent-file-" + settings.name());
        this.thread.setDaemon(true);
    }

    /** @return this input's counters */
    public InputMeters meters() {
        return meters;
    }

    /** Starts the tailing thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                long now = clock.millis();
                if (now >= nextScanMillis) {
                    scan();
                    nextScanMillis = now + settings.scanInterval().toMillis();
                }
                boolean progress = false;
                for (Reader r : new ArrayList<>(readers.values())) {
                    progress |= readSome(r);
                    if (!running) {
                        return;
                    }
                }
                if (!progress) {
                    LockSupport.parkNanos(settings.pollInterval().toNanos());
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.error("File input {} failed a read cycle; retrying", settings.name(), e);
                LockSupport.parkNanos(settings.pollInterval().toNanos());
            }
        }
    }

    // ---- discovery ---------------------------------------------------------------------------

    void scan() throws IOException {
        long now = clock.millis();
        TreeSet<Path> found = new TreeSet<>();
        for (String pattern : settings.paths()) {
            expand(pattern, found);
        }
        for (Reader r : new ArrayList<>(readers.values())) {
            r.detached = true;
            // Reading checks the fingerprint only when the size changed; a file truncated and rewritten
            // to the same size is caught here, before new paths are looked at, so its copy finds the
            // orphaned position.
            if (!prefixMatches(readHead(r.channel, settings.fingerprintBytes()), r.state)) {
                restartTruncated(r, now);
            }
        }
        for (Path p : found) {
            Key key;
            long size;
            try {
                key = new Key(((Number) Files.getAttribute(p, "unix:dev")).longValue(), ((Number) Files.getAttribute(p, "unix:ino")).longValue());
                size = Files.size(p);
            } catch (NoSuchFileException e) {
                continue; // gone between listing and stat
            }
            Reader existing = readers.get(key);
            if (existing != null) {
                existing.detached = false;
                existing.path = p;
                existing.state.path(p.toString());
                continue;
            }
            discover(p, key, size, now);
        }
        closeDetachedReaders(now);
        expireOrphans(now);
        deferredCopies.values().removeIf(since -> now - since > settings.scanInterval().toMillis() * COPY_WAIT_SCANS * 10);
        firstScan = false;
    }

    private void discover(Path p, Key key, long size, long now) throws IOException {
        byte[] head = readHead(p, settings.fingerprintBytes());
        if (head == null) {
            return;
        }
        boolean full = head.length == settings.fingerprintBytes();
        FileState adopt = null;
        for (FileState o : orphans) {
            if (o.dev() == key.dev() && o.ino() == key.ino() && prefixMatches(head, o)) {
                adopt = o; // restart, or the inode came back into the globs
                break;
            }
        }
        if (adopt == null && full) {
            for (FileState o : orphans) {
                if (o.headLength() == head.length && prefixMatches(head, o)) {
                    adopt = o; // the copy of a copytruncate (or a file renamed while the agent was down)
                    break;
                }
            }
        }
        if (adopt == null && mayBeUnfinishedCopy(head)) {
            Long since = deferredCopies.putIfAbsent(key, now);
            if (since == null || now - since < settings.scanInterval().toMillis() * COPY_WAIT_SCANS) {
                log.info("File input {}: {} (inode {}, {} bytes) may be an unfinished copy; looking again at the next scan",
                        settings.name(), p, key.ino(), size);
                return;
            }
        }
        deferredCopies.remove(key);
        FileState state;
        if (adopt != null) {
            orphans.remove(adopt);
            state = adopt;
            state.follow(key.dev(), key.ino(), p.toString());
            state.orphanedAtMillis = 0;
            log.info("File input {}: following {} (inode {}) from byte {}", settings.name(), p, key.ino(), state.readOffset);
        } else {
            long start = firstScan && settings.startAtEnd() ? endOfLastLine(p, size) : 0;
            state = new FileState(settings.name(), key.dev(), key.ino(), settings.fingerprintBytes(), meters, p.toString(), start);
            checkpoints.register(state);
            log.info("File input {}: new file {} (inode {}), reading from byte {}", settings.name(), p, key.ino(), start);
        }
        state.head(head);
        open(p, key, state, now);
    }

    /**
     * Whether a new inode may be the copy of a copytruncate that is not finished: its full
     * fingerprint equals that of a file still being read (whose truncation has not been seen
     * yet), or it is shorter than a fingerprint and its bytes begin a known file's (the copy is
     * still being written). Such a file is looked at again at the next scans, for at most
     * {@value #COPY_WAIT_SCANS} scans, before it is read as a file of its own.
     */
    private boolean mayBeUnfinishedCopy(byte[] head) {
        boolean full = head.length == settings.fingerprintBytes();
        for (Reader r : readers.values()) {
            if (startsWith(r.state.head(), head, full)) {
                return true;
            }
        }
        if (!full) {
            for (FileState o : orphans) {
                if (startsWith(o.head(), head, false)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] known, byte[] head, boolean exact) {
        if (known == null || known.length < head.length || (exact && known.length != head.length)) {
            return false;
        }
        return java.util.Arrays.equals(known, 0, head.length, head, 0, head.length);
    }

    private static boolean prefixMatches(byte[] fileHead, FileState o) {
        int len = o.headLength();
        return fileHead.length >= len && FileState.hash(fileHead, len).equals(o.headHash());
    }

    private void open(Path p, Key key, FileState state, long now) throws IOException {
        Reader r = new Reader();
        try {
            r.channel = FileChannel.open(p, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            orphan(state, now);
            return;
        }
        r.state = state;
        r.path = p;
        r.lastGrowthMillis = now;
        r.behind = Gauge.builder("weir.agent.file.bytes.behind", state, FileState::bytesBehind)
                .tags("input", settings.name(), "path", p.toString())
                .description("Bytes of the file not yet acknowledged by the broker").register(registry);
        readers.put(key, r);
    }

    private void closeDetachedReaders(long now) {
        Iterator<Map.Entry<Key, Reader>> it = readers.entrySet().iterator();
        while (it.hasNext()) {
            Reader r = it.next().getValue();
            if (!r.detached || now - r.lastGrowthMillis < settings.closeInactive().toMillis()) {
                continue;
            }
            try {
                if (r.channel.size() > r.state.readOffset) {
                    continue; // still has lines to read
                }
            } catch (IOException e) {
                log.warn("Cannot stat rotated file {}; closing it", r.path, e);
            }
            log.info("File input {}: closing {} (no longer matched, read to the end)", settings.name(), r.path);
            close(r);
            it.remove();
            orphan(r.state, now);
        }
    }

    private void orphan(FileState state, long now) {
        if (state.headLength() < settings.fingerprintBytes()) {
            checkpoints.unregister(state); // too short a fingerprint to be recognised in a copy
            return;
        }
        state.orphanedAtMillis = now;
        orphans.add(state);
    }

    private void expireOrphans(long now) {
        Iterator<FileState> it = orphans.iterator();
        while (it.hasNext()) {
            FileState o = it.next();
            if (now - o.orphanedAtMillis >= settings.orphanTtl().toMillis()) {
                it.remove();
                checkpoints.unregister(o);
            }
        }
    }

    private void expand(String pattern, TreeSet<Path> into) throws IOException {
        Path glob = Paths.get(pattern).toAbsolutePath().normalize();
        Path base = glob.getRoot();
        int depth = 0;
        boolean deep = false;
        boolean wild = false;
        for (Path part : glob) {
            String s = part.toString();
            if (!wild && !s.matches(".*[*?\\[{].*")) {
                base = base.resolve(s);
            } else {
                wild = true;
                depth++;
                deep |= s.contains("**");
            }
        }
        if (!wild) {
            if (Files.isRegularFile(glob) && !excluded(glob)) {
                into.add(glob);
            }
            return;
        }
        if (!Files.isDirectory(base)) {
            return;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(base, deep ? Integer.MAX_VALUE : depth)) {
            s.filter(p -> matcher.matches(p) && Files.isRegularFile(p) && !excluded(p)).forEach(into::add);
        } catch (java.io.UncheckedIOException e) {
            log.debug("Listing {} raced with a change: {}", base, e.getMessage());
        }
    }

    private boolean excluded(Path p) {
        for (int i = 0; i < excludes.size(); i++) {
            String ex = settings.exclude().get(i);
            if (excludes.get(i).matches(ex.contains("/") ? p : p.getFileName())) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readHead(Path p, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return readHead(ch, n);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static byte[] readHead(FileChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                break;
            }
            if (b.position() >= ch.size()) {
                break;
            }
        }
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private static long endOfLastLine(Path p, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            int n = (int) Math.min(size, 64 * 1024);
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.read(b, size - n);
            for (int i = b.position() - 1; i >= 0; i--) {
                if (b.get(i) == '\n') {
                    return size - n + i + 1;
                }
            }
            return 0;
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    /** @return whether anything was read or changed */
    private boolean readSome(Reader r) throws IOException, InterruptedException {
        FileState s = r.state;
        long size = r.channel.size();
        s.size = size;
        long now = clock.millis();
        if (size == s.readOffset) {
            return false;
        }
        byte[] head = readHead(r.channel, settings.fingerprintBytes());
        if (!prefixMatches(head, s)) {
            restartTruncated(r, now);
            return true;
        }
        if (size < s.readOffset) {
            return false; // a copy that ends before the position its original reached: nothing new
        }
        if (head.length > s.headLength()) {
            s.head(head);
        }
        r.lastGrowthMillis = now;
        readBuffer.clear();
        int n = r.channel.read(readBuffer, s.readOffset);
        if (n <= 0) {
            return false;
        }
        byte[] a = readBuffer.array();
        int start = 0;
        long base = s.readOffset;
        if (r.skippingLongLine) {
            int nl = indexOf(a, 0, n);
            if (nl < 0) {
                s.readOffset += n;
                s.skip(s.readOffset);
                return true;
            }
            start = nl + 1;
            r.skippingLongLine = false;
            s.skip(base + start);
        }
        List<OutboundEvent> batch = new ArrayList<>(1024);
        FileState.Pending tracker = s.newBatch();
        String path = s.path();
        int i;
        while ((i = indexOf(a, start, n)) >= 0) {
            int end = i > start && a[i - 1] == '\r' ? i - 1 : i;
            if (!isBlank(a, start, end)) {
                batch.add(event(s, path, a, start, end - start, base + start, base + i + 1, null, tracker));
            }
            start = i + 1;
        }
        if (start == 0 && n >= settings.maxLineBytes()) {
            int len = settings.maxLineBytes();
            batch.add(event(s, path, a, 0, len, base, base + len, "line longer than " + len + " bytes; cut to that length", tracker));
            start = len;
            r.skippingLongLine = true;
        }
        s.readOffset = base + start;
        if (batch.isEmpty()) {
            if (start > 0) {
                s.skip(s.readOffset); // blank lines only
            }
        } else {
            // registered before any event is handed over, so no acknowledgement can come first
            s.track(tracker, s.readOffset, batch.size());
        }
        meters.read().increment(batch.size());
        offer(batch);
        return start > 0;
    }

    private OutboundEvent event(FileState s, String path, byte[] a, int off, int len, long lineOffset, long lineEnd, String cutReason,
                                FileState.Pending tracker) {
        LineOrigin origin = LineOrigin.ofFile(s.eventIdPrefix(lineEnd), path, lineOffset);
        ParsedEvent parsed = cutReason == null
                ? parser.parse(a, off, len, origin)
                : ParseErrors.event(a, off, len, cutReason, enrichment, origin, clock);
        return destinations.outbound(ParseErrors.within(parsed, a, off, len, destinations.maxEventBytes(), enrichment, origin, clock),
                tracker);
    }

    private void offer(List<OutboundEvent> batch) throws InterruptedException {
        while (running && !buffer.offerAll(batch, Duration.ofMillis(500), false)) {
            log.debug("File input {}: buffer full, waiting", settings.name());
        }
        if (!running) {
            throw new InterruptedException("file input closing");
        }
    }

    private void restartTruncated(Reader r, long now) {
        FileState old = r.state;
        log.info("File input {}: {} was truncated or replaced (fingerprint changed at byte {}); reading it from the start",
                settings.name(), r.path, old.readOffset);
        orphan(old, now);
        Key key = new Key(old.dev(), old.ino());
        FileState fresh = new FileState(settings.name(), key.dev(), key.ino(), settings.fingerprintBytes(), meters, r.path.toString(), 0);
        checkpoints.register(fresh);
        r.state = fresh;
        r.skippingLongLine = false;
        registry.remove(r.behind);
        r.behind = Gauge.builder("weir.agent.file.bytes.behind", fresh, FileState::bytesBehind)
                .tags("input", settings.name(), "path", r.path.toString()).register(registry);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;

    /** @return the index of the first newline in {@code a[from, to)}, or -1 */
    static int indexOf(byte[] a, int from, int to) {
        int i = from;
        // Eight bytes at a time: every byte read passes here. A zero byte of w ^ "\n\n…" is a newline;
        // borrows run upwards only, so the lowest flagged byte is always the first newline.
        for (; i + 8 <= to; i += 8) {
            long w = (long) LONGS.get(a, i) ^ ('\n' * ONES);
            long newlines = (w - ONES) & ~w & (ONES << 7);
            if (newlines != 0) {
                return i + (Long.numberOfTrailingZeros(newlines) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != ' ' && a[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private void close(Reader r) {
        registry.remove(r.behind);
        try {
            r.channel.close();
        } catch (IOException e) {
            log.warn("Cannot close {}", r.path, e);
        }
    }

    /** Stops reading and closes every file; lines read but not acknowledged are read again after restart. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Reader r : readers.values()) {
            close(r);
        }
        readers.clear();
    }
}
