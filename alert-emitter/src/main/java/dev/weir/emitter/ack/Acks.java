package dev.weir.emitter.ack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.state.StateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledgements of firing alerts, kept in a {@link StateStore} (the compacted topic
 * {@code weir.acks}) that every instance follows: an acknowledgement made on one instance holds
 * on all of them and survives restarts. An acknowledgement belongs to one firing of an alert (its
 * fingerprint and {@code startsAt}): when the alert resolves it ends (the entry is deleted), and a
 * later firing of the same alert is not acknowledged. An acknowledged alert stops its group's
 * escalation. Thread-safe.
 */
public final class Acks {
    private static final Logger log = LoggerFactory.getLogger(Acks.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;
    private final Map<String, Ack> acks = new ConcurrentHashMap<>();

    /**
     * One acknowledgement.
     *
     * @param fingerprint the alert
     * @param startsAt the firing it acknowledges
     * @param by who acknowledged it (may be empty)
     * @param comment why (may be empty)
     * @param at when
     */
    public record Ack(String fingerprint, Instant startsAt, String by, String comment, Instant at) {}

    /**
     * Follows {@code store}; returns once its current content is loaded.
     *
     * @param store the acknowledgements' store
     */
    public Acks(StateStore store) {
        this.store = store;
        store.start((key, value) -> {
            if (value == null) {
                acks.remove(key);
                return;
            }
            try {
                JsonNode n = JSON.readTree(value);
                acks.put(key, new Ack(n.path("fingerprint").asText(), Instant.parse(n.path("startsAt").asText()),
                        n.path("by").asText(""), n.path("comment").asText(""), Instant.parse(n.path("at").asText())));
            } catch (Exception e) {
                log.error("ignoring unreadable acknowledgement {}: {}", key, e.getMessage());
            }
        });
    }

    private static String key(String fingerprint, Instant startsAt) {
        return fingerprint + "@" + startsAt.toEpochMilli();
    }

    /**
     * Acknowledges the current firing of {@code alert}.
     *
     * @return the acknowledgement
     * @throws IllegalStateException when it could not be stored
     */
    public Ack acknowledge(Alert alert, String by, String comment, Instant now) {
        Ack ack = new Ack(alert.fingerprint(), alert.startsAt(), by == null ? "" : by, comment == null ? "" : comment, now);
        ObjectNode n = JSON.createObjectNode();
        n.put("fingerprint", ack.fingerprint());
        n.put("startsAt", ack.startsAt().toString());
        n.put("by", ack.by());
        n.put("comment", ack.comment());
        n.put("at", ack.at().toString());
        store.put(key(alert.fingerprint(), alert.startsAt()), n.toString());
        return ack;
    }

    /**
     * Removes the acknowledgement of the current firing of {@code alert}.
     *
     * @return false when it was not acknowledged
     */
    public boolean unacknowledge(Alert alert) {
        String key = key(alert.fingerprint(), alert.startsAt());
        if (!acks.containsKey(key)) {
            return false;
        }
        store.delete(key);
        return true;
    }

    /** @return the acknowledgement of this firing of {@code alert}, if any */
    public Optional<Ack> get(Alert alert) {
        return Optional.ofNullable(acks.get(key(alert.fingerprint(), alert.startsAt())));
    }

    /** @return whether this firing of {@code alert} is acknowledged */
    public boolean acknowledged(Alert alert) {
        return acks.containsKey(key(alert.fingerprint(), alert.startsAt()));
    }

    /**
     * Ends the acknowledgements of alerts that resolved.
     *
     * @param resolved alerts that are resolved now
     */
    public void endResolved(List<Alert> resolved) {
        for (Alert a : resolved) {
            String key = key(a.fingerprint(), a.startsAt());
            if (acks.containsKey(key)) {
                try {
                    store.delete(key);
                    log.info("acknowledgement of alert {} ended: it resolved", a.fingerprint());
                } catch (RuntimeException e) {
                    log.warn("could not end the acknowledgement of alert {}: {}", a.fingerprint(), e.getMessage());
                }
            }
        }
    }
}
