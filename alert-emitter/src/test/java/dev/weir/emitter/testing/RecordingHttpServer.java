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

/** A real local HTTP server that records every request body and answers with scripted statuses (default 200). */
public final class RecordingHttpServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted answer. */
    public record Answer(int status, String retryAfter) {}

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
            bodies.add(body);
            if (a.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
            }
            byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
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
