package dev.weir.common.config;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A configured secret: a password, token or API key. Its {@link #toString()} is {@code ***}, so a
 * secret that ends up in a log line, an error message or a record's {@code toString()} shows
 * nothing; only {@link #reveal()} gives the value, to hand it to the client that needs it.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * @param value the secret, not empty
     * @return the wrapped secret
     * @throws IllegalArgumentException when the value is empty
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("A secret must not be empty");
        }
        return new Secret(value);
    }

    /** @return the secret itself; pass it to a client, never to a logger or a message */
    public String reveal() {
        return value;
    }

    /**
     * Compares in time independent of where the first difference is, for checking tokens that
     * clients send.
     *
     * @param candidate what a client sent, may be {@code null}
     * @return whether it equals this secret
     */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "***";
    }
}
