package dev.weir.common.elasticsearch;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.config.Secret;
import dev.weir.common.tls.Pem;
import dev.weir.common.tls.TlsContexts;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How Weir reaches Elasticsearch: the {@code elasticsearch:} block's connection keys ({@code url},
 * {@code api-key}, {@code bearer-token}, {@code username} + {@code password}, {@code ca} or
 * {@code ca-fingerprint}, {@code verify-certificates}). At most one kind of credential; the
 * component reads its own keys (timeouts, layout) from the same node.
 *
 * @param url                {@code http://…} or {@code https://…}
 * @param apiKey             an API key, encoded (as Elasticsearch returns it) or {@code id:key}; or {@code null}
 * @param bearerToken        a service-account (or other bearer) token; or {@code null}
 * @param username           basic-auth user, or {@code null}
 * @param password           basic-auth password, or {@code null}
 * @param ca                 PEM file of the CA that signed Elasticsearch's HTTP certificate, or {@code null}
 * @param caFingerprint      SHA-256 fingerprint of that CA (64 hex digits), or {@code null}
 * @param verifyCertificates false turns certificate and host name checks off (never in production)
 */
public record ElasticsearchSettings(URI url, Secret apiKey, Secret bearerToken, String username, Secret password, Path ca,
                                    String caFingerprint, boolean verifyCertificates) {
    public ElasticsearchSettings {
        Objects.requireNonNull(url, "url");
    }

    /**
     * @param url e.g. {@code http://127.0.0.1:9200}
     * @return settings without credentials or TLS options
     */
    public static ElasticsearchSettings of(URI url) {
        return new ElasticsearchSettings(url, null, null, null, null, null, null, true);
    }

    /** @return a copy with another URL (a command-line override) */
    public ElasticsearchSettings withUrl(URI newUrl) {
        return new ElasticsearchSettings(newUrl, apiKey, bearerToken, username, password, ca, caFingerprint, verifyCertificates);
    }

    /**
     * Reads the connection keys of an {@code elasticsearch:} node.
     *
     * @param es         the node
     * @param defaultUrl used when {@code url} is absent
     * @return validated settings
     * @throws ConfigException naming the first wrong key
     */
    public static ElasticsearchSettings read(ConfigNode es, URI defaultUrl) {
        String p = es.path();
        URI url = es.uri("url", defaultUrl);
        Secret apiKey = es.secret("api-key");
        Secret bearer = es.secret("bearer-token");
        String username = es.string("username", null);
        Secret password = es.secret("password");
        Path ca = es.readableFile("ca");
        String fingerprint = es.string("ca-fingerprint", null);
        boolean verify = es.bool("verify-certificates", true);
        ElasticsearchSettings settings = new ElasticsearchSettings(url, apiKey, bearer, username, password, ca,
                fingerprint == null ? null : normalized(p, fingerprint), verify);
        settings.validate(p);
        return settings;
    }

    private static String normalized(String p, String fingerprint) {
        try {
            return TlsContexts.normalizeFingerprint(fingerprint);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(p + ".ca-fingerprint", fingerprint, e.getMessage());
        }
    }

    /**
     * Checks the cross-field rules.
     *
     * @param p the block's path for messages, e.g. {@code elasticsearch}
     * @throws ConfigException naming the keys
     */
    public void validate(String p) {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw ConfigException.invalid(p + ".url", url, "must be an http:// or https:// URL");
        }
        int credentials = (apiKey != null ? 1 : 0) + (bearerToken != null ? 1 : 0) + (username != null || password != null ? 1 : 0);
        if (credentials > 1) {
            throw new ConfigException("Set one of " + p + ".api-key, " + p + ".bearer-token or " + p + ".username/password, not several");
        }
        if ((username == null) != (password == null)) {
            throw new ConfigException("Set both " + p + ".username and " + p + ".password, or neither");
        }
        if (ca != null && caFingerprint != null) {
            throw new ConfigException("Set " + p + ".ca or " + p + ".ca-fingerprint, not both");
        }
        if ((ca != null || caFingerprint != null || !verifyCertificates) && !"https".equals(scheme)) {
            throw ConfigException.invalid(p + ".url", url, "TLS settings are given (" + p + ".ca, ca-fingerprint or verify-certificates);"
                    + " use an https:// URL");
        }
        if (ca != null) {
            try {
                Pem.certificates(ca);
            } catch (IllegalArgumentException e) {
                throw ConfigException.invalid(p + ".ca", ca, "the file " + e.getMessage());
            }
        }
    }

    /** @return whether the connection uses HTTPS */
    public boolean https() {
        return "https".equals(url.getScheme());
    }

    /**
     * @return the TLS context for an https URL: trusting {@code ca}, the CA with {@code ca-fingerprint}, anything
     *         ({@code verify-certificates: false}), or - with none of them - empty for the JVM's default trust
     */
    public Optional<SSLContext> sslContext() {
        if (!https()) {
            return Optional.empty();
        }
        if (!verifyCertificates) {
            return Optional.of(TlsContexts.trustingAnything());
        }
        if (ca != null) {
            return Optional.of(TlsContexts.trusting(Pem.certificates(ca)));
        }
        if (caFingerprint != null) {
            return Optional.of(TlsContexts.trustingFingerprint(caFingerprint));
        }
        return Optional.empty();
    }

    /**
     * @return the {@code Authorization} header value: {@code ApiKey …}, {@code Bearer …} or {@code Basic …}; empty
     *         without credentials
     */
    public Optional<Secret> authorization() {
        if (apiKey != null) {
            String key = apiKey.reveal();
            // id:key as the create API key call returns it separately; the encoded form is sent as it is
            String encoded = key.contains(":") ? Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)) : key;
            return Optional.of(Secret.of("ApiKey " + encoded));
        }
        if (bearerToken != null) {
            return Optional.of(Secret.of("Bearer " + bearerToken.reveal()));
        }
        if (username != null) {
            String pair = username + ":" + password.reveal();
            return Optional.of(Secret.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
        }
        return Optional.empty();
    }

    /** @param p the block's path, e.g. {@code elasticsearch} @return the keys that hold the credentials in use */
    public String credentialKeys(String p) {
        if (apiKey != null) {
            return p + ".api-key";
        }
        if (bearerToken != null) {
            return p + ".bearer-token";
        }
        if (username != null) {
            return p + ".username and " + p + ".password";
        }
        return p + ".api-key, " + p + ".bearer-token or " + p + ".username/password (none is set)";
    }

    /** @param p the block's path @return the keys that decide which certificates are trusted */
    public String trustKeys(String p) {
        return ca != null ? p + ".ca" : caFingerprint != null ? p + ".ca-fingerprint" : p + ".ca or " + p + ".ca-fingerprint";
    }
}
