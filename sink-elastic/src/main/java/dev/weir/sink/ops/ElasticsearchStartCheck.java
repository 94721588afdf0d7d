package dev.weir.sink.ops;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import dev.weir.common.config.ConfigException;
import dev.weir.common.elasticsearch.ElasticsearchSettings;
import dev.weir.common.tls.TlsContexts;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.elasticsearch.client.ResponseException;

/**
 * Tells the failures of the sink's first requests that waiting cannot fix (rejected
 * credentials, missing privileges, an untrusted certificate, http against https or the other
 * way round) from a cluster that is merely down or starting, and words them as one line naming
 * the setting to fix.
 */
public final class ElasticsearchStartCheck {
    private static final String KEY = "elasticsearch";

    private ElasticsearchStartCheck() {}

    /**
     * @param es      the connection settings
     * @param failure what the first requests threw
     * @return the configuration error to stop with, or empty when the cluster may just not be up yet
     */
    public static Optional<ConfigException> explain(ElasticsearchSettings es, Throwable failure) {
        int status = status(failure);
        URI url = es.url();
        if (status == 401) {
            return Optional.of(new ConfigException("Elasticsearch at " + url + " rejected the credentials (401); check "
                    + es.credentialKeys(KEY)));
        }
        if (status == 403) {
            return Optional.of(new ConfigException("Elasticsearch at " + url + " refused the sink (403: " + reason(failure)
                    + "); give the user of " + es.credentialKeys(KEY) + " the privileges the sink needs (see the sink's README)"));
        }
        if (has(failure, SSLHandshakeException.class) && chain(failure).matches("(?s).*(PKIX|certification path|CertificateException"
                + "|fingerprint).*")) {
            return Optional.of(new ConfigException("Elasticsearch's certificate at " + url + " is not trusted; check "
                    + es.trustKeys(KEY)));
        }
        if (has(failure, SSLHandshakeException.class) && chain(failure).contains("No subject alternative")) {
            return Optional.of(new ConfigException("Elasticsearch's certificate does not name the host of " + KEY + ".url (" + url
                    + "); use the name it was issued for, or set " + KEY + ".verify-certificates: false for a test cluster"));
        }
        if (es.https() && has(failure, SSLException.class) && chain(failure).contains("Unsupported or unrecognized SSL message")) {
            return Optional.of(new ConfigException("Elasticsearch at " + url + " does not speak HTTPS; use an http:// URL in " + KEY
                    + ".url"));
        }
        if (!es.https() && TlsContexts.speaksTls(url.getHost(), url.getPort() < 0 ? 80 : url.getPort(), Duration.ofSeconds(3))) {
            return Optional.of(new ConfigException("Elasticsearch at " + url + " expects HTTPS; use an https:// URL in " + KEY
                    + ".url (with " + KEY + ".ca or " + KEY + ".ca-fingerprint)"));
        }
        return Optional.empty();
    }

    private static int status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ResponseException r) {
                return r.getResponse().getStatusLine().getStatusCode();
            }
            if (c instanceof ElasticsearchException e) {
                return e.status();
            }
        }
        return -1;
    }

    private static String reason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ElasticsearchException e && e.error() != null && e.error().reason() != null) {
                return e.error().reason();
            }
        }
        return "forbidden";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String chain(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        return out.toString();
    }
}
