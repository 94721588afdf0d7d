package dev.weir.emitter.silence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.emitter.route.Matcher;
import dev.weir.emitter.state.StateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The silences, kept in a {@link StateStore} (the compacted topic {@code weir.silences}) that
 * every instance follows, so that they survive restarts and a silence made on one instance holds
 * on all of them. Expired silences stay listed, as in Alertmanager. Thread-safe.
 */
public final class Silences {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;
    private final Map<String, Silence> silences = new ConcurrentHashMap<>();

    /**
     * Follows {@code store}; returns once its current content is loaded.
     *
     * @param store the silences' store
     */
    public Silences(StateStore store) {
        this.store = store;
        store.start((id, json) -> {
            if (json == null) {
                silences.remove(id);
            } else {
                try {
                    silences.put(id, fromJson(json));
                } catch (IllegalStateException e) {
                    org.slf4j.LoggerFactory.getLogger(Silences.class).error("ignoring silence {}: {}", id, e.getMessage());
                }
            }
        });
    }

    /** Creates or replaces a silence; returns it. */
    public Silence put(Silence s) {
        store.put(s.id(), toJson(s).toString());
        return s;
    }

    /**
     * Expires a silence now.
     *
     * @return false when there is no such silence
     */
    public boolean expire(String id, Instant now) {
        Silence s = silences.get(id);
        if (s == null) {
            return false;
        }
        if (s.endsAt().isAfter(now)) {
            Instant start = s.startsAt().isAfter(now) ? now : s.startsAt();
            put(new Silence(s.id(), s.matchers(), start, now, s.createdBy(), s.comment(), now));
        }
        return true;
    }

    public Optional<Silence> get(String id) {
        return Optional.ofNullable(silences.get(id));
    }

    /** @return all silences, newest first */
    public List<Silence> list() {
        List<Silence> out = new ArrayList<>(silences.values());
        out.sort(Comparator.comparing(Silence::updatedAt).reversed());
        return out;
    }

    /** @return ids of the active silences that mute these labels */
    public List<String> mutedBy(Map<String, String> labels, Instant now) {
        return silences.values().stream().filter(s -> s.mutes(labels, now)).map(Silence::id).sorted().toList();
    }

    /** The API's JSON for a silence: id, matchers (name, value, isRegex, isEqual), times, createdBy, comment. */
    public static ObjectNode toJson(Silence s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", s.id());
        ArrayNode ms = n.putArray("matchers");
        for (Matcher m : s.matchers()) {
            ObjectNode mn = ms.addObject();
            mn.put("name", m.name());
            mn.put("value", m.value());
            mn.put("isRegex", m.type() == Matcher.Type.REGEX || m.type() == Matcher.Type.NOT_REGEX);
            mn.put("isEqual", m.type() == Matcher.Type.EQUAL || m.type() == Matcher.Type.REGEX);
        }
        n.put("startsAt", s.startsAt().toString());
        n.put("endsAt", s.endsAt().toString());
        n.put("createdBy", s.createdBy());
        n.put("comment", s.comment());
        n.put("updatedAt", s.updatedAt().toString());
        return n;
    }

    /**
     * Reads a silence from the API's JSON.
     *
     * @throws IllegalArgumentException with a sentence saying what is wrong
     */
    public static Silence fromJson(JsonNode n, String id, Instant now) {
        return fromJson(n, id, now, true);
    }

    private static Silence fromJson(JsonNode n, String id, Instant now, boolean validate) {
        JsonNode ms = n.path("matchers");
        if (!ms.isArray() || ms.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher");
        }
        List<Matcher> matchers = new ArrayList<>();
        for (JsonNode m : ms) {
            String name = m.path("name").asText("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("every matcher needs a name");
            }
            boolean regex = m.path("isRegex").asBoolean(false);
            boolean equal = m.path("isEqual").asBoolean(true);
            Matcher.Type type = regex ? (equal ? Matcher.Type.REGEX : Matcher.Type.NOT_REGEX)
                    : (equal ? Matcher.Type.EQUAL : Matcher.Type.NOT_EQUAL);
            matchers.add(Matcher.of(name, type, m.path("value").asText("")));
        }
        Instant startsAt = n.hasNonNull("startsAt") ? Instant.parse(n.get("startsAt").asText()) : now;
        if (!n.hasNonNull("endsAt")) {
            throw new IllegalArgumentException("a silence needs endsAt");
        }
        Instant endsAt = Instant.parse(n.get("endsAt").asText());
        if (validate && !endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt");
        }
        return new Silence(id, matchers, startsAt, endsAt, n.path("createdBy").asText(""), n.path("comment").asText(""), now);
    }

    private static Silence fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            Instant updated = Instant.parse(n.get("updatedAt").asText());
            Silence s = fromJson(n, n.get("id").asText(), updated, false);
            return new Silence(s.id(), s.matchers(), Instant.parse(n.get("startsAt").asText()), s.endsAt(),
                    s.createdBy(), s.comment(), updated);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable silence in state store: " + e.getMessage(), e);
        }
    }
}
