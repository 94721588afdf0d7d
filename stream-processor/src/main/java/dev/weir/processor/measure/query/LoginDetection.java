package dev.weir.processor.measure.query;

import java.util.List;

/**
 * One login window in which a detector's threshold was reached; an entry of
 * {@code GET /api/v1/security/detections}.
 *
 * @param kind        {@code BY_SOURCE} (failed-login burst from one IP), {@code SPRAYING} (many users from one IP),
 *                    {@code SUCCESS_AFTER_FAILURES} (an IP succeeded after failing) or {@code BY_USER_DISTINCT_IPS}
 *                    (one user failing from many IPs)
 * @param key         the source IP, or the user for {@code BY_USER_DISTINCT_IPS}
 * @param windowStart ISO-8601 start of the login window
 * @param failures    failed logins in the window
 * @param successes   successful logins in the window
 * @param distinct    distinct users (per IP) or IPs (per user) among the failures, at least
 * @param sampleUsers some of the user names tried
 * @param exemplarEventIds some of the events' ids
 */
public record LoginDetection(String kind, String key, String windowStart, long failures, long successes, int distinct,
                             List<String> sampleUsers, List<String> exemplarEventIds) {
}
