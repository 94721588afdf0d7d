package dev.weir.common.deadletter;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * One dead-letter record, ready to send: it fits the record limit it was built for.
 *
 * @param key     key bytes, may be {@code null}
 * @param value   value bytes, may be {@code null}
 * @param headers the original headers (unless cut) and the {@code weir.dlq.*} headers
 */
public record DeadLetter(byte[] key, byte[] value, Headers headers) {
    public DeadLetter {
        Objects.requireNonNull(headers, "headers");
    }
}
