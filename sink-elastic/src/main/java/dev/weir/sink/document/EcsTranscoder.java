package dev.weir.sink.document;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the ECS document of a single-object encoded {@link LogEvent} or {@link RequestEvent}
 * straight from its Avro binary, for records written with the current schema: the same bytes as
 * {@link EcsDocuments} writes for the decoded event, without building the event, its
 * {@code String}s, a JSON generator or its buffers.
 *
 * <p>Why by hand: no library maps Avro to ECS JSON. Avro's own JSON encoder writes Avro's JSON
 * encoding (unions as {@code {"string": ...}}, nested records as objects, no renaming), and every
 * general route goes through the decoded object; on a two-core box the sink's per-document CPU is
 * taken from Elasticsearch, and decoding plus JSON generation was two thirds of it (see
 * BENCHMARKS.md). This class knows one wire layout per type, pinned by its fingerprint
 * ({@link #LOG_EVENT_FINGERPRINT}, {@link #REQUEST_EVENT_FINGERPRINT}); a test fails when the
 * schema changes, so the layout and the mapping are updated together.
 *
 * <p>Anything it is not sure to write exactly as {@link EcsDocuments} would — another writer
 * schema, a truncated or over-long body, an out-of-range union or enum index, malformed UTF-8
 * (which the decoder would turn into U+FFFD), a year outside 0..9999 — makes it return
 * {@code null}, and the caller takes the decode-and-map path, which also decides whether the
 * record is a dead letter. A test compares both paths byte for byte on generated events.
 *
 * <p>Thread-safe: each thread works in its own state: an input cursor, an output buffer that
 * grows to the largest document seen, and the encoded data stream fields of up to 64 service /
 * environment / category combinations (a direct-mapped cache, so the names are not made anew for
 * every document).
 */
final class EcsTranscoder {
    private static final Logger logger = LoggerFactory.getLogger(EcsTranscoder.class);
    private static volatile boolean warnedOfBug;

    /** CRC-64-AVRO of the parsing canonical form of the {@link LogEvent} schema this class reads. */
    static final long LOG_EVENT_FINGERPRINT = 0x4e4b37e19151d9f6L;
    /** CRC-64-AVRO of the parsing canonical form of the {@link RequestEvent} schema this class reads. */
    static final long REQUEST_EVENT_FINGERPRINT = 0x962cfb8530788fc3L;

    private static final int HEADER_LENGTH = 10;
    /** Whether the serdes decode with Avro's fast reader; decides the order of map entries (see {@code labels}). */
    private static final boolean FAST_READER = SpecificData.getForClass(LogEvent.class).isFastReaderEnabled()
            && SpecificData.getForClass(RequestEvent.class).isFastReaderEnabled();
    private static final byte[][] LEVELS = Arrays.stream(LogLevel.values())
            .map(l -> quoted(l.name().toLowerCase(Locale.ROOT))).toArray(byte[][]::new);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** JSON escape of each ASCII byte: 0 none, 'u' as {@code \}{@code u00XX}, else {@code \} and that char. */
    private static final byte[] ESCAPES = new byte[128];

    static {
        for (int i = 0; i < 0x20; i++) {
            ESCAPES[i] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    // Field names with the separator before them, as EcsDocuments writes them.
    private static final byte[] TIMESTAMP = "{\"@timestamp\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = name("message");
    private static final byte[] LOG_LEVEL = name("log.level");
    private static final byte[] LOG_LOGGER = name("log.logger");
    private static final byte[] DS_TYPE_LOGS = (new String(name("data_stream.type"), StandardCharsets.US_ASCII)
            + "\"logs\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DS_DATASET = name("data_stream.dataset");
    private static final byte[] DS_NAMESPACE = name("data_stream.namespace");
    private static final byte[] ECS_VERSION = (new String(name("ecs.version"), StandardCharsets.US_ASCII)
            + "\"8.11.0\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_ID = name("event.id");
    private static final byte[] EVENT_KIND = name("event.kind");
    private static final byte[] EVENT_KIND_EVENT = quoted("event");
    private static final byte[] EVENT_CATEGORY_WEB = (new String(name("event.category"), StandardCharsets.US_ASCII)
            + "\"web\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_DATASET = name("event.dataset");
    private static final byte[] EVENT_INGESTED = name("event.ingested");
    private static final byte[] SERVICE_NAME = name("service.name");
    private static final byte[] SERVICE_ENVIRONMENT = name("service.environment");
    private static final byte[] HOST_NAME = name("host.name");
    private static final byte[] THREAD_NAME = name("process.thread.name");
    private static final byte[] TRACE_ID = name("trace.id");
    private static final byte[] SPAN_ID = name("span.id");
    private static final byte[] ERROR_TYPE = name("error.type");
    private static final byte[] ERROR_MESSAGE = name("error.message");
    private static final byte[] ERROR_STACK_TRACE = name("error.stack_trace");
    private static final byte[] ERROR_FINGERPRINT = name("weir.error_fingerprint");
    private static final byte[] EVENT_CATEGORY = name("event.category");
    private static final byte[] EVENT_ACTION = name("event.action");
    private static final byte[] EVENT_OUTCOME = name("event.outcome");
    private static final byte[] EVENT_DURATION = name("event.duration");
    private static final byte[] USER_NAME = name("user.name");
    private static final byte[] SOURCE_IP = name("source.ip");
    private static final byte[] SOURCE_PORT = name("source.port");
    private static final byte[] CLIENT_IP = name("client.ip");
    private static final byte[] USER_AGENT = name("user_agent.original");
    private static final byte[] HTTP_METHOD = name("http.request.method");
    private static final byte[] HTTP_STATUS = name("http.response.status_code");
    private static final byte[] HTTP_BYTES = name("http.response.body.bytes");
    private static final byte[] URL_PATH = name("url.path");
    private static final byte[] WEIR_ROUTE = name("weir.route");
    private static final byte[] WEIR_FORMAT = name("weir.format");
    private static final byte[] WEIR_INPUT = name("weir.input");
    private static final byte[] LOG_FILE_PATH = name("log.file.path");
    private static final byte[] LOG_OFFSET = name("log.offset");
    private static final byte[] WEIR_REDACTIONS = name("weir.redactions");
    private static final byte[] LOGIN_ATTEMPT = name("weir.login_attempt");
    private static final byte[] WEIR_COUNT = name("weir.count");
    private static final byte[] WEIR_PREFIX = "weir.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABELS_PREFIX = "labels.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_KIND_KEY = "event.kind".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_DATASET_KEY = "event.dataset".getBytes(StandardCharsets.US_ASCII);
    private static final Names LOG_FIELDS = new Names(EcsDocuments.LOG_FIELDS);
    private static final Names REQUEST_FIELDS = new Names(EcsDocuments.REQUEST_FIELDS);
    private static final byte[] TAGS = (new String(name("tags"), StandardCharsets.US_ASCII) + "[").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LABELS = (new String(name("labels"), StandardCharsets.US_ASCII) + "{").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUCCESS = quoted("success");
    private static final byte[] FAILURE = quoted("failure");
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private final DataStreams streams;
    // per instance: each thread's route cache holds names made by this instance's DataStreams
    private final ThreadLocal<Work> work = ThreadLocal.withInitial(Work::new);
    private final boolean logsCurrent;
    private final boolean requestsCurrent;

    /** @param streams decides each document's data stream, as for {@link EcsDocuments} */
    EcsTranscoder(DataStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
        // Only while the schema is the one this layout was written for; otherwise every record takes the other path.
        this.logsCurrent = fingerprint(LogEvent.getClassSchema()) == LOG_EVENT_FINGERPRINT;
        this.requestsCurrent = fingerprint(RequestEvent.getClassSchema()) == REQUEST_EVENT_FINGERPRINT;
    }

    /** @return the fingerprint single-object encoding puts in the header for {@code schema} */
    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * @param value a {@code weir.logs} record value
     * @return its document as {@link EcsDocuments#log} writes it, or {@code null} when the value is
     *         not a current-schema {@link LogEvent} this class can read with certainty
     */
    IndexDoc log(byte[] value) {
        return logsCurrent ? transcode(value, LOG_EVENT_FINGERPRINT, true) : null;
    }

    /**
     * @param value a {@code weir.requests} record value
     * @return its document as {@link EcsDocuments#request} writes it, or {@code null} when the value
     *         is not a current-schema {@link RequestEvent} this class can read with certainty
     */
    IndexDoc request(byte[] value) {
        return requestsCurrent ? transcode(value, REQUEST_EVENT_FINGERPRINT, false) : null;
    }

    private IndexDoc transcode(byte[] value, long fingerprint, boolean log) {
        Work w = work.get();
        if (!w.start(value, fingerprint)) {
            return null;
        }
        try {
            return log ? w.log(streams) : w.request(streams);
        } catch (Unreadable e) {
            return null;
        } catch (RuntimeException bug) {
            // a bug here must not stop the sink: the decode-and-map path indexes or dead-letters the record
            if (!warnedOfBug) {
                warnedOfBug = true;
                logger.warn("EcsTranscoder failed on a record; using the decoder for it (logged once)", bug);
            }
            return null;
        } finally {
            w.in = null; // do not keep the record alive
        }
    }

    private static byte[] name(String name) {
        return (",\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] quoted(String s) {
        return ("\"" + s + "\"").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Where documents of one service, environment (and category) go.
     *
     * @param target     the data stream name
     * @param dataStream the {@code data_stream.*} and {@code ecs.version} fields, encoded
     * @param dataset    the dataset as a JSON string, for {@code event.dataset}
     */
    private record Route(String target, byte[] dataStream, byte[] dataset) {
    }

    /**
     * A set of ASCII field names looked up by the bytes of a key in the input, without making a string: open
     * addressing on {@link String#hashCode()} computed from the bytes.
     */
    private static final class Names {
        private final byte[][] table;

        Names(java.util.Set<String> names) {
            table = new byte[Integer.highestOneBit(names.size() * 4)][];
            for (String name : names) {
                int slot = name.hashCode() & (table.length - 1);
                while (table[slot] != null) {
                    slot = (slot + 1) & (table.length - 1);
                }
                table[slot] = name.getBytes(StandardCharsets.US_ASCII);
            }
        }

        boolean contains(byte[] in, int from, int length) {
            int h = 0;
            for (int i = from; i < from + length; i++) {
                h = 31 * h + in[i];
            }
            for (int slot = h & (table.length - 1); table[slot] != null; slot = (slot + 1) & (table.length - 1)) {
                if (Arrays.equals(table[slot], 0, table[slot].length, in, from, from + length)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Not a value this class writes with certainty; thrown without a stack trace, caught above. */
    private static final class Unreadable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Unreadable INSTANCE = new Unreadable();

        private Unreadable() {
            super("not transcodable", null, false, false);
        }
    }

    /**
     * One thread's cursor over the Avro body and output buffer. A nullable string field is kept as
     * its offset in the input ({@code -1} when null) and its length, so nothing is copied until
     * it is written.
     */
    private static final class Work {
        private static final int NONE = -1;
        private static final int INT_BYTES = 5;
        private static final int LONG_BYTES = 10;
        private static final int NO_SLOT = -1;
        /** Routes remembered per thread: a direct-mapped cache, enough for a few dozen services. */
        private static final int ROUTES = 64;
        /** Buckets of a {@code new HashMap<>()}. */
        private static final int DEFAULT_BUCKETS = 16;
        /** Largest map whose order is computed rather than built: below 8 entries a bucket never becomes a tree. */
        private static final int SMALL_MAP = 7;

        // LogEvent string fields (RequestEvent reuses the first ones where the meaning is the same)
        static final int ID = 0;
        static final int SERVICE = 1;
        static final int ENVIRONMENT = 2;
        static final int HOST = 3;
        static final int MESSAGE_TEXT = 4;
        static final int LOGGER = 5;
        static final int THREAD = 6;
        static final int TRACE = 7;
        static final int SPAN = 8;
        static final int ERR_TYPE = 9;
        static final int ERR_MESSAGE = 10;
        static final int ERR_STACK = 11;
        static final int ERR_FINGERPRINT = 12;
        static final int CATEGORY = 13;
        static final int ACTION = 14;
        static final int OUTCOME = 15;
        static final int USER = 16;
        static final int SOURCE_ADDRESS = 17;
        static final int METHOD = 18;
        static final int ROUTE = 19;
        static final int PATH = 20;
        static final int FORMAT = 21;
        static final int FILE = 22;
        static final int INPUT = 23;
        static final int AGENT = 24;
        static final int STRINGS = 25;

        final int[] at = new int[STRINGS];
        final int[] len = new int[STRINGS];
        // map entries and array items: key offset, key length, value offset, value length
        int[] entries = new int[64];
        int entryCount;
        int firstBlock;
        int[] order = new int[16];
        int[] buckets = new int[16];
        int[] items = new int[32];
        int itemCount;
        // the ecs map: per entry its key (offset, length), branch, and value: a string's offset and length, a number's
        // bits, or an array's first item and item count in ecsItems (offset, length per item)
        static final int ECS_STRING = 0;
        static final int ECS_LONG = 1;
        static final int ECS_DOUBLE = 2;
        static final int ECS_BOOLEAN = 3;
        static final int ECS_ARRAY = 4;
        int ecsCount;
        int[] ecsKeys = new int[32];
        int[] ecsBranch = new int[16];
        long[] ecsValue = new long[16];
        int[] ecsItems = new int[32];
        int ecsItemCount;
        int[] ecsOrder = new int[16];

        // the route cache: key of the current record, and the remembered keys and routes
        byte[] key = new byte[64];
        int keyLength;
        int slot;
        final byte[][] routeKeys = new byte[ROUTES][];
        final Route[] routes = new Route[ROUTES];

        long timestamp;
        long receivedAt;
        byte[] in;
        int pos;
        int end;
        byte[] out = new byte[2048];
        int n;

        /** @return whether {@code value} is single-object encoded with {@code fingerprint}; positions after the header */
        boolean start(byte[] value, long fingerprint) {
            if (value == null || value.length < HEADER_LENGTH || value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
                return false;
            }
            long f = 0;
            for (int i = 9; i >= 2; i--) {
                f = (f << 8) | (value[i] & 0xFF);
            }
            if (f != fingerprint) {
                return false;
            }
            in = value;
            pos = HEADER_LENGTH;
            end = value.length;
            n = 0;
            return true;
        }

        /** Reads the fields both event types start with: id, timestamp, received_at, service, environment, host. */
        private void readHead() {
            readString(ID);
            timestamp = readLong();
            receivedAt = readLong();
            readString(SERVICE);
            readOptional(ENVIRONMENT);
            readOptional(HOST);
        }

        IndexDoc log(DataStreams streams) {
            readHead();
            int level = readInt();
            if (level < 0 || level >= LEVELS.length) {
                throw Unreadable.INSTANCE;
            }
            readString(MESSAGE_TEXT);
            readOptional(LOGGER);
            readOptional(THREAD);
            readOptional(TRACE);
            readOptional(SPAN);
            boolean error = present();
            if (error) {
                readOptional(ERR_TYPE);
                readOptional(ERR_MESSAGE);
                readOptional(ERR_STACK);
                readOptional(ERR_FINGERPRINT);
            }
            boolean event = present();
            boolean durationNsSet = false;
            long durationNs = 0;
            if (event) {
                readOptional(CATEGORY);
                readOptional(ACTION);
                readOptional(OUTCOME);
                durationNsSet = present();
                if (durationNsSet) {
                    durationNs = readLong();
                }
            }
            readOptional(USER);
            readOptional(SOURCE_ADDRESS);
            boolean portSet = present();
            int port = portSet ? readInt() : 0;
            boolean http = present();
            boolean statusSet = false;
            int status = 0;
            boolean durationMsSet = false;
            double durationMs = 0;
            boolean bytesSet = false;
            long bytes = 0;
            if (http) {
                readOptional(METHOD);
                readOptional(ROUTE);
                readOptional(PATH);
                statusSet = present();
                status = statusSet ? readInt() : 0;
                durationMsSet = present();
                durationMs = durationMsSet ? readDouble() : 0;
                bytesSet = present();
                bytes = bytesSet ? readLong() : 0;
            }
            readMap();
            readTags();
            boolean source = present();
            boolean offsetSet = false;
            long offset = 0;
            if (source) {
                readString(FORMAT);
                readOptional(FILE);
                offsetSet = present();
                offset = offsetSet ? readLong() : 0;
                readOptional(INPUT);
            }
            int redactions = readInt();
            long count = readLong();
            readEcs();
            if (pos != end) {
                throw Unreadable.INSTANCE;
            }

            String id = text(ID);
            Route route;
            if (itemCount == 0) {
                key('L', SERVICE, ENVIRONMENT, event ? CATEGORY : NO_SLOT);
                route = cached();
                if (route == null) {
                    route = remember(route(streams.logDataset(text(SERVICE), event ? text(CATEGORY) : null, List.of()),
                            streams.namespace(text(ENVIRONMENT))));
                }
            } else { // tags can make it an audit log: not worth a cache key
                route = route(streams.logDataset(text(SERVICE), event ? text(CATEGORY) : null, tagList()),
                        streams.namespace(text(ENVIRONMENT)));
            }
            raw(TIMESTAMP);
            time(timestamp);
            field(MESSAGE, MESSAGE_TEXT);
            if (level != LogLevel.UNKNOWN.ordinal()) {
                raw(LOG_LEVEL);
                raw(LEVELS[level]);
            }
            field(LOG_LOGGER, LOGGER);
            raw(route.dataStream());
            field(EVENT_ID, ID);
            kindAndDataset(route);
            raw(EVENT_INGESTED);
            time(receivedAt);
            field(SERVICE_NAME, SERVICE);
            field(SERVICE_ENVIRONMENT, ENVIRONMENT);
            field(HOST_NAME, HOST);
            field(THREAD_NAME, THREAD);
            field(TRACE_ID, TRACE);
            field(SPAN_ID, SPAN);
            if (error) {
                field(ERROR_TYPE, ERR_TYPE);
                field(ERROR_MESSAGE, ERR_MESSAGE);
                field(ERROR_STACK_TRACE, ERR_STACK);
                field(ERROR_FINGERPRINT, ERR_FINGERPRINT);
            }
            if (!durationNsSet && http && durationMsSet) {
                durationNsSet = true;
                durationNs = Math.round(durationMs * EcsDocuments.NANOS_PER_MILLI);
            }
            if (event) {
                field(EVENT_CATEGORY, CATEGORY);
                field(EVENT_ACTION, ACTION);
                field(EVENT_OUTCOME, OUTCOME);
            }
            number(durationNsSet, EVENT_DURATION, durationNs);
            field(USER_NAME, USER);
            field(SOURCE_IP, SOURCE_ADDRESS);
            number(portSet, SOURCE_PORT, port);
            if (http) {
                field(HTTP_METHOD, METHOD);
                number(statusSet, HTTP_STATUS, status);
                number(bytesSet, HTTP_BYTES, bytes);
                field(URL_PATH, PATH);
                field(WEIR_ROUTE, ROUTE);
            }
            if (source) {
                field(WEIR_FORMAT, FORMAT);
                field(WEIR_INPUT, INPUT);
                field(LOG_FILE_PATH, FILE);
                number(offsetSet, LOG_OFFSET, offset);
            }
            number(redactions > 0, WEIR_REDACTIONS, redactions);
            number(count != 1, WEIR_COUNT, count);
            ecs(LOG_FIELDS);
            tags();
            labels();
            return done(route.target(), id, timestamp);
        }

        IndexDoc request(DataStreams streams) {
            readHead();
            readString(METHOD);
            readString(ROUTE);
            readString(PATH);
            int status = readInt();
            boolean durationSet = present();
            double durationMs = durationSet ? readDouble() : 0;
            boolean bytesSet = present();
            long bytes = bytesSet ? readLong() : 0;
            readOptional(SOURCE_ADDRESS);
            readOptional(AGENT);
            readOptional(USER);
            readOptional(TRACE);
            readMap();
            if (pos >= end) {
                throw Unreadable.INSTANCE;
            }
            int login = in[pos++];
            if (login != 0 && login != 1) {
                throw Unreadable.INSTANCE;
            }
            readEcs();
            if (pos != end) {
                throw Unreadable.INSTANCE;
            }

            String id = text(ID);
            key('R', SERVICE, ENVIRONMENT, NO_SLOT);
            Route route = cached();
            if (route == null) {
                route = remember(route(streams.accessDataset(text(SERVICE)), streams.namespace(text(ENVIRONMENT))));
            }
            raw(TIMESTAMP);
            time(timestamp);
            raw(MESSAGE);
            ensure(1);
            out[n++] = '"';
            escaped(at[METHOD], len[METHOD]);
            ensure(1);
            out[n++] = ' ';
            escaped(at[PATH], len[PATH]);
            ensure(14);
            out[n++] = ' ';
            digits(status);
            out[n++] = '"';
            raw(route.dataStream());
            field(EVENT_ID, ID);
            int kind = ecsString(EVENT_KIND_KEY);
            raw(EVENT_KIND);
            ecsStringOr(kind, EVENT_KIND_EVENT);
            raw(EVENT_CATEGORY_WEB);
            raw(EVENT_DATASET);
            ecsStringOr(ecsString(EVENT_DATASET_KEY), route.dataset());
            raw(EVENT_OUTCOME);
            raw(status >= 400 ? FAILURE : SUCCESS);
            raw(EVENT_INGESTED);
            time(receivedAt);
            number(durationSet, EVENT_DURATION, Math.round(durationMs * EcsDocuments.NANOS_PER_MILLI));
            field(SERVICE_NAME, SERVICE);
            field(SERVICE_ENVIRONMENT, ENVIRONMENT);
            field(HOST_NAME, HOST);
            field(HTTP_METHOD, METHOD);
            number(HTTP_STATUS, status);
            number(bytesSet, HTTP_BYTES, bytes);
            field(URL_PATH, PATH);
            field(WEIR_ROUTE, ROUTE);
            field(CLIENT_IP, SOURCE_ADDRESS);
            field(SOURCE_IP, SOURCE_ADDRESS);
            field(USER_AGENT, AGENT);
            field(USER_NAME, USER);
            field(TRACE_ID, TRACE);
            raw(LOGIN_ATTEMPT);
            raw(login == 1 ? TRUE : FALSE);
            ecs(REQUEST_FIELDS);
            labels();
            return done(route.target(), id, timestamp);
        }

        private IndexDoc done(String target, String id, long timestamp) {
            ensure(1);
            out[n++] = '}';
            return new IndexDoc(target, id, Arrays.copyOf(out, n), timestamp);
        }

        // ---- reading the Avro binary ----

        private long readLong() {
            return zigzag(varint(LONG_BYTES, 0x01));
        }

        private int readInt() {
            return (int) zigzag(varint(INT_BYTES, 0x0F));
        }

        /**
         * Reads an unsigned varint of at most {@code maxBytes} bytes whose last byte holds at most
         * {@code lastMax}: the longest encodings Avro writes. Anything longer or wider, which Avro
         * rejects or truncates, is left to the decoder.
         */
        private long varint(int maxBytes, int lastMax) {
            if (pos < end && in[pos] >= 0) { // one byte: lengths, union branches, small numbers
                return in[pos++];
            }
            long v = 0;
            for (int i = 0; i < maxBytes; i++) {
                if (pos >= end) {
                    throw Unreadable.INSTANCE;
                }
                int b = in[pos++] & 0xFF;
                if (i == maxBytes - 1 && b > lastMax) {
                    throw Unreadable.INSTANCE;
                }
                v |= (long) (b & 0x7F) << (7 * i);
                if (b < 0x80) {
                    return v;
                }
            }
            throw Unreadable.INSTANCE;
        }

        private static long zigzag(long v) {
            return (v >>> 1) ^ -(v & 1);
        }

        private double readDouble() {
            if (end - pos < 8) {
                throw Unreadable.INSTANCE;
            }
            long bits = 0;
            for (int i = 7; i >= 0; i--) {
                bits = (bits << 8) | (in[pos + i] & 0xFFL);
            }
            pos += 8;
            return Double.longBitsToDouble(bits);
        }

        /** Reads a {@code ["null", X]} union's branch: whether X follows. */
        private boolean present() {
            int branch = readInt();
            if (branch == 0) {
                return false;
            }
            if (branch != 1) {
                throw Unreadable.INSTANCE;
            }
            return true;
        }

        /** Skips the next string; @return the offset of its bytes, whose length goes to {@link #lastLength} */
        private int stringAt() {
            long l = readLong();
            if (l < 0 || l > end - pos) {
                throw Unreadable.INSTANCE;
            }
            int start = pos;
            lastLength = (int) l;
            pos += (int) l;
            return start;
        }

        private int lastLength;

        private void readString(int slot) {
            at[slot] = stringAt();
            len[slot] = lastLength;
        }

        private void readOptional(int slot) {
            if (present()) {
                readString(slot);
            } else {
                at[slot] = NONE;
            }
        }

        private void readMap() {
            entryCount = 0;
            firstBlock = 0;
            for (long count = blockCount(); count != 0; count = blockCount()) {
                if (entryCount == 0) {
                    firstBlock = (int) count;
                }
                for (long i = 0; i < count; i++) {
                    if ((entryCount + 1) * 4 > entries.length) {
                        entries = Arrays.copyOf(entries, entries.length * 2);
                    }
                    int e = entryCount * 4;
                    entries[e] = stringAt();
                    entries[e + 1] = lastLength;
                    entries[e + 2] = stringAt();
                    entries[e + 3] = lastLength;
                    entryCount++;
                }
            }
        }

        private void readEcs() {
            ecsCount = 0;
            ecsItemCount = 0;
            for (long count = blockCount(); count != 0; count = blockCount()) {
                for (long i = 0; i < count; i++) {
                    if (ecsCount == ecsBranch.length) {
                        ecsKeys = Arrays.copyOf(ecsKeys, ecsKeys.length * 2);
                        ecsBranch = Arrays.copyOf(ecsBranch, ecsBranch.length * 2);
                        ecsValue = Arrays.copyOf(ecsValue, ecsValue.length * 2);
                    }
                    int e = ecsCount;
                    ecsKeys[e * 2] = stringAt();
                    ecsKeys[e * 2 + 1] = lastLength;
                    int branch = readInt();
                    ecsBranch[e] = branch;
                    switch (branch) {
                        case ECS_STRING -> {
                            int at = stringAt();
                            ecsValue[e] = ((long) at << 32) | lastLength;
                        }
                        case ECS_LONG -> ecsValue[e] = readLong();
                        case ECS_DOUBLE -> ecsValue[e] = Double.doubleToRawLongBits(readDouble());
                        case ECS_BOOLEAN -> {
                            if (pos >= end || (in[pos] != 0 && in[pos] != 1)) {
                                throw Unreadable.INSTANCE;
                            }
                            ecsValue[e] = in[pos++];
                        }
                        case ECS_ARRAY -> {
                            int first = ecsItemCount;
                            for (long n = blockCount(); n != 0; n = blockCount()) {
                                for (long k = 0; k < n; k++) {
                                    if ((ecsItemCount + 1) * 2 > ecsItems.length) {
                                        ecsItems = Arrays.copyOf(ecsItems, ecsItems.length * 2);
                                    }
                                    ecsItems[ecsItemCount * 2] = stringAt();
                                    ecsItems[ecsItemCount * 2 + 1] = lastLength;
                                    ecsItemCount++;
                                }
                            }
                            ecsValue[e] = ((long) first << 32) | (ecsItemCount - first);
                        }
                        default -> throw Unreadable.INSTANCE;
                    }
                    ecsCount++;
                }
            }
        }

        private void readTags() {
            itemCount = 0;
            for (long count = blockCount(); count != 0; count = blockCount()) {
                for (long i = 0; i < count; i++) {
                    if ((itemCount + 1) * 2 > items.length) {
                        items = Arrays.copyOf(items, items.length * 2);
                    }
                    items[itemCount * 2] = stringAt();
                    items[itemCount * 2 + 1] = lastLength;
                    itemCount++;
                }
            }
        }

        /** A map or array block's item count; a negative count is followed by the block's size in bytes. */
        private long blockCount() {
            long count = readLong();
            if (count < 0) {
                count = -count;
                readLong();
            }
            // every item takes at least one byte: more than that is a corrupt count, not a big block
            if (count < 0 || count > end - pos) {
                throw Unreadable.INSTANCE;
            }
            return count;
        }

        private String text(int slot) {
            return at[slot] == NONE ? null : new String(in, at[slot], len[slot], StandardCharsets.UTF_8);
        }

        private List<String> tagList() {
            if (itemCount == 0) {
                return List.of();
            }
            List<String> tags = new ArrayList<>(itemCount);
            for (int i = 0; i < itemCount; i++) {
                tags.add(new String(in, items[i * 2], items[i * 2 + 1], StandardCharsets.UTF_8));
            }
            return tags;
        }

        // ---- writing JSON ----

        /** @return the index of the ecs entry named {@code key} when it holds a string, else -1 */
        private int ecsString(byte[] key) {
            for (int e = 0; e < ecsCount; e++) {
                if (ecsBranch[e] == ECS_STRING
                        && Arrays.equals(in, ecsKeys[e * 2], ecsKeys[e * 2] + ecsKeys[e * 2 + 1], key, 0, key.length)) {
                    return e;
                }
            }
            return -1;
        }

        /** Writes the string of ecs entry {@code e}, or {@code otherwise} (a JSON value) when {@code e} is -1. */
        private void ecsStringOr(int e, byte[] otherwise) {
            if (e < 0) {
                raw(otherwise);
            } else {
                quotedEscaped((int) (ecsValue[e] >>> 32), (int) ecsValue[e]);
            }
        }

        private void kindAndDataset(Route route) {
            raw(EVENT_KIND);
            ecsStringOr(ecsString(EVENT_KIND_KEY), EVENT_KIND_EVENT);
            raw(EVENT_DATASET);
            ecsStringOr(ecsString(EVENT_DATASET_KEY), route.dataset());
        }

        /**
         * Writes the ecs entries as {@link EcsDocuments#ecs} does: sorted by name, leaving out the names in
         * {@code taken}, {@code weir.*}, {@code labels.*} and numbers that are not finite. Names that are not ASCII (whose
         * order as Java strings could differ from their bytes') or appear twice are left to the decoder.
         */
        private void ecs(Names taken) {
            if (ecsCount == 0) {
                return;
            }
            if (ecsOrder.length < ecsCount) {
                ecsOrder = new int[Math.max(ecsCount, ecsOrder.length * 2)];
            }
            for (int i = 0; i < ecsCount; i++) {
                int at = ecsKeys[i * 2];
                int length = ecsKeys[i * 2 + 1];
                for (int b = at; b < at + length; b++) {
                    if (in[b] < 0) {
                        throw Unreadable.INSTANCE;
                    }
                }
                int k = i;
                while (k > 0) {
                    int c = Arrays.compare(in, ecsKeys[ecsOrder[k - 1] * 2], ecsKeys[ecsOrder[k - 1] * 2] + ecsKeys[ecsOrder[k - 1] * 2 + 1],
                            in, at, at + length);
                    if (c == 0) {
                        throw Unreadable.INSTANCE;
                    }
                    if (c < 0) {
                        break;
                    }
                    ecsOrder[k] = ecsOrder[k - 1];
                    k--;
                }
                ecsOrder[k] = i;
            }
            for (int k = 0; k < ecsCount; k++) {
                int e = ecsOrder[k];
                int at = ecsKeys[e * 2];
                int length = ecsKeys[e * 2 + 1];
                if (taken.contains(in, at, length) || startsWith(at, length, WEIR_PREFIX) || startsWith(at, length, LABELS_PREFIX)
                        || ecsBranch[e] == ECS_DOUBLE && !Double.isFinite(Double.longBitsToDouble(ecsValue[e]))) {
                    continue;
                }
                ensure(1);
                out[n++] = ',';
                quotedEscaped(at, length);
                ensure(1);
                out[n++] = ':';
                long v = ecsValue[e];
                switch (ecsBranch[e]) {
                    case ECS_STRING -> quotedEscaped((int) (v >>> 32), (int) v);
                    case ECS_LONG -> {
                        ensure(20);
                        digits(v);
                    }
                    case ECS_DOUBLE -> raw(Double.toString(Double.longBitsToDouble(v)).getBytes(StandardCharsets.US_ASCII));
                    case ECS_BOOLEAN -> raw(v == 1 ? TRUE : FALSE);
                    default -> {
                        int first = (int) (v >>> 32);
                        int count = (int) v;
                        ensure(1);
                        out[n++] = '[';
                        for (int i = first; i < first + count; i++) {
                            if (i > first) {
                                ensure(1);
                                out[n++] = ',';
                            }
                            quotedEscaped(ecsItems[i * 2], ecsItems[i * 2 + 1]);
                        }
                        ensure(1);
                        out[n++] = ']';
                    }
                }
            }
        }

        private boolean startsWith(int at, int length, byte[] prefix) {
            return length >= prefix.length && Arrays.equals(in, at, at + prefix.length, prefix, 0, prefix.length);
        }

        private void tags() {
            if (itemCount == 0) {
                return;
            }
            raw(TAGS);
            for (int i = 0; i < itemCount; i++) {
                if (i > 0) {
                    ensure(1);
                    out[n++] = ',';
                }
                quotedEscaped(items[i * 2], items[i * 2 + 1]);
            }
            ensure(1);
            out[n++] = ']';
        }

        /**
         * Writes the labels in the order {@link EcsDocuments} does, which is the iteration order of
         * the decoder's map: Avro's fast reader (the default) fills a {@code new HashMap<>()}, its
         * generic reader a {@code new HashMap<>(first block's count)}; a repeated key keeps its last
         * value.
         */
        private void labels() {
            if (entryCount == 0) {
                return;
            }
            raw(LABELS);
            int[] order = labelOrder();
            for (int k = 0; k < entryCount; k++) {
                if (k > 0) {
                    ensure(1);
                    out[n++] = ',';
                }
                entry(order[k]);
            }
            ensure(1);
            out[n++] = '}';
        }

        /** @return the indexes of the entries to write, in the decoder's map order, in {@code order[0..entryCount)} */
        private int[] labelOrder() {
            if (order.length < entryCount) {
                order = new int[Math.max(entryCount, order.length * 2)];
                buckets = new int[order.length];
            }
            if (FAST_READER && entryCount <= SMALL_MAP && hashAsciiKeys()) {
                // A HashMap<>() of fewer than 8 entries keeps its 16 buckets and no bucket becomes a
                // tree, so it iterates by bucket, then in insertion order: a stable sort by bucket.
                for (int i = 0; i < entryCount; i++) {
                    int k = i;
                    while (k > 0 && buckets[order[k - 1]] > buckets[i]) {
                        order[k] = order[k - 1];
                        k--;
                    }
                    order[k] = i;
                }
                return order;
            }
            // Otherwise build the same map (keys only); this also collapses repeated keys.
            Map<String, Integer> map = FAST_READER ? new HashMap<>() : new HashMap<>(firstBlock);
            for (int i = 0; i < entryCount; i++) {
                map.put(new String(in, entries[i * 4], entries[i * 4 + 1], StandardCharsets.UTF_8), i);
            }
            entryCount = 0;
            for (Integer i : map.values()) {
                order[entryCount++] = i;
            }
            return order;
        }

        /**
         * Puts each key's {@code HashMap} bucket (of 16) into {@link #buckets}, computing
         * {@link String#hashCode()} from the bytes.
         *
         * @return false when a key is not ASCII or two keys are equal: then the map is built instead
         */
        private boolean hashAsciiKeys() {
            for (int i = 0; i < entryCount; i++) {
                int from = entries[i * 4];
                int length = entries[i * 4 + 1];
                int h = 0;
                for (int b = from; b < from + length; b++) {
                    if (in[b] < 0) {
                        return false;
                    }
                    h = 31 * h + in[b];
                }
                buckets[i] = (h ^ (h >>> 16)) & (DEFAULT_BUCKETS - 1);
                for (int j = 0; j < i; j++) {
                    if (Arrays.equals(in, entries[j * 4], entries[j * 4] + entries[j * 4 + 1], in, from, from + length)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void entry(int i) {
            quotedEscaped(entries[i * 4], entries[i * 4 + 1]);
            ensure(1);
            out[n++] = ':';
            quotedEscaped(entries[i * 4 + 2], entries[i * 4 + 3]);
        }

        /** Encodes a data stream's fields once, for every document that goes there. */
        private Route route(String dataset, String namespace) {
            int mark = n;
            raw(DS_TYPE_LOGS);
            raw(DS_DATASET);
            writeString(dataset);
            raw(DS_NAMESPACE);
            writeString(namespace);
            raw(ECS_VERSION);
            byte[] dataStream = Arrays.copyOfRange(out, mark, n);
            n = mark;
            writeString(dataset);
            byte[] quotedDataset = Arrays.copyOfRange(out, mark, n);
            n = mark;
            return new Route(DataStreams.logs(dataset, namespace), dataStream, quotedDataset);
        }

        /**
         * Makes the cache key of a record's route: a type letter, then each string field's bytes
         * followed by 0xFF, or 0xFE for a null one (neither byte occurs in UTF-8).
         */
        private void key(char type, int... slots) {
            keyLength = 0;
            appendKey((byte) type);
            for (int slot : slots) {
                if (slot == NO_SLOT || at[slot] == NONE) {
                    appendKey((byte) 0xFE);
                } else {
                    if (keyLength + len[slot] + 1 > key.length) {
                        key = Arrays.copyOf(key, Math.max(key.length * 2, keyLength + len[slot] + 1));
                    }
                    System.arraycopy(in, at[slot], key, keyLength, len[slot]);
                    keyLength += len[slot];
                    appendKey((byte) 0xFF);
                }
            }
        }

        private void appendKey(byte b) {
            if (keyLength == key.length) {
                key = Arrays.copyOf(key, key.length * 2);
            }
            key[keyLength++] = b;
        }

        /** @return the route remembered for the current key, or {@code null} */
        private Route cached() {
            int h = 1;
            for (int i = 0; i < keyLength; i++) {
                h = 31 * h + key[i];
            }
            slot = (h ^ (h >>> 16)) & (ROUTES - 1);
            byte[] k = routeKeys[slot];
            return k != null && Arrays.equals(k, 0, k.length, key, 0, keyLength) ? routes[slot] : null;
        }

        /** Keeps {@code route} for the current key (in the slot {@link #cached} looked at) and returns it. */
        private Route remember(Route route) {
            routeKeys[slot] = Arrays.copyOf(key, keyLength);
            routes[slot] = route;
            return route;
        }

        /** A string field, left out when null. */
        private void field(byte[] name, int slot) {
            if (at[slot] != NONE) {
                raw(name);
                quotedEscaped(at[slot], len[slot]);
            }
        }

        private void number(byte[] name, long value) {
            raw(name);
            ensure(20);
            digits(value);
        }

        /** A number field, left out when {@code set} is false (its union was null). */
        private void number(boolean set, byte[] name, long value) {
            if (set) {
                number(name, value);
            }
        }

        private void digits(long value) {
            if (value == Long.MIN_VALUE) {
                raw(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (value < 0) {
                out[n++] = '-';
                value = -value;
            }
            int start = n;
            do {
                out[n++] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value != 0);
            for (int i = start, j = n - 1; i < j; i++, j--) {
                byte t = out[i];
                out[i] = out[j];
                out[j] = t;
            }
        }

        private void time(long epochMillis) {
            ensure(EcsDocuments.ISO_MAX + 2);
            out[n++] = '"';
            int written = EcsDocuments.iso(Math.floorDiv(epochMillis, 1000L), (int) Math.floorMod(epochMillis, 1000L) * 1_000_000,
                    out, n);
            if (written < 0) {
                n--;
                writeString(Instant.ofEpochMilli(epochMillis).toString());
                return;
            }
            n += written;
            out[n++] = '"';
        }

        private void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, out, n, b.length);
            n += b.length;
        }

        private void quotedEscaped(int from, int length) {
            ensure(1);
            out[n++] = '"';
            escaped(from, length);
            ensure(1);
            out[n++] = '"';
        }

        /**
         * Copies UTF-8 from the input as Jackson writes the decoded string: {@code "}, {@code \} and
         * control characters escaped, everything else as it is. Malformed UTF-8 is not copied: the
         * decoder would have replaced it, so the record goes the other way.
         */
        private void escaped(int from, int length) {
            ensure(length);
            int to = from + length;
            for (int i = from; i < to; ) {
                int b = in[i];
                if (b >= 0) {
                    byte esc = ESCAPES[b];
                    if (esc == 0) {
                        out[n++] = (byte) b;
                    } else {
                        ensure(to - i + 6);
                        if (esc == 'u') {
                            unicodeEscape(b);
                        } else {
                            out[n++] = '\\';
                            out[n++] = esc;
                        }
                    }
                    i++;
                } else {
                    int size = sequence(in, i, to);
                    if (size == 4) {
                        // Jackson writes a character beyond the BMP as its two surrogates, each escaped.
                        int cp = ((b & 0x07) << 18) | ((in[i + 1] & 0x3F) << 12) | ((in[i + 2] & 0x3F) << 6) | (in[i + 3] & 0x3F);
                        ensure(to - i + 12);
                        unicodeEscape(Character.highSurrogate(cp));
                        unicodeEscape(Character.lowSurrogate(cp));
                    } else {
                        System.arraycopy(in, i, out, n, size);
                        n += size;
                    }
                    i += size;
                }
            }
        }

        /** Writes {@code \}{@code uXXXX}, hex digits in upper case as Jackson writes them; room must be there. */
        private void unicodeEscape(int c) {
            out[n++] = '\\';
            out[n++] = 'u';
            out[n++] = HEX[(c >> 12) & 0xF];
            out[n++] = HEX[(c >> 8) & 0xF];
            out[n++] = HEX[(c >> 4) & 0xF];
            out[n++] = HEX[c & 0xF];
        }

        /** @return the length of the well-formed UTF-8 sequence at {@code i} (Unicode table 3-7) */
        private static int sequence(byte[] b, int i, int to) {
            int b0 = b[i] & 0xFF;
            int size;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                size = 2;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                size = 3;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                size = 4;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                throw Unreadable.INSTANCE;
            }
            if (to - i < size) {
                throw Unreadable.INSTANCE;
            }
            int b1 = b[i + 1] & 0xFF;
            if (b1 < lo || b1 > hi) {
                throw Unreadable.INSTANCE;
            }
            for (int k = 2; k < size; k++) {
                int c = b[i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    throw Unreadable.INSTANCE;
                }
            }
            return size;
        }

        /** A string made here (dataset, namespace, a far-off instant): quoted and escaped like the rest. */
        private void writeString(String s) {
            ensure(s.length() * 6 + 2);
            out[n++] = '"';
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    byte esc = ESCAPES[c];
                    if (esc == 0) {
                        out[n++] = (byte) c;
                    } else if (esc == 'u') {
                        unicodeEscape(c);
                    } else {
                        out[n++] = '\\';
                        out[n++] = esc;
                    }
                } else if (c < 0x800) {
                    out[n++] = (byte) (0xC0 | (c >> 6));
                    out[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    throw Unreadable.INSTANCE; // rare enough to leave to Jackson
                } else {
                    out[n++] = (byte) (0xE0 | (c >> 12));
                    out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    out[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            out[n++] = '"';
        }

        private void ensure(int more) {
            if (n + more > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + more));
            }
        }
    }
}
