package dev.weir.console.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.console.web.Links;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as the emitter's API shows it ({@code /api/v2/alerts} and its groups), read for the page.
 *
 * @param fingerprint   the alert's fingerprint
 * @param name          {@code alertname}
 * @param severity      {@code severity} label, or empty
 * @param state         {@code active}, {@code suppressed} or {@code resolved}
 * @param labels        every label, sorted
 * @param summary       the {@code summary} annotation, or empty
 * @param description   the {@code description} annotation, or empty
 * @param value         the {@code value} annotation (Weir's rules set it), or empty
 * @param threshold     the {@code threshold} annotation, or empty
 * @param startsAt      since when it fires
 * @param endsAt        when it resolved, or null
 * @param runbook       the runbook link when it is an http(s) URL, else null
 * @param logsLink      the Kibana link when the alert has one (http(s) only), else the console's Logs page
 *                      for the alert's service since shortly before it started
 * @param exemplarEventIds event ids of offending events
 * @param exemplarTraceIds trace ids of offending events
 * @param silencedBy    ids of the silences muting it
 * @param acknowledged  whether someone acknowledged it
 */
public record AlertItem(String fingerprint, String name, String severity, String state, Map<String, String> labels,
                        String summary, String description, String value, String threshold, Instant startsAt,
                        Instant endsAt, String runbook, String logsLink, List<String> exemplarEventIds,
                        List<String> exemplarTraceIds, List<String> silencedBy, boolean acknowledged) {

    /** @param a one alert of the emitter's API */
    public static AlertItem of(JsonNode a) {
        Map<String, String> labels = strings(a.path("labels"));
        Map<String, String> ann = strings(a.path("annotations"));
        Instant startsAt = instant(a.path("startsAt").asText(null));
        Instant endsAt = instant(a.path("endsAt").asText(null));
        if (endsAt != null && endsAt.getEpochSecond() <= 0) {
            endsAt = null;
        }
        String state = a.path("status").path("state").asText("active");
        String kibana = Links.external(ann.getOrDefault("kibana_url", a.path("generatorURL").asText("")));
        String service = labels.get("service");
        String logs = kibana != null ? kibana : Links.to("/logs", "service", service, "range", "custom",
                "from", startsAt == null ? null : startsAt.minusSeconds(900).toString(),
                "to", endsAt == null ? null : endsAt.plusSeconds(60).toString());
        List<String> silencedBy = new ArrayList<>();
        a.path("status").path("silencedBy").forEach(n -> silencedBy.add(n.asText()));
        return new AlertItem(a.path("fingerprint").asText(), labels.getOrDefault("alertname", ""),
                labels.getOrDefault("severity", ""), state, labels, ann.getOrDefault("summary", ""),
                ann.getOrDefault("description", ""), ann.getOrDefault("value", ""), ann.getOrDefault("threshold", ""),
                startsAt, endsAt, Links.external(ann.getOrDefault("runbook_url", ann.get("runbook"))), logs,
                list(ann.get("exemplar_event_ids")), list(ann.get("exemplar_trace_ids")), silencedBy,
                a.path("acknowledged").asBoolean(false));
    }

    /** @return whether it still fires (active or silenced) */
    public boolean firing() {
        return !"resolved".equals(state);
    }

    /** @return the matchers a silence of exactly this alert would have, in the page's matcher syntax */
    public String silenceMatchers() {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("alertname", "service")) {
            String v = labels.get(key);
            if (v != null) {
                parts.add(key + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
        }
        return String.join(", ", parts);
    }

    private static List<String> list(String joined) {
        List<String> out = new ArrayList<>();
        if (joined != null) {
            for (String s : joined.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
