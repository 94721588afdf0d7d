package dev.weir.processor.measure.query;

import java.util.List;

/**
 * One service in the body of {@code GET /api/v1/overview}: its rolling views and, for a
 * sparkline, requests and error ratio per window over the last hour.
 *
 * @param service the service
 * @param windows one entry per view: 1m, 5m, 15m, 1h (as in {@link ServiceStats})
 * @param series  one point per window of the last hour, oldest first, the current window last;
 *                latency quantiles left out ({@code null}) to keep the answer small
 */
public record ServiceOverview(String service, List<WindowStats> windows, List<SeriesPoint> series) {
}
