package dev.weir.console.services;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Firing (not resolved) alerts per service, from the emitter's {@code GET /api/v2/alerts}.
 *
 * @param count    firing alerts by service label
 * @param critical services with a firing alert of severity critical
 */
record FiringAlerts(Map<String, Integer> count, Map<String, Boolean> critical) {
    static final FiringAlerts NONE = new FiringAlerts(Map.of(), Map.of());

    static FiringAlerts of(JsonNode alerts) {
        Map<String, Integer> count = new HashMap<>();
        Map<String, Boolean> critical = new HashMap<>();
        for (JsonNode a : alerts) {
            if ("resolved".equals(a.path("status").path("state").asText())) {
                continue;
            }
            String service = a.path("labels").path("service").asText(null);
            if (service != null) {
                count.merge(service, 1, Integer::sum);
                if ("critical".equals(a.path("labels").path("severity").asText())) {
                    critical.put(service, true);
                }
            }
        }
        return new FiringAlerts(count, critical);
    }
}
