package dev.weir.agent.http;

import dev.weir.agent.browser.BrowserSettings;
import dev.weir.common.config.Secret;
import dev.weir.common.ops.HttpServerSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * The agent's HTTP server ({@code agent.http}): intake routes plus {@code /metrics} and health.
 *
 * @param enabled      whether the server runs at all
 * @param server       host, port (8090 by default; 0 picks a free one), bearer token and TLS; with a token,
 *                     intake needs {@code Authorization: Bearer …}
 * @param intake       whether {@code POST /v1/logs} and {@code /v1/requests} are served
 * @param maxBodyBytes larger bodies (after gzip decoding) are answered 413
 * @param ackTimeout   how long a request waits for the broker's acknowledgement before 503
 * @param retryAfter   the {@code Retry-After} of 503 answers
 * @param browser      the browser beacon endpoint (CORS origins, limits)
 */
public record HttpSettings(boolean enabled, HttpServerSettings server, boolean intake, long maxBodyBytes, Duration ackTimeout,
                           Duration retryAfter, BrowserSettings browser) {
    public HttpSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(browser, "browser");
    }

    /** Settings without browser beacons. */
    public HttpSettings(boolean enabled, HttpServerSettings server, boolean intake, long maxBodyBytes, Duration ackTimeout,
                        Duration retryAfter) {
        this(enabled, server, intake, maxBodyBytes, ackTimeout, retryAfter, BrowserSettings.defaults());
    }

    /** Defaults: enabled on 0.0.0.0:8090 with intake, 10 MiB bodies, no token, 30 s ack timeout. */
    public static HttpSettings defaults() {
        return new HttpSettings(true, HttpServerSettings.of("0.0.0.0", 8090), true, 10L * 1024 * 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(5));
    }

    /** @return the interface to bind */
    public String host() {
        return server.host();
    }

    /** @return the port; 0 picks a free one */
    public int port() {
        return server.port();
    }

    /** @return a copy on another host and port */
    public HttpSettings at(String newHost, int newPort) {
        return new HttpSettings(enabled, server.at(newHost, newPort), intake, maxBodyBytes, ackTimeout, retryAfter, browser);
    }

    /** @return a copy with other browser beacon settings */
    public HttpSettings with(BrowserSettings newBrowser) {
        return new HttpSettings(enabled, server, intake, maxBodyBytes, ackTimeout, retryAfter, newBrowser);
    }

    /** @return a copy with another body limit, token ({@code null}: none) and ack timeout */
    public HttpSettings with(long newMaxBodyBytes, String newBearerToken, Duration newAckTimeout) {
        return new HttpSettings(enabled, server.withToken(newBearerToken == null ? null : Secret.of(newBearerToken)), intake,
                newMaxBodyBytes, newAckTimeout, retryAfter, browser);
    }
}
