package dev.weir.cli.up;

import java.util.List;

/**
 * A Weir component that {@code weir up} runs in its own process next to the local stack.
 * Each component's issue adds one.
 */
public interface UpComponent extends AutoCloseable {
    /** A short name for the status output, e.g. {@code processor}. */
    String name();

    /**
     * Starts the component against the local stack and returns once it is ready.
     *
     * @param env where Kafka and Elasticsearch are, and where to keep data
     * @throws Exception when it cannot start; {@code weir up} then stops everything
     */
    void start(UpEnvironment env) throws Exception;

    /** @return whether its "Where to look" lines come before all others (the console's do) */
    default boolean listFirst() {
        return false;
    }

    /** Lines telling the user where to look, e.g. {@code metrics  http://127.0.0.1:8080/metrics}. */
    List<String> whereToLook();

    /** Stops the component; never throws. */
    @Override
    void close();
}
