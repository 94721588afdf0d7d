package dev.weir.console.services;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One rolling view of a service or route as the query API answers it.
 *
 * @param window     1m, 5m, 15m or 1h
 * @param requests   requests in the view
 * @param rate       requests per second over the view
 * @param errors5xx  requests answered 5xx
 * @param errorRatio errors5xx / requests
 * @param errorLogs  ERROR/FATAL log lines
 * @param logs       log lines
 * @param p50        latency quantiles in ms, null without latencies
 * @param p95        95th percentile
 * @param p99        99th percentile
 */
public record View(String window, long requests, double rate, long errors5xx, double errorRatio, long errorLogs, long logs,
                   Double p50, Double p95, Double p99) {

    /** An empty view. */
    public static View empty(String window) {
        return new View(window, 0, 0, 0, 0, 0, 0, null, null, null);
    }

    /** @param w a {@code WindowStats} of the query API */
    public static View of(JsonNode w) {
        String name = w.path("window").asText();
        long seconds = switch (name) {
            case "1m" -> 60;
            case "5m" -> 300;
            case "15m" -> 900;
            default -> 3600;
        };
        JsonNode q = w.path("latencyMs");
        long requests = w.path("requests").asLong();
        return new View(name, requests, (double) requests / seconds, w.path("errors5xx").asLong(), w.path("errorRatio").asDouble(),
                w.path("errorLogs").asLong(), w.path("logs").asLong(), number(q, "p50"), number(q, "p95"), number(q, "p99"));
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? null : v.asDouble();
    }
}
