package dev.weir.common.ops;

/**
 * One dependency's health, asked on every {@code /health/ready} request. Implementations
 * must answer quickly (no network round trip longer than a second) and never throw.
 */
@FunctionalInterface
public interface HealthCheck {
    /** @return the current status of the dependency */
    Status check();

    /**
     * @param ready whether the component can do its work with this dependency as it is
     * @param state a short word for the JSON body, e.g. {@code connected}, {@code RUNNING}
     * @param error why it is not ready, or {@code null}
     */
    record Status(boolean ready, String state, String error) {
        public static Status up(String state) {
            return new Status(true, state, null);
        }

        public static Status down(String state, String error) {
            return new Status(false, state, error);
        }
    }
}
