package dev.weir.common.ops;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.Secret;
import dev.weir.common.tls.Pem;
import dev.weir.common.tls.TlsContexts;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The keys every component's {@code http:} block shares: where the server listens, the bearer
 * token that protects everything but health (and {@code /metrics}, unless
 * {@code protect-metrics}), and an optional TLS certificate.
 *
 * @param host           interface to bind, e.g. {@code 0.0.0.0}
 * @param port           port; 0 picks a free one
 * @param token          bearer token required on every route but health and (unless {@code protectMetrics}) metrics;
 *                       {@code null} for none
 * @param protectMetrics whether {@code /metrics} needs the token too
 * @param tlsCertificate PEM certificate chain for HTTPS, or {@code null} for plain HTTP
 * @param tlsKey         PEM private key of that certificate, or {@code null}
 */
public record HttpServerSettings(String host, int port, Secret token, boolean protectMetrics, Path tlsCertificate, Path tlsKey) {
    public HttpServerSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("set both the TLS certificate and key, or neither");
        }
    }

    /**
     * @param host interface to bind
     * @param port port; 0 for any free one
     * @return plain HTTP without a token
     */
    public static HttpServerSettings of(String host, int port) {
        return new HttpServerSettings(host, port, null, false, null, null);
    }

    /** @return a copy on another port */
    public HttpServerSettings withPort(int newPort) {
        return new HttpServerSettings(host, newPort, token, protectMetrics, tlsCertificate, tlsKey);
    }

    /** @return a copy with another host and port */
    public HttpServerSettings at(String newHost, int newPort) {
        return new HttpServerSettings(newHost, newPort, token, protectMetrics, tlsCertificate, tlsKey);
    }

    /** @return a copy with another bearer token ({@code null}: none) */
    public HttpServerSettings withToken(Secret newToken) {
        return new HttpServerSettings(host, port, newToken, protectMetrics, tlsCertificate, tlsKey);
    }

    /** @return whether the server speaks HTTPS */
    public boolean tls() {
        return tlsCertificate != null;
    }

    /**
     * For calls between instances that share these settings (a processor forwarding a query to
     * the instance that owns the data): trusts the certificates of {@code tls.certificate}, so a
     * shared certificate or one signed by a CA included in that file is accepted.
     *
     * @return the client TLS context; empty for plain HTTP
     */
    public Optional<SSLContext> peerTlsContext() {
        return tls() ? Optional.of(TlsContexts.trusting(Pem.certificates(tlsCertificate))) : Optional.empty();
    }

    /**
     * Reads {@code host}, {@code port}, {@code token}, {@code protect-metrics} and {@code tls.certificate} /
     * {@code tls.key} from a component's {@code http} node; the component reads its own keys from the same node.
     *
     * @param http        the node
     * @param defaultHost used when {@code host} is absent
     * @param defaultPort used when {@code port} is absent
     * @return validated settings
     * @throws ConfigException naming the first wrong key
     */
    public static HttpServerSettings read(ConfigNode http, String defaultHost, int defaultPort) {
        String p = http.path();
        String host = http.string("host", defaultHost);
        int port = http.intInRange("port", defaultPort, 0, 65_535);
        Secret token = http.secret("token");
        boolean protectMetrics = http.bool("protect-metrics", false);
        if (protectMetrics && token == null) {
            throw ConfigException.invalid(p + ".protect-metrics", true, "needs " + p + ".token");
        }
        ConfigNode tls = http.child("tls");
        Path certificate = tls.readableFile("certificate");
        Path key = tls.readableFile("key");
        if ((certificate == null) != (key == null)) {
            throw new ConfigException("Set both " + p + ".tls.certificate and " + p + ".tls.key, or neither");
        }
        if (certificate != null) {
            try {
                TlsContexts.keyStore(certificate, key);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(p + ".tls", certificate + " + " + key, e.getMessage());
            }
        }
        return new HttpServerSettings(host, port, token, protectMetrics, certificate, key);
    }
}
