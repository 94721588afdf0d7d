package dev.weir.emitter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real local HTTP server that records every request (method, path with query, the
 * {@code Idempotency-Key} and {@code Authorization} headers, body) and answers with scripted
 * statuses (default 200) and a scripted body (default {@code ok}).
 */
public final class RecordingHttpServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted answer. */
    public record Answer(int status, String retryAfter) {}

    /** One recorded request; headers absent from it are null. */
    public record Request(String method, String path, String idempotencyKey, String authorization, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile java.util.function.Consumer<Request> listener = r -> { };
    private volatile String responseBody = "ok";

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Deque<Answer> script = new ArrayDeque<>();

    public RecordingHttpServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer a;
            synchronized (script) {
                a = script.isEmpty() ? new Answer(200, null) : script.poll();
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            bodies.add(body);
            try {
                listener.accept(request);
            } catch (RuntimeException e) {
                exchange.sendResponseHeaders(500, -1);
                exchange.close();
                throw e;
            }
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            byte[] out = responseBody.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    /** Answers the next requests with these statuses, then 200. */
    public void script(Answer... answers) {
        synchronized (script) {
            script.addAll(List.of(answers));
        }
    }

    /** Called with each request before it is answered (on the server's thread). */
    public void onRequest(java.util.function.Consumer<Request> l) {
        this.listener = l;
    }

    /** Answers with this body from now on. */
    public void respondWith(String body) {
        this.responseBody = body;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    public List<JsonNode> json() {
        return bodies.stream().map(b -> {
            try {
                return JSON.readTree(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
