package dev.weir.agent.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Runs one probe once: an HTTP(S) request checked against the probe's expectations (status, body
 * text, JSON value, certificate expiry) or a TCP connect. Never throws for what the target does:
 * every failure becomes a down {@link ProbeResult} with its reason. Thread-safe.
 */
public final class ProbeCheck {
    /** Bodies are read up to this many bytes; expectations look at this prefix. */
    public static final int MAX_BODY = 1 << 20;

    private final HttpClient http;
    private final Clock clock;

    /**
     * @param http  the client (redirects not followed: a redirect is checked against the expected statuses)
     * @param clock the clock
     */
    public ProbeCheck(HttpClient http, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param probe the probe
     * @param slot  the interval slot of this run
     * @return what it found
     * @throws InterruptedException when interrupted (the agent is stopping)
     */
    public ProbeResult run(ProbeDefinition probe, Instant slot) throws InterruptedException {
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        return probe.type() == ProbeDefinition.Type.TCP ? tcp(probe, slot, start, t0) : http(probe, slot, start, t0);
    }

    private static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private ProbeResult tcp(ProbeDefinition probe, Instant slot, Instant start, long t0) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(probe.host(), probe.port()), (int) probe.timeout().toMillis());
            return new ProbeResult(probe, slot, start, true, 0, millisSince(t0), null, null);
        } catch (java.net.SocketTimeoutException e) {
            return down(probe, slot, start, 0, millisSince(t0), "no connection within " + probe.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return down(probe, slot, start, 0, millisSince(t0), "connection failed: " + e.getMessage());
        }
    }

    private static ProbeResult down(ProbeDefinition probe, Instant slot, Instant start, int status, double ms, String reason) {
        return new ProbeResult(probe, slot, start, false, status, ms, reason, null);
    }

    private ProbeResult http(ProbeDefinition probe, Instant slot, Instant start, long t0) throws InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(probe.url()).timeout(probe.timeout())
                .method(probe.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(probe.body()));
        b.header("User-Agent", "weir-probe");
        probe.headers().forEach(b::header);
        HttpResponse<InputStream> response;
        String body;
        long deadline = t0 + probe.timeout().toNanos();
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            body = readBody(response.body(), deadline);
        } catch (HttpConnectTimeoutException e) {
            return down(probe, slot, start, 0, millisSince(t0), "no connection within " + probe.timeout().toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            return down(probe, slot, start, 0, millisSince(t0), "no answer within " + probe.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return down(probe, slot, start, 0, millisSince(t0), "request failed: " + e);
        }
        double ms = millisSince(t0);
        int status = response.statusCode();
        if (body == null) {
            return down(probe, slot, start, status, ms, "the body did not arrive within " + probe.timeout().toMillis() + " ms");
        }
        if (!probe.expectStatus().accepts(status)) {
            return down(probe, slot, start, status, ms, "expected status " + probe.expectStatus() + ", got " + status);
        }
        if (probe.bodyContains() != null && !body.contains(probe.bodyContains())) {
            return down(probe, slot, start, status, ms, "the body does not contain \"" + probe.bodyContains() + "\"");
        }
        if (probe.json() != null) {
            String failure = probe.json().failure(body);
            if (failure != null) {
                return down(probe, slot, start, status, ms, failure);
            }
        }
        Instant notAfter = certificateExpiry(response.sslSession().orElse(null));
        String warning = null;
        if (notAfter != null && probe.tlsExpiryWarning() != null) {
            Duration left = Duration.between(clock.instant(), notAfter);
            if (left.compareTo(probe.tlsExpiryWarning()) < 0) {
                warning = left.isNegative() ? "the TLS certificate expired at " + notAfter
                        : "the TLS certificate expires in " + left.toDays() + " days (" + notAfter + ")";
            }
        }
        return new ProbeResult(probe, slot, start, true, status, ms, warning, notAfter);
    }

    /**
     * @return the body's first {@link #MAX_BODY} bytes as text, or null when they did not arrive before the deadline
     *         (the stream is closed at the deadline, so a server that stalls mid-body cannot hold the run longer)
     */
    private static String readBody(InputStream in, long deadline) throws IOException {
        long left = Math.max(0, deadline - System.nanoTime());
        java.util.concurrent.CompletableFuture.delayedExecutor(left, java.util.concurrent.TimeUnit.NANOSECONDS).execute(() -> {
            try {
                in.close();
            } catch (IOException e) {
                // closing only ends a read that is taking too long
            }
        });
        try (in) {
            byte[] buf = new byte[MAX_BODY];
            int n = 0;
            while (n < MAX_BODY) {
                if (System.nanoTime() > deadline) {
                    return null;
                }
                int r;
                try {
                    r = in.read(buf, n, MAX_BODY - n);
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        return null;
                    }
                    throw e;
                }
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    private static Instant certificateExpiry(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getNotAfter().toInstant() : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
