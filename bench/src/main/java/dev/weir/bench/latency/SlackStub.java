package dev.weir.bench.latency;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local stand-in for Slack's incoming webhooks: answers every POST with {@code 200 ok} (as
 * Slack does) and records the path, the body and the arrival time ({@link System#nanoTime()},
 * taken first thing in the handler, before the body is read). Thread-safe.
 */
public final class SlackStub implements AutoCloseable {
    /**
     * One request.
     *
     * @param path         request path; tells which side sent it
     * @param arrivalNanos {@link System#nanoTime()} when the handler was entered
     * @param body         request body, UTF-8
     */
    public record Request(String path, long arrivalNanos, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /**
     * Starts the stub on a free loopback port.
     *
     * @throws IOException when no port can be bound
     */
    public SlackStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "slack-stub");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            long arrived = System.nanoTime();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            requests.add(new Request(exchange.getRequestURI().getPath(), arrived, body));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        server.start();
    }

    /**
     * @param path e.g. {@code /weir}
     * @return the webhook URL for that path
     */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** @return every request so far, in arrival order */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
