package dev.weir.sink.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server that answers {@code _bulk} as a test scripts it, in Elasticsearch's wire format
 * (the real client parses the answers), and records the {@code _id}s of every call. Per-item
 * 429/5xx/400 answers inside a 200 cannot be provoked on demand on a real node. Any other request
 * finds no index: {@code _settings} answers {@code {}}, a search no hits.
 */
public final class FakeBulkEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Decides the answer to one bulk call. */
    public interface Script {
        Answer answer(int call, List<String> ids);
    }

    /** HTTP status, and each item's status (used when the HTTP status is 200). */
    public record Answer(int httpStatus, List<Integer> itemStatuses) {
        public static Answer created(int n) {
            return new Answer(200, Collections.nCopies(n, 201));
        }
    }

    private final HttpServer server;
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private volatile Script script = (call, ids) -> Answer.created(ids.size());
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public FakeBulkEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/_bulk", exchange -> {
            List<String> ids = new ArrayList<>();
            List<String> indices = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(exchange.getRequestBody(), StandardCharsets.UTF_8))) {
                String line;
                boolean action = true;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (action) {
                        JsonNode create = JSON.readTree(line).path("create");
                        ids.add(create.path("_id").asText());
                        indices.add(create.path("_index").asText());
                    }
                    action = !action;
                }
            }
            int call;
            synchronized (calls) {
                call = calls.size();
                calls.add(ids);
            }
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Answer a = script.answer(call, ids);
            byte[] bytes = JSON.writeValueAsBytes(body(a, ids, indices));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(a.httpStatus(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = (exchange.getRequestURI().getPath().endsWith("/_search")
                    ? "{\"took\":1,\"timed_out\":false,\"_shards\":{\"total\":0,\"successful\":0,\"skipped\":0,\"failed\":0},"
                            + "\"hits\":{\"hits\":[]}}"
                    : "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private static ObjectNode body(Answer a, List<String> ids, List<String> indices) {
        ObjectNode body = JSON.createObjectNode();
        if (a.httpStatus() != 200) {
            body.putObject("error").put("type", "unavailable_shards_exception").put("reason", "scripted");
            body.put("status", a.httpStatus());
            return body;
        }
        body.put("took", 1).put("errors", a.itemStatuses().stream().anyMatch(s -> s >= 300));
        ArrayNode items = body.putArray("items");
        for (int i = 0; i < ids.size(); i++) {
            int s = a.itemStatuses().get(i);
            ObjectNode c = items.addObject().putObject("create");
            c.put("_index", indices.get(i)).put("_id", ids.get(i)).put("status", s);
            if (s == 409) {
                c.putObject("error").put("type", "version_conflict_engine_exception").put("reason", "exists");
            } else if (s == 400) {
                c.putObject("error").put("type", "document_parsing_exception")
                        .put("reason", "[1:80] failed to parse field [source.ip] of type [ip] in document with id '"
                                + ids.get(i) + "'. Preview of field's value: 'password=hunter2secret'");
            } else if (s >= 300) {
                c.putObject("error").put("type", s == 429 ? "es_rejected_execution_exception" : "node_closed_exception")
                        .put("reason", "scripted");
            } else {
                c.put("result", "created").put("_version", 1).put("_seq_no", i).put("_primary_term", 1);
                c.putObject("_shards").put("total", 1).put("successful", 1).put("failed", 0);
            }
        }
        return body;
    }

    /** @param s how to answer from now on */
    public void script(Script s) {
        this.script = s;
    }

    /** Holds every answer until {@link #open()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Releases held and future answers. */
    public void open() {
        gate.countDown();
    }

    /** @return the {@code _id}s of each call so far */
    public List<List<String>> calls() {
        return calls;
    }

    /** @return the port */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops answering; requests are refused. */
    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
    }
}
