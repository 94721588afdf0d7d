package dev.weir.common.config;

import java.util.List;
import java.util.Map;

/**
 * A configuration problem found at startup. The message is one line that names the key
 * and says what is wrong, e.g. {@code Invalid value 70000 for processor.http.port: must be
 * between 1 and 65535}; {@code main} prints it and exits with status 2. Its parts
 * ({@link #key()}, {@link #value()}, {@link #reason()}) let a reader of definition files
 * (rules) word the same problem in its own terms.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;
    private final String reason;

    public ConfigException(String message) {
        this(message, null, null, message);
    }

    private ConfigException(String message, String key, String value, String reason) {
        super(message);
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    /** {@code Invalid value X for KEY: REASON}. */
    public static ConfigException invalid(String key, Object value, String reason) {
        return new ConfigException("Invalid value " + value + " for " + key + ": " + reason, key,
                value == null || value instanceof Map || value instanceof List ? null : value.toString(), reason);
    }

    /** A problem with a whole file rather than one key, e.g. reason {@code not valid YAML: …}. */
    static ConfigException ofFile(String message, String reason) {
        return new ConfigException(message, null, null, reason);
    }

    /** @return the full path of the key the problem is in, e.g. {@code processor.http.port}, or {@code null} when it is not in one key */
    public String key() {
        return key;
    }

    /** @return the offending value as written, or {@code null} when it is absent, a list or a mapping */
    public String value() {
        return value;
    }

    /** @return what is wrong, without the key and value, e.g. {@code must be between 1 and 65535}; the message when it has no parts */
    public String reason() {
        return reason;
    }
}
