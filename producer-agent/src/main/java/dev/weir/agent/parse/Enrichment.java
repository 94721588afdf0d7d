package dev.weir.agent.parse;

import java.util.Objects;

/**
 * The fields the agent adds to every event that does not carry them already: the configured
 * service name, environment and host.
 *
 * @param serviceName {@code service.name}; never null
 * @param environment {@code service.environment}, or null when not configured
 * @param hostName {@code host.name}; never null
 */
public record Enrichment(String serviceName, String environment, String hostName) {
    public Enrichment {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(hostName, "hostName");
    }
}
