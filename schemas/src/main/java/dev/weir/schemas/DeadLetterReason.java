package dev.weir.schemas;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a raw record went to the dead-letter topic; the {@link #code()} is what the
 * {@link DeadLetterHeaders#REASON} header carries. Readers must tolerate codes they do not know
 * (a newer processor may add some), so {@link #fromCode(String)} returns an {@code Optional}.
 */
public enum DeadLetterReason {
    /** The raw record exceeds the maximum event size (default 1 MiB). */
    TOO_LARGE("too_large"),
    /** The bytes are not valid UTF-8. */
    INVALID_UTF8("invalid_utf8"),
    /** The bytes are not one JSON object. */
    MALFORMED_JSON("malformed_json"),
    /** Objects or arrays are nested deeper than the limit (default 20). */
    TOO_DEEP("too_deep"),
    /** The event has more fields than the limit (default 1000, counted over all levels). */
    TOO_MANY_FIELDS("too_many_fields"),
    /** A string value is longer than the limit (default 32 KiB) where truncation is not allowed. */
    STRING_TOO_LONG("string_too_long"),
    /** No {@code @timestamp} / {@code timestamp} field. */
    MISSING_TIMESTAMP("missing_timestamp"),
    /** The timestamp field is present but cannot be parsed. */
    BAD_TIMESTAMP("bad_timestamp"),
    /** The timestamp lies outside the accepted window (default 7 days past, 1 hour future). */
    TIMESTAMP_OUT_OF_RANGE("timestamp_out_of_range"),
    /** A known field has the wrong JSON type, e.g. a string status code that is not a number. */
    WRONG_TYPE("wrong_type"),
    /** A field that must not be negative is, e.g. a duration or a byte count. */
    NEGATIVE_VALUE("negative_value"),
    /** A number is NaN or infinite. */
    NOT_FINITE("not_finite"),
    /** A field the detected shape requires is missing, e.g. a request event without status. */
    MISSING_FIELD("missing_field"),
    /** A field name contains a control character, e.g. NUL (Elasticsearch refuses it in labels). */
    INVALID_FIELD_NAME("invalid_field_name");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    /** @return the lower-snake-case code written to the {@code weir.dlq.reason} header */
    public String code() {
        return code;
    }

    /**
     * @param code a header value, may be {@code null}
     * @return the reason with that code, or empty when the code is unknown or {@code null}
     */
    public static Optional<DeadLetterReason> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }

    @Override
    public String toString() {
        return code;
    }
}
