package dev.weir.schemas;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The dead-letter contract. A record on {@code weir.deadletter} keeps the original key and value
 * bytes untouched (they may not even be UTF-8) and says what went wrong in these headers, all
 * UTF-8 text:
 * <ul>
 *   <li>{@value #REASON}: a {@link DeadLetterReason#code()}, e.g. {@code malformed_json}</li>
 *   <li>{@value #FIELD}: the offending field path, e.g. {@code http.response.status_code}, if any, at most
 *       {@value #MAX_DETAIL_LENGTH} characters</li>
 *   <li>{@value #STAGE}: the component step that rejected it, e.g. {@code agent}, {@code normalize}</li>
 *   <li>{@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION}, {@value #SOURCE_OFFSET}: where the
 *       original record was read (decimal numbers)</li>
 *   <li>{@value #DETAIL}: a human-readable sentence, at most {@value #MAX_DETAIL_LENGTH} characters</li>
 *   <li>{@value #TIME}: when it was dead-lettered, ISO-8601 ({@link Instant#toString()})</li>
 * </ul>
 * When the record does not carry the original value byte for byte, these say why and identify the original:
 * <ul>
 *   <li>{@value #TRUNCATED}: what was cut to fit the producer's and the topic's record limit, a comma-separated
 *       list of {@code value} (the value is a prefix), {@code key} (the key is a prefix), {@code headers} (the
 *       original headers were left out)</li>
 *   <li>{@value #REDACTIONS}: how many secrets were replaced in the value (a decimal number)</li>
 *   <li>{@value #ORIGINAL_SIZE}: the original value's size in bytes (a decimal number)</li>
 *   <li>{@value #ORIGINAL_SHA256}: the SHA-256 of the original value, 64 lower-case hex digits</li>
 * </ul>
 * Other headers of the original record are kept as they were, unless {@value #TRUNCATED} says {@code headers}.
 */
public final class DeadLetterHeaders {

    /** Header with the {@link DeadLetterReason#code() reason code}. */
    public static final String REASON = "weir.dlq.reason";
    /** Header with the path of the offending field, when one field is to blame. */
    public static final String FIELD = "weir.dlq.field";
    /** Header naming the processing step that rejected the record. */
    public static final String STAGE = "weir.dlq.stage";
    /** Header with the topic the original record was read from. */
    public static final String SOURCE_TOPIC = "weir.dlq.source.topic";
    /** Header with the partition the original record was read from, as a decimal number. */
    public static final String SOURCE_PARTITION = "weir.dlq.source.partition";
    /** Header with the offset of the original record, as a decimal number. */
    public static final String SOURCE_OFFSET = "weir.dlq.source.offset";
    /** Header with a human-readable explanation. */
    public static final String DETAIL = "weir.dlq.detail";
    /** Header with the dead-letter time, ISO-8601. */
    public static final String TIME = "weir.dlq.time";

    /** Header listing what was cut to fit ({@code value}, {@code key}, {@code headers}); absent when nothing was. */
    public static final String TRUNCATED = "weir.dlq.truncated";
    /** Header with the number of secrets replaced in the value; absent when none was. */
    public static final String REDACTIONS = "weir.dlq.redactions";
    /** Header with the original value's size in bytes, present when the value is not the original. */
    public static final String ORIGINAL_SIZE = "weir.dlq.original.size";
    /** Header with the original value's SHA-256 (hex), present when the value is not the original. */
    public static final String ORIGINAL_SHA256 = "weir.dlq.original.sha256";

    /** All dead-letter header keys {@link #write} adds, in its order. */
    public static final List<String> ALL =
            List.of(REASON, FIELD, STAGE, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET, DETAIL, TIME);

    /** {@link #write} cuts {@link Values#field()} and {@link Values#detail()} to this many characters. */
    public static final int MAX_DETAIL_LENGTH = 1024;

    private DeadLetterHeaders() {
    }

    /**
     * The dead-letter headers of one record.
     *
     * @param reason          reason code, never {@code null} when written; {@code null} when read
     *                        from a record that lacks the header
     * @param field           offending field path, or {@code null}
     * @param stage           rejecting step, or {@code null}
     * @param sourceTopic     topic of the original record, or {@code null}
     * @param sourcePartition partition of the original record, or {@code null}
     * @param sourceOffset    offset of the original record, or {@code null}
     * @param detail          explanation, or {@code null}
     * @param time            when the record was dead-lettered, or {@code null}
     */
    public record Values(String reason, String field, String stage, String sourceTopic,
                         Integer sourcePartition, Long sourceOffset, String detail, Instant time) {

        /**
         * The usual case: a reason with its explanation for a record read from a topic.
         *
         * @param reason      why the record was rejected
         * @param field       offending field path, or {@code null}
         * @param stage       rejecting step, e.g. {@code normalize}
         * @param sourceTopic topic the record was read from
         * @param partition   its partition
         * @param offset      its offset
         * @param detail      explanation, or {@code null}
         * @param time        when it was rejected
         * @return the header values
         */
        public static Values of(DeadLetterReason reason, String field, String stage, String sourceTopic,
                                int partition, long offset, String detail, Instant time) {
            Objects.requireNonNull(reason, "reason");
            return new Values(reason.code(), field, stage, sourceTopic, partition, offset, detail, time);
        }

        /** @return the reason as an enum, empty when missing or a code this build does not know */
        public Optional<DeadLetterReason> knownReason() {
            return DeadLetterReason.fromCode(reason);
        }
    }

    /**
     * Writes every non-null value as its header, replacing headers of the same key. The field and
     * the detail are cut to {@value #MAX_DETAIL_LENGTH} characters.
     *
     * @param headers headers of the dead-letter record; must be writable (not yet sent)
     * @param values  what to write; {@code reason} must not be {@code null}
     * @return {@code headers}
     * @throws IllegalArgumentException if {@code values.reason()} is {@code null}
     */
    public static Headers write(Headers headers, Values values) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(values, "values");
        if (values.reason() == null) {
            throw new IllegalArgumentException("A dead-letter record needs a reason; set Values.reason.");
        }
        put(headers, REASON, values.reason());
        put(headers, FIELD, truncate(values.field()));
        put(headers, STAGE, values.stage());
        put(headers, SOURCE_TOPIC, values.sourceTopic());
        put(headers, SOURCE_PARTITION, values.sourcePartition() == null ? null : values.sourcePartition().toString());
        put(headers, SOURCE_OFFSET, values.sourceOffset() == null ? null : values.sourceOffset().toString());
        put(headers, DETAIL, truncate(values.detail()));
        put(headers, TIME, values.time() == null ? null : values.time().toString());
        return headers;
    }

    /**
     * Reads the dead-letter headers leniently: a missing or unparsable header gives {@code null}
     * for that value, never an exception, since dead letters may come from other tools.
     *
     * @param headers headers of a dead-letter record
     * @return the values found
     */
    public static Values read(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        return new Values(
                get(headers, REASON).orElse(null),
                get(headers, FIELD).orElse(null),
                get(headers, STAGE).orElse(null),
                get(headers, SOURCE_TOPIC).orElse(null),
                get(headers, SOURCE_PARTITION).map(DeadLetterHeaders::parseInt).orElse(null),
                get(headers, SOURCE_OFFSET).map(DeadLetterHeaders::parseLong).orElse(null),
                get(headers, DETAIL).orElse(null),
                get(headers, TIME).map(DeadLetterHeaders::parseInstant).orElse(null));
    }

    /**
     * Sets one header to a UTF-8 value, removing earlier headers of that key first.
     *
     * @param headers writable headers
     * @param key     header key
     * @param value   value; {@code null} only removes
     * @return {@code headers}
     */
    public static Headers put(Headers headers, String key, String value) {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(key, "key");
        headers.remove(key);
        if (value != null) {
            headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /**
     * @param headers headers to read
     * @param key     header key
     * @return the last header of that key decoded as UTF-8, or empty when absent or its value is null
     */
    public static Optional<String> get(Headers headers, String key) {
        Objects.requireNonNull(headers, "headers");
        Header header = headers.lastHeader(key);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static String truncate(String detail) {
        if (detail == null || detail.length() <= MAX_DETAIL_LENGTH) {
            return detail;
        }
        int end = MAX_DETAIL_LENGTH - 1;
        // Do not cut a surrogate pair in half: the header must stay valid UTF-8.
        if (Character.isHighSurrogate(detail.charAt(end - 1))) {
            end--;
        }
        return detail.substring(0, end) + "…";
    }

    private static Integer parseInt(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return Long.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant parseInstant(String s) {
        try {
            return Instant.parse(s.trim());
        } catch (DateTimeException e) {
            return null;
        }
    }
}
