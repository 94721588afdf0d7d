package dev.weir.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.kafka.Topics;
import java.time.Duration;
import java.time.Instant;

/**
 * Raw events whose only varying label is one kind of key, for measuring how state grows with
 * cardinality: event {@code i} of {@code n} carries the {@code i}-th distinct key of its kind and
 * nothing else that differs. Every event of a load lies in one 1-minute window (and so in one
 * 5-minute login window), so no window closes and every key's state is still open when measured.
 *
 * <p>Thread-safe.
 */
public enum DistinctKeys {
    /** Request events {@code GET /orders} answered 200, one service {@code svc-<i>} each, on {@code weir.raw.requests}. */
    SERVICES("distinct services", "request events `GET /orders` (200, 12.5 ms), service `svc-<i>`, on `weir.raw.requests`"),
    /** Request events of one service ({@code catalog}), route {@code /api/r<i>}, on {@code weir.raw.requests}. */
    ROUTES("distinct routes of one service",
            "request events of the service `catalog`, `GET /api/r<i>` (200, 12.5 ms; the templater keeps `r<i>`), on `weir.raw.requests`"),
    /** Failed logins: ECS authentication log events of the service {@code auth}, user {@code user-<i>} from IP number {@code i}. */
    LOGINS("distinct users and distinct source IPs",
            "ECS log events of the service `auth` with `event.category: authentication`, `event.outcome: failure`, "
                    + "`user.name: user-<i>`, `source.ip` the i-th address of 10.0.0.0/8, on `weir.raw.logs`: n distinct users and n "
                    + "distinct IPs, one failure each");

    /** How far the events of one load are spread, within one 1-minute window. */
    static final Duration SPREAD = Duration.ofSeconds(50);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;
    private final String description;

    DistinctKeys(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** @return what grows, e.g. "distinct services" */
    public String label() {
        return label;
    }

    /** @return the events, in Markdown */
    public String description() {
        return description;
    }

    /** @return the raw topic the events go to */
    public String topic() {
        return this == LOGINS ? Topics.RAW_LOGS : Topics.RAW_REQUESTS;
    }

    /**
     * @param i event number, from 0
     * @return the record key: the service, as agents send it
     */
    public String key(int i) {
        return switch (this) {
            case SERVICES -> "svc-" + i;
            case ROUTES -> "catalog";
            case LOGINS -> "auth";
        };
    }

    /**
     * @param i    event number, from 0; at most 2^24 - 1 for {@link #LOGINS}
     * @param time its event time
     * @return the raw JSON event
     */
    public ObjectNode event(int i, Instant time) {
        ObjectNode n = JSON.createObjectNode().put("@timestamp", time.toString());
        return switch (this) {
            case SERVICES -> n.put("service", key(i)).put("method", "GET").put("path", "/orders").put("status", 200)
                    .put("duration_ms", 12.5);
            case ROUTES -> n.put("service", key(i)).put("method", "GET").put("path", "/api/r" + i).put("status", 200)
                    .put("duration_ms", 12.5);
            case LOGINS -> n.put("service.name", key(i)).put("log.level", "WARN").put("message", "Login failed")
                    .put("log.logger", "dev.shop.AuthController").put("event.category", "authentication")
                    .put("event.action", "user-login").put("event.outcome", "failure").put("source.ip", ip(i))
                    .put("user.name", "user-" + i);
        };
    }

    /**
     * @param i a number below 2^24
     * @return the {@code i}-th address of 10.0.0.0/8
     */
    static String ip(int i) {
        if (i < 0 || i >= 1 << 24) {
            throw new IllegalArgumentException("Invalid value " + i + " for the address number: must be in [0, 2^24)");
        }
        return "10." + (i >>> 16 & 255) + "." + (i >>> 8 & 255) + "." + (i & 255);
    }

    /**
     * The event times of a load: spread evenly over {@link #SPREAD} from the start of the minute
     * before {@code now}, so that all lie in one 1-minute window in the past.
     *
     * @param now   the time of the load
     * @param i     event number, from 0
     * @param count events in the load
     * @return the event time of event {@code i}
     */
    static Instant time(Instant now, int i, int count) {
        long minute = Duration.ofMinutes(1).toMillis();
        long start = Math.floorDiv(now.toEpochMilli(), minute) * minute - minute;
        return Instant.ofEpochMilli(start + SPREAD.toMillis() * i / Math.max(1, count));
    }
}
