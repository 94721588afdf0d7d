package dev.weir.e2e.chain;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for Slack or a webhook receiver: it records every request (path, the
 * {@code Idempotency-Key} that carries the emitter's notification id, body, what it answered) and answers 200, or,
 * while told to fail, the given status. Thread-safe.
 */
public final class RecordingReceiver implements AutoCloseable {
    /**
     * One request.
     *
     * @param at             when it arrived
     * @param path           request path
     * @param idempotencyKey the {@code Idempotency-Key} header, or {@code null}
     * @param body           the body as text
     * @param answered       the status it got
     */
    public record Request(Instant at, String path, String idempotencyKey, String body, int answered) {
    }

    private final String name;
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int failWith;

    private RecordingReceiver(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    /**
     * @param name names it in messages ({@code slack}, {@code webhook})
     * @return a started receiver on a free loopback port
     */
    public static RecordingReceiver start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        RecordingReceiver r = new RecordingReceiver(name, server);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = r.failWith > 0 ? r.failWith : 200;
            r.requests.add(new Request(Instant.now(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"), new String(body, StandardCharsets.UTF_8), status));
            byte[] answer = (status == 200 ? "ok" : "unavailable").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return r;
    }

    /** @param status the status every request gets from now on (503), or 0 to answer 200 again */
    public void failWith(int status) {
        this.failWith = status;
    }

    /** @return {@code http://127.0.0.1:<port><path>} */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** @return every request so far, oldest first */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** @return its name */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
