package dev.weir.emitter.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.function.Supplier;

/** Posts a JSON body and turns the answer into success or a {@link DeliveryException}. Thread-safe. */
public final class HttpPoster {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration timeout;

    public HttpPoster(HttpClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * Posts an integration's payload as JSON, with no extra headers.
     *
     * @param setting the configuration key the URL comes from (e.g. {@code "slack api_url"}), named
     *                in the error when the URL is a placeholder
     * @param url where to post; null when the configuration holds a placeholder
     * @param id the notification's id, sent as {@code Idempotency-Key}
     * @param payload builds the body to serialise; not called when {@code url} is null
     * @throws DeliveryException permanent when {@code url} is null; otherwise as {@link #post}
     */
    void postJson(String setting, URI url, String id, Supplier<?> payload) throws DeliveryException {
        if (url == null) {
            throw new DeliveryException(setting + " is a placeholder; set it in alertmanager.yml", false, null);
        }
        post(url, toJson(payload.get()), Map.of(IDEMPOTENCY_KEY, id));
    }

    /**
     * The header that carries a notification's id (the IETF draft {@code Idempotency-Key}): a
     * notification sent again after an instance died mid-send carries the same value, so a
     * receiver that remembers it can drop the repeat.
     */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * @param url where to post
     * @param json the body
     * @param headers extra headers
     * @throws DeliveryException retryable for 5xx, 429, timeouts and I/O errors; permanent for other 4xx
     */
    public void post(URI url, String json, Map<String, String> headers) throws DeliveryException {
        send("POST", url, json, headers);
    }

    /**
     * @param method {@code POST} or {@code PUT}
     * @param url where to send
     * @param json the body
     * @param headers extra headers
     * @throws DeliveryException as {@link #post}
     */
    public void send(String method, URI url, String json, Map<String, String> headers) throws DeliveryException {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Weir-alert-emitter")
                .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException("timed out after " + timeout + " posting to " + redact(url), true, null);
        } catch (IOException e) {
            throw new DeliveryException("cannot post to " + redact(url) + ": " + e, true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted posting to " + redact(url), true, null);
        }
        int status = r.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String body = r.body() == null ? "" : r.body().substring(0, Math.min(200, r.body().length()));
        boolean retryable = status == 429 || status >= 500;
        Duration retryAfter = r.headers().firstValue("Retry-After").map(HttpPoster::parseRetryAfter).orElse(null);
        throw new DeliveryException("HTTP " + status + " from " + redact(url) + ": " + body, retryable, retryAfter);
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise notification", e);
        }
    }

    static Duration parseRetryAfter(String v) {
        try {
            return Duration.ofSeconds(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ex) {
                return null;
            }
        }
    }

    /**
     * Alertmanager's {@code notify.TruncateInRunes}: at most {@code n} code points, the last one
     * an ellipsis when cut.
     */
    static String truncate(String s, int n) {
        if (s.codePointCount(0, s.length()) <= n) {
            return s;
        }
        if (n <= 3) {
            return s.substring(0, s.offsetByCodePoints(0, n));
        }
        return s.substring(0, s.offsetByCodePoints(0, n - 1)) + "\u2026";
    }

    /** Webhook URLs carry secrets in their path (Slack's do): log only scheme, host and port. */
    static String redact(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/...";
    }
}
