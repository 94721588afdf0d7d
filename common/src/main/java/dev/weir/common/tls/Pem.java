package dev.weir.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Reads PEM files: certificates (one or a chain) and unencrypted private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}) or the older PKCS#1 / SEC1 forms ({@code BEGIN RSA PRIVATE KEY},
 * {@code BEGIN EC PRIVATE KEY}) that openssl and many tools still write. Errors are
 * {@link IllegalArgumentException}s whose message says what is wrong with the file, for the
 * caller to prefix with the setting's name.
 */
public final class Pem {
    private Pem() {}

    /**
     * @param file a PEM file with one or more {@code CERTIFICATE} blocks
     * @return the certificates in file order
     * @throws IllegalArgumentException when the file holds no certificate or cannot be read
     */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")", e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("is not a PEM certificate file (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param file a PEM file with an unencrypted private key
     * @return the key
     * @throws IllegalArgumentException when the file holds no usable key
     */
    public static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o.getClass().getSimpleName().contains("Encrypted")) {
                    throw new IllegalArgumentException("holds an encrypted private key; decrypt it first, e.g. "
                            + "openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem");
                }
            }
            throw new IllegalArgumentException("holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        } catch (PEMException e) {
            throw new IllegalArgumentException("is not a readable PEM private key (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * @param key a private key
     * @return it as PKCS#8 PEM text ({@code BEGIN PRIVATE KEY}), the form Kafka's PEM key store reads
     */
    public static String pkcs8(PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write a private key as PEM", e);
        }
        return out.toString();
    }

    /**
     * @param certificates certificates
     * @return them as PEM text
     */
    public static String text(List<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write certificates as PEM", e);
        }
        return out.toString();
    }

    /**
     * @param certificate a certificate
     * @return the SHA-256 of its DER encoding, lower-case hex without separators: the fingerprint
     *         Elasticsearch prints for its CA at first start
     */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("Cannot compute a certificate's SHA-256 fingerprint", e);
        }
    }
}
