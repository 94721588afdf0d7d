package dev.weir.stack;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one secured local stack, and the certificates it signs, as PEM
 * files in a directory: {@code ca.pem}; {@code server.pem} + {@code server-key.pem} (for
 * {@code 127.0.0.1} and {@code localhost}); {@code client.pem} + {@code client-key.pem} (mutual
 * TLS). Keys are RSA 2048 in PKCS#8, unencrypted; certificates are valid for 30 days. Generated
 * with BouncyCastle at start, so nothing secret is checked in.
 *
 * @param dir            where the files are
 * @param ca             the CA certificate (PEM)
 * @param serverCert     the servers' certificate chain (PEM), leaf first
 * @param serverKey      its key (PEM)
 * @param clientCert     a client certificate for mutual TLS (PEM)
 * @param clientKey      its key (PEM)
 * @param caFingerprint  SHA-256 of the CA certificate, lower-case hex, as Elasticsearch prints it
 */
public record Certificates(Path dir, Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey, String caFingerprint) {

    /**
     * Generates a fresh CA and its certificates into {@code dir}.
     *
     * @param dir created if missing
     * @param name names the CA, e.g. {@code weir-local-stack}
     * @return the files
     * @throws IOException when they cannot be written
     */
    public static Certificates generate(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        try {
            KeyPair caKeys = rsa();
            X500Name caName = new X500Name("CN=" + name + " CA");
            Instant now = Instant.now().minus(Duration.ofMinutes(5));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(30))), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(caBuilder, caKeys);

            KeyPair serverKeys = rsa();
            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=localhost"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate serverCert = sign(serverBuilder, caKeys);

            KeyPair clientKeys = rsa();
            X509v3CertificateBuilder clientBuilder = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(now),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=weir-client"), clientKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate clientCert = sign(clientBuilder, caKeys);

            Certificates files = new Certificates(dir, dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server-key.pem"),
                    dir.resolve("client.pem"), dir.resolve("client-key.pem"),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caCert.getEncoded())));
            write(files.ca(), pem(caCert));
            write(files.serverCert(), pem(serverCert) + pem(caCert));
            write(files.serverKey(), pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null)));
            write(files.clientCert(), pem(clientCert));
            write(files.clientKey(), pem(new JcaPKCS8Generator(clientKeys.getPrivate(), null)));
            return files;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("Cannot generate the local stack's certificates: " + e.getMessage(), e);
        }
    }

    /** @return the server's key and certificate chain in one PEM file, as Kafka's PEM key store reads it */
    Path serverBundle() throws IOException {
        Path bundle = dir.resolve("server-bundle.pem");
        if (!Files.exists(bundle)) {
            write(bundle, Files.readString(serverKey) + Files.readString(serverCert));
        }
        return bundle;
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        // readable by the Elasticsearch user when the stack runs as root; these are throw-away test keys
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
}
