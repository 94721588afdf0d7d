package dev.weir.emitter.delivery;

import java.time.Duration;

/**
 * A notification that did not get through. {@code retryable} failures (timeouts, connection
 * errors, 5xx, 429) are tried again with backoff; permanent ones (other 4xx, a placeholder URL)
 * are logged with the receiver and counted.
 */
public final class DeliveryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;
    private final transient Duration retryAfter;

    public DeliveryException(String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    /** @return the server's Retry-After, or null */
    public Duration retryAfter() {
        return retryAfter;
    }
}
