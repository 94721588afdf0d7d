package dev.weir.processor.rules;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kibana Discover links for alerts: the alert's service (and source IP, user, fingerprint) over its time range. */
final class Kibana {
    private Kibana() {
    }

    /**
     * @param baseUrl e.g. {@code http://kibana:5601}, without trailing slash
     * @param labels  the alert's labels
     * @param from    start of the range
     * @param to      end of the range, or {@code null} for "now"
     * @return the Discover URL
     */
    static String discover(String baseUrl, Map<String, String> labels, Instant from, Instant to) {
        List<String> terms = new ArrayList<>();
        term(terms, "service.name", labels.get("service"));
        term(terms, "source.ip", labels.get("source_ip"));
        term(terms, "user.name", labels.get("user_name"));
        term(terms, "weir.error_fingerprint", labels.get("fingerprint"));
        String query = String.join(" and ", terms);
        // Rison inside the URL fragment: strings in single quotes, ' and ! escaped with !.
        String rison = "'" + query.replace("!", "!!").replace("'", "!'") + "'";
        return baseUrl + "/app/discover#/?_g=(time:(from:'" + from + "',to:" + (to == null ? "now" : "'" + to + "'") + "))"
                + "&_a=(query:(language:kuery,query:" + URLEncoder.encode(rison, StandardCharsets.UTF_8).replace("+", "%20") + "))";
    }

    private static void term(List<String> terms, String field, String value) {
        if (value != null) {
            terms.add(field + ":\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
    }
}
