package dev.weir.common.config;

/**
 * A configuration problem found at startup. The message is one line that names the key
 * and says what is wrong, e.g. {@code Invalid value 70000 for processor.http.port: must be
 * between 1 and 65535}; {@code main} prints it and exits with status 2.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** {@code Invalid value X for KEY: REASON}. */
    public static ConfigException invalid(String key, Object value, String reason) {
        return new ConfigException("Invalid value " + value + " for " + key + ": " + reason);
    }
}
