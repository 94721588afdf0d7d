package dev.weir.processor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.schemas.ErrorInfo;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.HttpInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.time.Instant;
import java.util.Map;

/**
 * An event written as the JSON an agent sends (the input contract of {@code schemas/README.md}), so that tests can state
 * the event they mean as a typed value and still feed the processor the bytes it reads in production. The fields the
 * normaliser computes itself (the route, the login flag, an error's fingerprint, {@code received_at}) are not written.
 */
public final class AgentJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentJson() {
    }

    /**
     * @param e a request event
     * @return its JSON as an agent writes it: {@code path} is the event's path (its route when they differ, as a test
     *         that sets only the route means)
     */
    public static String of(RequestEvent e) {
        ObjectNode n = head(e.getTimestamp(), e.getId(), e.getService(), e.getEnvironment(), e.getHost());
        n.put("method", e.getMethod());
        n.put("path", e.getRoute() != null && !e.getRoute().equals(e.getPath()) ? e.getRoute() : e.getPath());
        n.put("status", e.getStatus());
        if (e.getDurationMs() != null) {
            n.put("duration_ms", e.getDurationMs());
        }
        if (e.getBytes() != null) {
            n.put("bytes", e.getBytes());
        }
        putIf(n, "client_ip", e.getClientIp());
        putIf(n, "user_agent", e.getUserAgent());
        putIf(n, "user_name", e.getUserName());
        putIf(n, "trace.id", e.getTraceId());
        labels(n, e.getLabels());
        ecs(n, e.getEcs());
        return n.toString();
    }

    /**
     * @param e a log event
     * @return its JSON as an agent writes it
     */
    public static String of(LogEvent e) {
        ObjectNode n = head(e.getTimestamp(), e.getId(), e.getService(), e.getEnvironment(), e.getHost());
        if (e.getLevel() != null) {
            n.put("level", e.getLevel().name());
        }
        n.put("message", e.getMessage());
        putIf(n, "logger", e.getLogger());
        putIf(n, "thread", e.getThread());
        putIf(n, "trace.id", e.getTraceId());
        putIf(n, "span.id", e.getSpanId());
        ErrorInfo error = e.getError();
        if (error != null) {
            putIf(n, "error.type", error.getType());
            putIf(n, "error.message", error.getMessage());
            putIf(n, "error.stack_trace", error.getStackTrace());
        }
        EventInfo event = e.getEvent();
        if (event != null) {
            putIf(n, "event.category", event.getCategory());
            putIf(n, "event.action", event.getAction());
            putIf(n, "event.outcome", event.getOutcome());
            if (event.getDurationNs() != null) {
                n.put("event.duration", event.getDurationNs());
            }
        }
        putIf(n, "user.name", e.getUserName());
        putIf(n, "source.ip", e.getSourceIp());
        if (e.getSourcePort() != null) {
            n.put("source.port", e.getSourcePort());
        }
        HttpInfo http = e.getHttp();
        if (http != null) {
            putIf(n, "http.request.method", http.getMethod());
            putIf(n, "url.path", http.getPath() != null ? http.getPath() : http.getRoute());
            if (http.getStatus() != null) {
                n.put("http.response.status_code", http.getStatus());
            }
            if (http.getDurationMs() != null) {
                n.put("duration_ms", http.getDurationMs());
            }
        }
        if (e.getCount() != 1) {
            n.put("weir.count", e.getCount());
        }
        labels(n, e.getLabels());
        ecs(n, e.getEcs());
        return n.toString();
    }

    /** The fields every event has: time, id, service, environment, host. */
    private static ObjectNode head(Instant timestamp, String id, String service, String environment, String host) {
        ObjectNode n = JSON.createObjectNode();
        n.put("@timestamp", timestamp.toString());
        n.put("event.id", id);
        n.put("service", service);
        putIf(n, "environment", environment);
        putIf(n, "host", host);
        return n;
    }

    /** ECS fields the event keeps in its {@code ecs} map, under their dotted names as an agent sends them. */
    private static void ecs(ObjectNode n, Map<String, Object> ecs) {
        if (ecs == null) {
            return;
        }
        ecs.forEach((field, value) -> {
            if (value instanceof Long l) {
                n.put(field, l);
            } else if (value instanceof Double d) {
                n.put(field, d);
            } else if (value instanceof Boolean b) {
                n.put(field, b);
            } else if (value instanceof java.util.List<?> list) {
                com.fasterxml.jackson.databind.node.ArrayNode array = n.putArray(field);
                list.forEach(v -> array.add(String.valueOf(v)));
            } else {
                n.put(field, String.valueOf(value));
            }
        });
    }

    private static void labels(ObjectNode n, Map<String, String> labels) {
        labels.forEach(n::put); // a field the contract does not name is a label
    }

    private static void putIf(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
