package dev.weir.common.deadletter;

import dev.weir.common.redact.Redactor;
import dev.weir.schemas.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records that the producer and the dead-letter topic accept, whatever the
 * rejected record was. A record that would not fit is cut, and its headers say so
 * ({@link DeadLetterHeaders#TRUNCATED}): original headers larger than {@value #MAX_ORIGINAL_HEADER_BYTES}
 * bytes in all are left out, a key longer than {@value #MAX_KEY_BYTES} bytes keeps its prefix, and
 * the value keeps the prefix that fits (cut between UTF-8 characters). With a {@link Redactor}, the
 * field and detail headers are redacted, and so is the value (as {@link Redactor#redactRawEvent} does,
 * over the part of it that can be kept) unless the operator chose to keep original values: a value
 * with secrets becomes the redacted text, what is not UTF-8 in it replaced by U+FFFD, and
 * {@link DeadLetterHeaders#REDACTIONS} counts them; a value without secrets stays byte for byte; a
 * value the rules cannot get through (a configured pattern overflows the stack) is left out.
 * Whenever the value is not the original, {@link DeadLetterHeaders#ORIGINAL_SIZE} and
 * {@link DeadLetterHeaders#ORIGINAL_SHA256} identify the original.
 *
 * <p>Thread-safe (immutable).
 */
public final class DeadLetters {
    /** Longest key kept whole; longer keys keep this prefix. */
    public static final int MAX_KEY_BYTES = 4096;
    /** Most bytes of original headers kept; beyond it they are all left out. */
    public static final int MAX_ORIGINAL_HEADER_BYTES = 16 * 1024;
    /**
     * The smallest record limit this class always fits: room for the longest key and original headers kept, and for
     * the {@code weir.dlq.*} headers (field and detail of up to 1024 characters each).
     */
    public static final int MIN_RECORD_BYTES = 32 * 1024;
    /**
     * Bytes a record takes besides its key, value and headers, rounded up: Kafka counts a batch header (61 bytes)
     * and each record's attributes, timestamp and offset deltas and lengths (up to about 21 bytes) against the limit.
     */
    static final int RECORD_OVERHEAD = 128;
    /** Room kept for the headers this class may add after measuring: truncated, original size and SHA-256. */
    private static final int ADDED_HEADERS = 256;

    /** Bytes of the value read for redaction beyond what the record can hold: a secret cut by the limit is still found. */
    private static final int REDACTION_MARGIN = 8 * 1024;

    private final Redactor redactor;
    private final boolean keepOriginalValues;

    /** Dead letters cut to size, their values, field and detail as they were. */
    public DeadLetters() {
        this(null, true);
    }

    /**
     * @param redactor           redacts the field and the detail, and the value unless {@code keepOriginalValues};
     *                           {@code null} for no redaction
     * @param keepOriginalValues whether the value keeps the original bytes, secrets included
     */
    public DeadLetters(Redactor redactor, boolean keepOriginalValues) {
        this.redactor = redactor;
        this.keepOriginalValues = keepOriginalValues;
    }

    /**
     * @param key      the rejected record's key, may be {@code null}
     * @param value    the rejected record's value, may be {@code null}
     * @param original the rejected record's headers, may be {@code null}; its {@code weir.dlq.*} headers are replaced
     * @param values   why it was rejected
     * @param maxRecordBytes the largest record (key, value, headers and Kafka's overhead) the producer and the
     *                       dead-letter topic accept; below {@value #MIN_RECORD_BYTES} even the headers may not fit
     * @return the dead letter, within {@code maxRecordBytes} when at least {@value #MIN_RECORD_BYTES}
     */
    public DeadLetter build(byte[] key, byte[] value, Headers original, DeadLetterHeaders.Values values, int maxRecordBytes) {
        DeadLetterHeaders.Values why = redactor == null ? values : new DeadLetterHeaders.Values(values.reason(),
                redactText(values.field()), values.stage(), values.sourceTopic(), values.sourcePartition(),
                values.sourceOffset(), redactText(values.detail()), values.time());
        List<String> cut = new ArrayList<>(3);
        Headers headers = new RecordHeaders();
        if (original != null) {
            int bytes = 0;
            for (Header h : original) {
                if (!h.key().startsWith("weir.dlq.")) {
                    bytes += headerBytes(h);
                }
            }
            if (bytes <= MAX_ORIGINAL_HEADER_BYTES) {
                for (Header h : original) {
                    if (!h.key().startsWith("weir.dlq.")) {
                        headers.add(h);
                    }
                }
            } else {
                cut.add("headers");
            }
        }
        DeadLetterHeaders.write(headers, why);
        byte[] k = key;
        if (k != null && k.length > MAX_KEY_BYTES) {
            k = Arrays.copyOf(k, utf8Boundary(k, MAX_KEY_BYTES));
            cut.add("key");
        }
        int room = maxRecordBytes - RECORD_OVERHEAD - ADDED_HEADERS - (k == null ? 0 : k.length) - headersBytes(headers);
        byte[] v = value;
        boolean valueCut = false;
        if (redactor != null && !keepOriginalValues && value != null) {
            int window = (int) Math.min(value.length, (long) Math.max(0, room) + REDACTION_MARGIN);
            Redactor.Tally tally = new Redactor.Tally();
            try {
                String text = redactor.redactRawEvent(lenientUtf8(value, window), tally);
                if (tally.count() > 0) {
                    v = text.getBytes(StandardCharsets.UTF_8);
                    valueCut = window < value.length;
                    DeadLetterHeaders.put(headers, DeadLetterHeaders.REDACTIONS, Integer.toString(tally.count()));
                }
            } catch (StackOverflowError e) {
                // a configured pattern that recurses per character: what cannot be redacted is not kept
                v = new byte[0];
                valueCut = true;
            }
        }
        if (v != null && v.length > room) {
            v = Arrays.copyOf(v, utf8Boundary(v, Math.max(0, room)));
            valueCut = true;
        }
        if (valueCut) {
            cut.add(0, "value");
        }
        if (!cut.isEmpty()) {
            DeadLetterHeaders.put(headers, DeadLetterHeaders.TRUNCATED, String.join(",", cut));
        }
        if (v != value) {
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ORIGINAL_SIZE, Integer.toString(value.length));
            DeadLetterHeaders.put(headers, DeadLetterHeaders.ORIGINAL_SHA256, sha256(value));
        }
        return new DeadLetter(k, v, headers);
    }

    private String redactText(String text) {
        return text == null ? null : redactor.redact(text, new Redactor.Tally());
    }

    /** @return the first {@code length} bytes as text, what is not UTF-8 replaced by U+FFFD */
    private static String lenientUtf8(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("A replacing decoder does not throw", e);
        }
    }

    /**
     * @param bytes UTF-8 text, or any bytes
     * @param limit at most this many bytes are wanted
     * @return the largest length up to {@code limit} that does not cut a UTF-8 character in two
     */
    static int utf8Boundary(byte[] bytes, int limit) {
        if (limit >= bytes.length) {
            return bytes.length;
        }
        int end = limit;
        // step back over continuation bytes (10xxxxxx) to the start of the character the cut would split
        for (int back = 0; back < 3 && end > 0 && (bytes[end] & 0xC0) == 0x80; back++) {
            end--;
        }
        return (bytes[end] & 0xC0) == 0x80 ? limit : end; // not UTF-8 after all: cut where asked
    }

    /**
     * @param key   key bytes, may be {@code null}
     * @param value value bytes, may be {@code null}
     * @param headers headers, may be {@code null}
     * @return an upper bound of what Kafka counts against {@code max.request.size} for this record
     */
    public static int recordBytes(byte[] key, byte[] value, Headers headers) {
        return RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length)
                + (headers == null ? 0 : headersBytes(headers));
    }

    private static int headersBytes(Headers headers) {
        int bytes = 0;
        for (Header h : headers) {
            bytes += headerBytes(h);
        }
        return bytes;
    }

    private static int headerBytes(Header h) {
        // key as UTF-8 and value, each with a varint length of up to 5 bytes
        return h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length) + 10;
    }

    private static String sha256(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
