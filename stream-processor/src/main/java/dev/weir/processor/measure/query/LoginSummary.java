package dev.weir.processor.measure.query;

import java.util.List;

/**
 * Body of {@code GET /api/v1/security/logins}.
 *
 * @param window  the view, e.g. {@code 1h}, {@code all}, or {@code range} for one given by {@code from}/{@code to}
 * @param asOf    ISO-8601 time of the answer
 * @param from    ISO-8601 start of the first login window covered, or {@code null} for all retained
 * @param to      ISO-8601 time the covered windows reach, or {@code null} for all retained
 * @param sources source IPs with the most failed logins, most first
 * @param users   users with the most failed logins, most first
 */
public record LoginSummary(String window, String asOf, String from, String to, List<Entry> sources, List<Entry> users) {
    /**
     * @param key       source IP or user name
     * @param failures  failed logins in the view
     * @param successes successful logins in the view
     * @param distinct  distinct users (for a source) or source IPs (for a user), at least
     */
    public record Entry(String key, long failures, long successes, int distinct) {
    }
}
