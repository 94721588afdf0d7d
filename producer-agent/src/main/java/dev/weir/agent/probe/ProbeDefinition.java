package dev.weir.agent.probe;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One validated probe, as read from a probe file by {@link ProbeSet}. Immutable.
 *
 * @param name           unique name; the target's name on the status page and the {@code probe} label of its results
 * @param service        service the results belong to (their {@code service.name} and record key)
 * @param type           HTTP(S) request or TCP connect
 * @param url            http: the URL asked
 * @param host           tcp: the host connected to
 * @param port           tcp: the port
 * @param method         http: the method
 * @param headers        http: request headers
 * @param body           http: request body, or null
 * @param interval       how often it runs
 * @param timeout        how long one run may take (connect and answer)
 * @param expectStatus   http: statuses that count as up
 * @param bodyContains   http: text the body must contain, or null
 * @param json           http: a check of the JSON body, or null
 * @param tlsExpiryWarning https: a certificate expiring within this is reported as a warning, or null
 * @param yaml           the definition's text as written (what is published to the probes topic)
 */
public record ProbeDefinition(String name, String service, Type type, URI url, String host, int port, String method,
                              Map<String, String> headers, String body, Duration interval, Duration timeout,
                              StatusSet expectStatus, String bodyContains, JsonCheck json, Duration tlsExpiryWarning,
                              String yaml) {
    /** What a probe does. */
    public enum Type { HTTP, TCP }

    public ProbeDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(type, "type");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(yaml, "yaml");
    }

    /** @return the target as people read it: the URL, or host:port */
    public String target() {
        return type == Type.HTTP ? url.toString() : host + ":" + port;
    }
}
