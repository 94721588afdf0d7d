package dev.weir.common.kafka;

import dev.weir.common.config.ConfigException;
import dev.weir.common.tls.TlsContexts;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster once at start, before a component creates its clients, and turns the failures
 * that retrying cannot fix into a one-line {@link ConfigException} naming the setting: rejected
 * credentials, an untrusted certificate, a plaintext client against a TLS listener. A cluster
 * that does not answer (down, still starting) is left to the component's usual waiting and
 * retrying.
 */
public final class KafkaStartCheck {
    private static final Logger log = LoggerFactory.getLogger(KafkaStartCheck.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private KafkaStartCheck() {}

    /**
     * @param kafka the component's settings
     * @param key   the block's configuration key, e.g. {@code processor.kafka}, for messages
     * @param wait  how long to wait for an answer before deciding the cluster is merely unreachable
     * @throws ConfigException when the cluster refused this client for a reason only configuration can fix
     */
    public static void run(KafkaSettings kafka, String key, Duration wait) {
        Map<String, Object> props = KafkaClients.admin(kafka, "weir-start-check");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(wait.toMillis(), 10_000));
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(wait.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SaslAuthenticationException) {
                if (kafka.saslMechanism() == null) {
                    // SASL configured through kafka.properties (OAUTHBEARER, IAM …)
                    throw new ConfigException("Kafka rejected the SASL authentication configured in " + key + ".properties ("
                            + cause.getMessage() + "); check sasl.jaas.config and its callback handler");
                }
                throw new ConfigException("Kafka rejected " + kafka.saslMechanism().kafkaName() + " authentication for user "
                        + kafka.saslUsername() + "; check " + key + ".sasl.username and " + key + ".sasl.password");
            }
            if (cause instanceof SslAuthenticationException) {
                throw tlsFailure(kafka, key, cause);
            }
            notAnswered(kafka, key, cause.toString());
        } catch (TimeoutException e) {
            notAnswered(kafka, key, "no answer within " + wait.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the connection to Kafka", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            // e.g. a login module or callback handler in properties that cannot be loaded
            throw new ConfigException("Kafka client settings in " + key + " are not usable: " + e.getMessage());
        }
    }

    private static ConfigException tlsFailure(KafkaSettings kafka, String key, Throwable cause) {
        String chain = describe(cause);
        if (chain.contains("PKIX") || chain.contains("certification path") || chain.contains("unable to find valid")) {
            return new ConfigException("Kafka's certificate at " + kafka.bootstrapServers() + " is not trusted; check " + key
                    + ".ssl.ca (the PEM file of the CA that signed the brokers' certificates)");
        }
        if (chain.contains("No subject alternative") || chain.contains("No name matching")) {
            return new ConfigException("Kafka's certificate does not name the host in " + key + ".bootstrap-servers ("
                    + kafka.bootstrapServers() + "); use the name the certificate was issued for");
        }
        if (chain.contains("certificate_required") || chain.contains("bad_certificate")) {
            return new ConfigException("Kafka requires a client certificate it trusts; check " + key + ".ssl.certificate and "
                    + key + ".ssl.key");
        }
        return new ConfigException("The TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed (" + chain
                + "); check " + key + ".security-protocol and " + key + ".ssl.ca");
    }

    /**
     * No answer: either the cluster is down (retried later, as usual) or the client speaks plaintext to a TLS
     * listener, which closes every connection without a word. A TLS handshake tells the two apart.
     */
    private static void notAnswered(KafkaSettings kafka, String key, String why) {
        if (!kafka.securityProtocol().name().endsWith("SSL")) {
            for (String server : kafka.bootstrapServers().split(",")) {
                if (speaksTls(server.trim())) {
                    throw new ConfigException("Kafka at " + server.trim() + " expects TLS, but " + key + ".security-protocol is "
                            + kafka.securityProtocol() + "; set it to SSL or SASL_SSL (with " + key + ".ssl.ca)");
                }
            }
        }
        log.warn("Kafka at {} did not answer at start ({}); continuing, the clients keep trying", kafka.bootstrapServers(), why);
    }

    private static boolean speaksTls(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return colon > 0 && TlsContexts.speaksTls(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)),
                    PROBE_TIMEOUT);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (!out.isEmpty()) {
                out.append(": ");
            }
            out.append(c.getMessage());
        }
        return out.toString();
    }
}
