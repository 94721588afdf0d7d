package dev.weir.processor.measure.query;

import java.util.Map;

/**
 * Counts and latency of one service (or route) over one rolling view.
 *
 * @param window       the view, e.g. {@code 5m}
 * @param requests     requests served
 * @param errors4xx    requests answered 4xx
 * @param errors5xx    requests answered 5xx
 * @param errorLogs    ERROR/FATAL log events
 * @param logs         log events
 * @param lateEvents   events that arrived after their window had closed
 * @param errorRatio   errors5xx / requests; 0 without requests
 * @param latencyCount requests with a duration
 * @param latencyMs    p50, p90, p95, p99, p999, min, max, mean in milliseconds (empty without latencies)
 */
public record WindowStats(String window, long requests, long errors4xx, long errors5xx, long errorLogs, long logs,
                          long lateEvents, double errorRatio, long latencyCount, Map<String, Double> latencyMs) {
}
