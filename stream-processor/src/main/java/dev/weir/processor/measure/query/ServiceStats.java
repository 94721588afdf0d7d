package dev.weir.processor.measure.query;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code GET /api/v1/services/{service}}.
 *
 * @param service the service
 * @param asOf    ISO-8601 end of the views
 * @param windows one entry per view: 1m, 5m, 15m, 1h
 * @param routes  per route: the views of that route
 */
public record ServiceStats(String service, String asOf, List<WindowStats> windows, Map<String, List<WindowStats>> routes) {
}
