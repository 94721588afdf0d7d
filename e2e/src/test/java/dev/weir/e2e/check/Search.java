package dev.weir.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Elasticsearch's REST API as a user or Kibana asks it: counts, searches, a scroll over every document. */
public final class Search {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param url Elasticsearch's base URL */
    public Search(String url) {
        this.url = url;
    }

    /** @return a {@code {"term": {field: value}}} query */
    public static ObjectNode term(String field, String value) {
        ObjectNode q = JSON.createObjectNode();
        q.putObject("term").put(field, value);
        return q;
    }

    /** @return a {@code {"terms": {field: [values]}}} query */
    public static ObjectNode terms(String field, List<String> values) {
        ObjectNode q = JSON.createObjectNode();
        ArrayNode a = q.putObject("terms").putArray(field);
        values.forEach(a::add);
        return q;
    }

    /** @return a {@code bool} query whose {@code filter} holds every given query */
    public static ObjectNode all(JsonNode... queries) {
        ObjectNode q = JSON.createObjectNode();
        ArrayNode filter = q.putObject("bool").putArray("filter");
        for (JsonNode n : queries) {
            filter.add(n);
        }
        return q;
    }

    /** @return a {@code range} query {@code from <= field <= to} (both bounds: a keyed {@code flattened} field needs them) */
    public static ObjectNode between(String field, String from, String to) {
        ObjectNode q = JSON.createObjectNode();
        q.putObject("range").putObject(field).put("gte", from).put("lte", to);
        return q;
    }

    /**
     * @param texts texts to look for
     * @return a {@code query_string} query for any of the texts as a phrase in any field ({@code *}), lenient about types
     */
    public static ObjectNode anyPhraseAnywhere(List<String> texts) {
        ObjectNode q = JSON.createObjectNode();
        String phrases = String.join(" OR ", texts.stream().map(t -> "\"" + t.replace("\\", "\\\\").replace("\"", "\\\"") + "\"").toList());
        q.putObject("query_string").put("query", phrases).put("default_field", "*").put("lenient", true);
        return q;
    }

    /**
     * @param index an index pattern, e.g. {@code logs-*}
     * @param query the query
     * @return the number of matching documents (0 when no index matches)
     */
    public long count(String index, JsonNode query) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.set("query", query);
        JsonNode r = send("POST", "/" + index + "/_count?ignore_unavailable=true&allow_no_indices=true", body.toString());
        return r.path("count").asLong();
    }

    /**
     * One {@code _msearch} request: how many documents of {@code index} match each query.
     *
     * @return the counts, in the order of {@code queries}
     */
    public List<Long> counts(String index, List<? extends JsonNode> queries) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (JsonNode q : queries) {
            ObjectNode header = JSON.createObjectNode().put("index", index).put("ignore_unavailable", true).put("allow_no_indices", true)
                    .put("expand_wildcards", "open,hidden");
            ObjectNode search = JSON.createObjectNode().put("size", 0).put("track_total_hits", true);
            search.set("query", q);
            body.append(header).append('\n').append(search).append('\n');
        }
        JsonNode r = send("POST", "/_msearch", body.toString(), "application/x-ndjson");
        List<Long> counts = new ArrayList<>();
        for (JsonNode answer : r.path("responses")) {
            if (answer.has("error")) {
                throw new IllegalStateException("Elasticsearch could not run a search: " + answer.path("error"));
            }
            counts.add(answer.path("hits").path("total").path("value").asLong());
        }
        return counts;
    }

    /**
     * Hands every matching document (its {@code _index}, {@code _id} and {@code _source}) to {@code each}, through
     * the scroll API.
     *
     * @param index  index pattern
     * @param query  query
     * @param source the {@code _source} fields to fetch; empty for all
     */
    public void scroll(String index, JsonNode query, List<String> source, Consumer<JsonNode> each) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("size", 5000);
        body.set("query", query);
        if (!source.isEmpty()) {
            ArrayNode fields = body.putArray("_source");
            source.forEach(fields::add);
        }
        body.putArray("sort").add("_doc");
        JsonNode r = send("POST", "/" + index + "/_search?scroll=2m&ignore_unavailable=true&allow_no_indices=true&expand_wildcards=open,hidden", body.toString());
        String scrollId = r.path("_scroll_id").asText(null);
        try {
            while (r.path("hits").path("hits").size() > 0) {
                r.path("hits").path("hits").forEach(each);
                if (scrollId == null) {
                    return;
                }
                r = send("POST", "/_search/scroll", JSON.createObjectNode().put("scroll", "2m").put("scroll_id", scrollId).toString());
                scrollId = r.path("_scroll_id").asText(scrollId);
            }
        } finally {
            if (scrollId != null) {
                send("DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", scrollId).toString());
            }
        }
    }

    /** Makes every index's recent writes searchable. */
    public void refresh() throws IOException, InterruptedException {
        send("POST", "/_refresh", "");
    }

    /** @return the names of every index but the hidden and system ones, with their document counts */
    public JsonNode indices() throws IOException, InterruptedException {
        return send("GET", "/_cat/indices?format=json&expand_wildcards=open,hidden", null);
    }

    private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, "application/json");
    }

    private JsonNode send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404)) {
            throw new IOException("Elasticsearch answered " + r.statusCode() + " to " + method + " " + path + ": "
                    + r.body().substring(0, Math.min(2000, r.body().length())));
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }
}
