package dev.weir.processor.query;

import java.util.List;

/**
 * Body of {@code GET /api/v1/security/logins}.
 *
 * @param window  the view, e.g. {@code 1h}
 * @param asOf    ISO-8601 end of the view
 * @param sources source IPs with the most failed logins, most first
 * @param users   users with the most failed logins, most first
 */
public record LoginSummary(String window, String asOf, List<Entry> sources, List<Entry> users) {
    /**
     * @param key       source IP or user name
     * @param failures  failed logins in the view
     * @param successes successful logins in the view
     * @param distinct  distinct users (for a source) or source IPs (for a user), at least
     */
    public record Entry(String key, long failures, long successes, int distinct) {
    }
}
