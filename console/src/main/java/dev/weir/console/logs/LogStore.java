package dev.weir.console.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.console.upstream.Upstream;
import dev.weir.console.upstream.UpstreamException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the console reads from Elasticsearch: the log data streams ({@code logs-*}, as the sink
 * writes them) and the dead-letter data stream ({@code weir-deadletter}). Queries are built as
 * JSON trees, never by pasting text; the user's query string goes to Elasticsearch's
 * {@code query_string} query as a value. Thread-safe.
 */
public final class LogStore {
    /** The log data streams: application, security and access logs of every service. */
    public static final String LOGS = "logs-*";
    /** The dead-letter data stream. */
    public static final String DEAD_LETTERS = "weir-deadletter";
    private static final String OPTIONS = "?ignore_unavailable=true&allow_no_indices=true";
    private static final Pattern INDEX = Pattern.compile("[a-z0-9._-]{1,255}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,512}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Upstream es;

    /** @param es Elasticsearch */
    public LogStore(Upstream es) {
        this.es = Objects.requireNonNull(es, "es");
    }

    /**
     * One page of a search.
     *
     * @param total  hits in all (at least; Elasticsearch counts exactly up to its track limit)
     * @param lines  this page, newest first
     */
    public record Page(long total, List<LogLine> lines) {
    }

    /**
     * @param q the search
     * @return one page of the matching lines, newest first
     * @throws UpstreamException when Elasticsearch is unreachable or rejects the query (e.g. a syntax error)
     */
    public Page search(LogQuery q) {
        ObjectNode body = JSON.createObjectNode();
        body.put("from", q.page() * LogQuery.PAGE_SIZE).put("size", LogQuery.PAGE_SIZE).put("track_total_hits", true);
        sortByTime(body, "desc");
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        range(filter, q.from(), q.to());
        term(filter, "service.name", q.service());
        term(filter, "log.level", q.level());
        term(filter, "event.id", q.eventId());
        term(filter, "trace.id", q.traceId());
        if (!q.text().isEmpty()) {
            bool.putArray("must").addObject().putObject("query_string").put("query", q.text())
                    .put("default_operator", "AND").put("lenient", true);
        }
        JsonNode answer = es.send("POST", "/" + LOGS + "/_search" + OPTIONS, body.toString(), null);
        return new Page(answer.path("hits").path("total").path("value").asLong(), lines(answer));
    }

    /**
     * @param index the backing index, as a search hit names it
     * @param id    the document id
     * @return the line, or null when there is none (or the index or id cannot be one of ours)
     */
    public LogLine event(String index, String id) {
        if (index == null || id == null || !INDEX.matcher(index).matches() || !ID.matcher(id).matches()) {
            return null;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("query").putObject("ids").putArray("values").add(id);
        List<LogLine> found = lines(es.send("POST", "/" + index + "/_search" + OPTIONS, body.toString(), null));
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * "Around this line": the lines of the same service just before and after it.
     *
     * @param line  the line
     * @param count lines on each side
     * @return the context, oldest first, the line itself included
     */
    public List<LogLine> around(LogLine line, int count) {
        List<LogLine> before = side(line, count, "lte", "desc");
        List<LogLine> after = side(line, count, "gte", "asc");
        List<LogLine> out = new ArrayList<>();
        for (int i = before.size() - 1; i >= 0; i--) {
            out.add(before.get(i));
        }
        out.add(line);
        out.addAll(after);
        return out;
    }

    private List<LogLine> side(LogLine line, int count, String op, String order) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", count);
        sortByTime(body, order);
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("range").putObject("@timestamp").put(op, line.timestamp().toString());
        term(filter, "service.name", line.service());
        bool.putArray("must_not").addObject().putObject("ids").putArray("values").add(line.id());
        return lines(es.send("POST", "/" + LOGS + "/_search" + OPTIONS, body.toString(), null));
    }

    /**
     * @param service the service
     * @param since   how far back
     * @param count   at most this many
     * @return its ERROR and FATAL lines, newest first
     */
    public List<LogLine> recentErrors(String service, Instant since, int count) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", count);
        sortByTime(body, "desc");
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("range").putObject("@timestamp").put("gte", since.toString());
        term(filter, "service.name", service);
        filter.addObject().putObject("terms").putArray("log.level").add("error").add("fatal");
        return lines(es.send("POST", "/" + LOGS + "/_search" + OPTIONS, body.toString(), null));
    }

    /**
     * An error fingerprint of a service with its count in the view.
     *
     * @param fingerprint {@code weir.error_fingerprint}
     * @param count       lines with it in the view
     * @param errorType   {@code error.type} of its latest line
     * @param message     {@code message} of its latest line
     * @param firstSeen   its earliest line in the index
     * @param isNew       first seen within the view
     */
    public record Fingerprint(String fingerprint, long count, String errorType, String message, Instant firstSeen, boolean isNew) {
    }

    /**
     * @param service the service
     * @param since   start of the view
     * @param count   at most this many
     * @return its most frequent error fingerprints since {@code since}, most first; "new" when none of
     *         their lines is older than {@code since}
     */
    public List<Fingerprint> fingerprints(String service, Instant since, int count) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 0);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.addObject().putObject("range").putObject("@timestamp").put("gte", since.toString());
        term(filter, "service.name", service);
        filter.addObject().putObject("exists").put("field", "weir.error_fingerprint");
        ObjectNode terms = body.putObject("aggs").putObject("fp");
        terms.putObject("terms").put("field", "weir.error_fingerprint").put("size", count);
        ObjectNode latest = terms.putObject("aggs").putObject("latest").putObject("top_hits");
        latest.put("size", 1);
        latest.putArray("sort").addObject().putObject("@timestamp").put("order", "desc");
        JsonNode answer = es.send("POST", "/" + LOGS + "/_search" + OPTIONS, body.toString(), null);
        List<String> keys = new ArrayList<>();
        for (JsonNode b : answer.path("aggregations").path("fp").path("buckets")) {
            keys.add(b.path("key").asText());
        }
        Map<String, Instant> first = firstSeen(service, keys);
        List<Fingerprint> out = new ArrayList<>();
        for (JsonNode b : answer.path("aggregations").path("fp").path("buckets")) {
            String key = b.path("key").asText();
            Map<String, String> fields = flatten(b.path("latest").path("hits").path("hits").path(0).path("_source"));
            Instant seen = first.get(key);
            out.add(new Fingerprint(key, b.path("doc_count").asLong(), fields.getOrDefault("error.type", ""),
                    fields.getOrDefault("message", ""), seen, seen != null && !seen.isBefore(since)));
        }
        return out;
    }

    private Map<String, Instant> firstSeen(String service, List<String> fingerprints) {
        Map<String, Instant> out = new TreeMap<>();
        if (fingerprints.isEmpty()) {
            return out;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 0);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        term(filter, "service.name", service);
        ArrayNode values = filter.addObject().putObject("terms").putArray("weir.error_fingerprint");
        fingerprints.forEach(values::add);
        ObjectNode terms = body.putObject("aggs").putObject("fp");
        terms.putObject("terms").put("field", "weir.error_fingerprint").put("size", fingerprints.size());
        terms.putObject("aggs").putObject("first").putObject("min").put("field", "@timestamp");
        JsonNode answer = es.send("POST", "/" + LOGS + "/_search" + OPTIONS, body.toString(), null);
        for (JsonNode b : answer.path("aggregations").path("fp").path("buckets")) {
            JsonNode first = b.path("first").path("value");
            if (first.isNumber()) {
                out.put(b.path("key").asText(), Instant.ofEpochMilli(first.asLong()));
            }
        }
        return out;
    }

    /**
     * Dead letters of one reason.
     *
     * @param reason  {@code weir.dlq.reason}
     * @param count   dead letters with it in the view
     * @param samples its latest dead letters
     */
    public record DeadLetters(String reason, long count, List<LogLine> samples) {
    }

    /**
     * @param since   start of the view
     * @param samples samples per reason
     * @return dead letters by reason since {@code since}, most first, with samples
     */
    public List<DeadLetters> deadLetters(Instant since, int samples) {
        ObjectNode body = JSON.createObjectNode();
        body.put("size", 0);
        body.putObject("query").putObject("range").putObject("@timestamp").put("gte", since.toString());
        ObjectNode terms = body.putObject("aggs").putObject("reason");
        terms.putObject("terms").put("field", "weir.dlq.reason").put("size", 50);
        ObjectNode latest = terms.putObject("aggs").putObject("latest").putObject("top_hits");
        latest.put("size", samples);
        latest.putArray("sort").addObject().putObject("@timestamp").put("order", "desc");
        JsonNode answer = es.send("POST", "/" + DEAD_LETTERS + "/_search" + OPTIONS, body.toString(), null);
        List<DeadLetters> out = new ArrayList<>();
        for (JsonNode b : answer.path("aggregations").path("reason").path("buckets")) {
            List<LogLine> lines = new ArrayList<>();
            b.path("latest").path("hits").path("hits").forEach(h -> lines.add(line(h)));
            out.add(new DeadLetters(b.path("key").asText(), b.path("doc_count").asLong(), lines));
        }
        return out;
    }

    /** @return Elasticsearch's URL */
    public String url() {
        return es.base().toString();
    }

    /** @return Elasticsearch's cluster health: {@code green}, {@code yellow} or {@code red} */
    public String clusterHealth() {
        return es.get("/_cluster/health", null).path("status").asText("unknown");
    }

    private static void sortByTime(ObjectNode body, String order) {
        body.putArray("sort").addObject().putObject("@timestamp").put("order", order).put("unmapped_type", "date");
    }

    private static void range(ArrayNode filter, Instant from, Instant to) {
        filter.addObject().putObject("range").putObject("@timestamp").put("gte", from.toString()).put("lte", to.toString());
    }

    private static void term(ArrayNode filter, String field, String value) {
        if (value != null && !value.isEmpty()) {
            filter.addObject().putObject("term").put(field, value);
        }
    }

    private static List<LogLine> lines(JsonNode answer) {
        List<LogLine> out = new ArrayList<>();
        answer.path("hits").path("hits").forEach(h -> out.add(line(h)));
        return out;
    }

    private static LogLine line(JsonNode hit) {
        Map<String, String> f = flatten(hit.path("_source"));
        Instant ts;
        try {
            ts = Instant.parse(f.getOrDefault("@timestamp", ""));
        } catch (RuntimeException e) {
            ts = Instant.EPOCH;
        }
        String level = f.getOrDefault("log.level", f.getOrDefault("http.response.status_code", f.getOrDefault("weir.dlq.reason", "")));
        return new LogLine(hit.path("_index").asText(), hit.path("_id").asText(), ts, f.getOrDefault("service.name", ""), level,
                f.getOrDefault("message", ""), f.get("trace.id"), f);
    }

    /**
     * @param source a document's {@code _source}, with dotted or nested names alike
     * @return every scalar field by its dotted name, sorted; arrays as their JSON text
     */
    static Map<String, String> flatten(JsonNode source) {
        Map<String, String> out = new TreeMap<>();
        flatten("", source, out);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            boolean scalars = true;
            for (JsonNode n : node) {
                scalars &= n.isValueNode();
            }
            if (scalars) {
                List<String> values = new ArrayList<>();
                node.forEach(n -> values.add(n.asText()));
                out.put(prefix, String.join(", ", values));
            } else {
                out.put(prefix, node.toString());
            }
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    /** @return how long ago to look for a service's recent errors and fingerprints */
    public static Duration serviceView() {
        return Duration.ofHours(1);
    }
}
