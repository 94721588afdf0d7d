package dev.weir.processor.measure.query;

/**
 * One window of a service (or route) in a per-window time series.
 *
 * @param start      ISO-8601 start of the window
 * @param requests   requests served
 * @param errors4xx  requests answered 4xx
 * @param errors5xx  requests answered 5xx
 * @param errorLogs  ERROR/FATAL log events
 * @param logs       log events
 * @param errorRatio errors5xx / requests; 0 without requests
 * @param p50        median latency in ms, or {@code null} without latencies
 * @param p95        95th percentile in ms, or {@code null}
 * @param p99        99th percentile in ms, or {@code null}
 */
public record SeriesPoint(String start, long requests, long errors4xx, long errors5xx, long errorLogs, long logs,
                          double errorRatio, Double p50, Double p95, Double p99) {
}
