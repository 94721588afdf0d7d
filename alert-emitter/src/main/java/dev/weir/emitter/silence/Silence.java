package dev.weir.emitter.silence;

import dev.weir.emitter.route.Matcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A silence in Alertmanager's API shape: matchers, a time range, who and why.
 *
 * @param id a UUID
 * @param matchers all must match for an alert to be silenced
 * @param startsAt start of the silence
 * @param endsAt end; expiring a silence sets it to now
 * @param createdBy who created it
 * @param comment why
 * @param updatedAt last change
 */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment, Instant updatedAt) {

    public Silence {
        matchers = List.copyOf(matchers);
    }

    /** {@code active}, {@code pending} or {@code expired} at {@code now}. */
    public String state(Instant now) {
        if (!endsAt.isAfter(now)) {
            return "expired";
        }
        return startsAt.isAfter(now) ? "pending" : "active";
    }

    /** @return whether this silence is active and matches the labels */
    public boolean mutes(Map<String, String> labels, Instant now) {
        return state(now).equals("active") && Matcher.all(matchers, labels);
    }
}
