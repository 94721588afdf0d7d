package dev.weir.console.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A silence as the emitter lists it.
 *
 * @param id        its id
 * @param matchers  its matchers, as {@code name="value"} / {@code name=~"re"} ...
 * @param state     {@code active}, {@code pending} or {@code expired}
 * @param startsAt  start
 * @param endsAt    end
 * @param createdBy author
 * @param comment   why
 */
public record SilenceItem(String id, List<String> matchers, String state, Instant startsAt, Instant endsAt, String createdBy,
                          String comment) {

    /** @param s one silence of the emitter's API */
    public static SilenceItem of(JsonNode s) {
        List<String> ms = new ArrayList<>();
        for (JsonNode m : s.path("matchers")) {
            boolean regex = m.path("isRegex").asBoolean(false);
            boolean equal = m.path("isEqual").asBoolean(true);
            String op = regex ? (equal ? "=~" : "!~") : (equal ? "=" : "!=");
            ms.add(m.path("name").asText() + op + "\"" + m.path("value").asText() + "\"");
        }
        return new SilenceItem(s.path("id").asText(), ms, s.path("status").path("state").asText(""),
                parse(s.path("startsAt").asText(null)), parse(s.path("endsAt").asText(null)), s.path("createdBy").asText(""),
                s.path("comment").asText(""));
    }

    private static Instant parse(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
