package dev.weir.console.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * One HTTP API the console reads (the processor's query API, the emitter's API, Elasticsearch):
 * JSON in and out, the user's bearer token sent on when there is one, every failure turned into
 * an {@link UpstreamException} that names the API, or a {@link TokenRequiredException} on 401.
 * Thread-safe.
 */
public final class Upstream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String option;
    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param name    the API's name in messages, e.g. {@code processor}
     * @param option  the option that sets its URL, e.g. {@code --processor}
     * @param base    its base URL, e.g. {@code http://127.0.0.1:8080}
     * @param http    the client
     * @param timeout per request
     */
    public Upstream(String name, String option, URI base, HttpClient http, Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.option = Objects.requireNonNull(option, "option");
        String b = Objects.requireNonNull(base, "base").toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** @return the API's base URL, without a trailing slash */
    public URI base() {
        return base;
    }

    /** @return the API's name */
    public String name() {
        return name;
    }

    /**
     * @param path  path and query, starting with {@code /}
     * @param token the user's bearer token, or null
     * @return the JSON answer
     */
    public JsonNode get(String path, String token) {
        return json(send("GET", path, null, token, true), "GET", path);
    }

    /**
     * @param method HTTP method
     * @param path   path and query
     * @param body   JSON body, or null for none
     * @param token  the user's bearer token, or null
     * @return the JSON answer, or an empty object when the answer has no body
     */
    public JsonNode send(String method, String path, String body, String token) {
        return json(send(method, path, body, token, true), method, path);
    }

    /**
     * @param path  path and query
     * @param token the user's bearer token, or null
     * @return the answer's body as text (e.g. {@code /metrics})
     */
    public String text(String path, String token) {
        return send("GET", path, null, token, true).body();
    }

    /**
     * @param path path and query
     * @return the answer whatever its status (e.g. {@code /health/ready}, which answers 503 when not ready)
     */
    public HttpResponse<String> probe(String path) {
        return send("GET", path, null, null, false);
    }

    private HttpResponse<String> send(String method, String path, String body, String token, boolean requireOk) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UpstreamException("The " + name + " at " + base + " did not answer " + method + " " + pathOnly(path) + " ("
                    + e + "); check that it runs and that " + option + " points at it.", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("Interrupted while asking the " + name + " at " + base + ".", 0);
        }
        if (!requireOk) {
            return r;
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new TokenRequiredException(name);
        }
        if (r.statusCode() / 100 != 2) {
            String text = r.body() == null ? "" : r.body();
            throw new UpstreamException("The " + name + " at " + base + " answered " + r.statusCode() + " to " + method + " "
                    + pathOnly(path) + ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text), r.statusCode());
        }
        return r;
    }

    private JsonNode json(HttpResponse<String> r, String method, String path) {
        if (r.body() == null || r.body().isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UpstreamException("The " + name + " at " + base + " answered " + method + " " + pathOnly(path)
                    + " with something that is not JSON (" + e.getMessage() + "); is " + option + " the right URL?", r.statusCode());
        }
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
