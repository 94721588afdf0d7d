package dev.weir.processor.measure.query;

import java.util.List;

/**
 * Body of {@code GET /api/v1/services/{service}/series}.
 *
 * @param service       the service
 * @param asOf          ISO-8601 end of the series
 * @param windowSeconds length of one window
 * @param points        one point per window of the last hour, oldest first, the current (partial) window last
 * @param distribution  the latency distribution of the last hour: requests per latency bucket
 */
public record ServiceSeries(String service, String asOf, long windowSeconds, List<SeriesPoint> points,
                            List<Bucket> distribution) {
    /**
     * @param leMs  upper bound of the bucket in ms ({@code Infinity} for the last)
     * @param count requests in the bucket (from the sketch's bins, so within its relative accuracy of the bound)
     */
    public record Bucket(double leMs, long count) {
    }
}
