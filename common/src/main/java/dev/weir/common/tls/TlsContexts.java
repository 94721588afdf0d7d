package dev.weir.common.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS contexts Weir's clients and servers use, built from PEM files: trust in a CA file, trust
 * in a CA fingerprint (as Elastic's own clients accept it), no verification at all, and a server
 * identity from a certificate and key.
 */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {}

    /**
     * @param caCertificates the certificates to trust
     * @return a client context trusting exactly these (and certificates they signed)
     */
    public static SSLContext trusting(List<X509Certificate> caCertificates) {
        return context(null, new TrustManager[] {trustManager(caCertificates)});
    }

    /**
     * A client context that trusts a server whose chain contains a certificate with this SHA-256
     * fingerprint; the chain below it must be valid and signed by it.
     *
     * @param fingerprint 64 hex digits, colons allowed
     * @return the context
     */
    public static SSLContext trustingFingerprint(String fingerprint) {
        String wanted = normalizeFingerprint(fingerprint);
        X509TrustManager pinned = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client certificates are not checked by this trust manager");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                for (X509Certificate c : chain) {
                    if (Pem.sha256Fingerprint(c).equals(wanted)) {
                        trustManager(List.of(c)).checkServerTrusted(chain, authType);
                        return;
                    }
                }
                throw new CertificateException("no certificate in the server's chain has the SHA-256 fingerprint " + wanted);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        return context(null, new TrustManager[] {pinned});
    }

    /**
     * A client context for a server that may ask for a client certificate.
     *
     * @param caFile PEM file of the CAs to trust, or {@code null} for the JVM's default trust store
     * @param certificate PEM client certificate chain, or {@code null} for none
     * @param key PEM private key of {@code certificate}, or {@code null} for none
     * @param verify whether the server's certificate is checked at all
     * @return the context
     * @throws IllegalArgumentException when a file cannot be read or the certificate and key do not match
     */
    public static SSLContext client(Path caFile, Path certificate, Path key, boolean verify) {
        TrustManager[] trust = !verify ? trustingAnythingManagers()
                : caFile == null ? null : new TrustManager[] {trustManager(Pem.certificates(caFile))};
        javax.net.ssl.KeyManager[] keys = null;
        if (certificate != null) {
            try {
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore(certificate, key), NO_PASSWORD);
                keys = kmf.getKeyManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the client certificate cannot be used: " + e.getMessage(), e);
            }
        }
        return context(keys, trust);
    }

    /** @return a client context that accepts any certificate (verification off) */
    public static SSLContext trustingAnything() {
        return context(null, trustingAnythingManagers());
    }

    private static TrustManager[] trustingAnythingManagers() {
        X509TrustManager all = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // verification is off by configuration
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // verification is off by configuration
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        return new TrustManager[] {all};
    }

    /**
     * @param certificate PEM file with the certificate chain, leaf first
     * @param key PEM file with its private key
     * @return a key store (type PKCS12, empty password) holding the key under the alias {@code weir}
     */
    public static KeyStore keyStore(Path certificate, Path key) {
        List<X509Certificate> chain = Pem.certificates(certificate);
        PrivateKey privateKey = Pem.privateKey(key);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("weir", privateKey, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("the certificate and key do not form a key pair (" + e.getMessage() + ")", e);
        }
    }

    /** @return the password of the key stores {@link #keyStore} builds */
    public static char[] keyStorePassword() {
        return NO_PASSWORD.clone();
    }

    /**
     * @param fingerprint hex with or without colons, any case
     * @return 64 lower-case hex digits
     * @throws IllegalArgumentException when it is not a SHA-256 fingerprint
     */
    public static String normalizeFingerprint(String fingerprint) {
        String hex = fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("must be a SHA-256 fingerprint: 64 hexadecimal digits, colons allowed");
        }
        return hex;
    }

    /**
     * Whether a server speaks TLS: connects and tries a handshake without checking the certificate.
     * For telling "plaintext client against a TLS listener" apart from "server down" in start-up
     * messages; sends nothing but a TLS ClientHello.
     *
     * @param host    host name or address
     * @param port    port
     * @param timeout for the connection and the handshake
     * @return true when a TLS handshake completed
     */
    public static boolean speaksTls(String host, int port, java.time.Duration timeout) {
        try (java.net.Socket plain = new java.net.Socket()) {
            plain.connect(new java.net.InetSocketAddress(host, port), (int) timeout.toMillis());
            plain.setSoTimeout((int) timeout.toMillis());
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustingAnything().getSocketFactory()
                    .createSocket(plain, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static X509TrustManager trustManager(List<X509Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("The JDK offers no X.509 trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot build a trust store: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(javax.net.ssl.KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build a TLS context: " + e.getMessage(), e);
        }
    }
}
