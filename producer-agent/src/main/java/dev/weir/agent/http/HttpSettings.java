package dev.weir.agent.http;

import java.time.Duration;

/**
 * The agent's HTTP server ({@code agent.http}): intake routes plus {@code /metrics} and health.
 *
 * @param enabled whether the server runs at all
 * @param host interface to bind, e.g. {@code 0.0.0.0}
 * @param port port, 8090 by default; 0 picks a free one
 * @param intake whether {@code POST /v1/logs} and {@code /v1/requests} are served
 * @param maxBodyBytes larger bodies (after gzip decoding) are answered 413
 * @param bearerToken required as {@code Authorization: Bearer …} on intake routes; null or empty for none
 * @param ackTimeout how long a request waits for the broker's acknowledgement before 503
 * @param retryAfter the {@code Retry-After} of 503 answers
 */
public record HttpSettings(boolean enabled, String host, int port, boolean intake, long maxBodyBytes, String bearerToken,
                           Duration ackTimeout, Duration retryAfter) {
    /** Defaults: enabled on 0.0.0.0:8090 with intake, 10 MiB bodies, no token, 30 s ack timeout. */
    public static HttpSettings defaults() {
        return new HttpSettings(true, "0.0.0.0", 8090, true, 10L * 1024 * 1024, null, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    /** @return a copy on another host and port */
    public HttpSettings at(String newHost, int newPort) {
        return new HttpSettings(enabled, newHost, newPort, intake, maxBodyBytes, bearerToken, ackTimeout, retryAfter);
    }

    /** @return a copy with another body limit, token and ack timeout */
    public HttpSettings with(long newMaxBodyBytes, String newBearerToken, Duration newAckTimeout) {
        return new HttpSettings(enabled, host, port, intake, newMaxBodyBytes, newBearerToken, newAckTimeout, retryAfter);
    }
}
