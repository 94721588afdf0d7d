package dev.weir.cli.up;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver inside {@code weir up}: alert-emitter delivers the demo's notifications
 * here (Alertmanager webhook JSON), so a local run shows alerts arriving without Slack.
 * Written on the JDK's HTTP server because it only counts and acknowledges requests.
 */
final class DemoInbox implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong received = new AtomicLong();

    DemoInbox() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/inbox", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            received.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/inbox";
    }

    long received() {
        return received.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
