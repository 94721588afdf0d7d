package dev.weir.processor.rules;

import dev.weir.common.kafka.Topics;
import java.util.Objects;

/**
 * The topics the rules read and write.
 *
 * @param requests clean requests, key service ({@value Topics#REQUESTS})
 * @param logs     clean logs, key service ({@value Topics#LOGS})
 * @param rules    compacted rule files, key file name, value YAML text ({@value Topics#RULES})
 * @param alerts   alert state changes, key fingerprint ({@value Topics#ALERTS})
 */
public record RulesTopics(String requests, String logs, String rules, String alerts) {
    /** Weir's topics. */
    public static final RulesTopics DEFAULT = new RulesTopics(Topics.REQUESTS, Topics.LOGS, Topics.RULES, Topics.ALERTS);

    public RulesTopics {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(logs, "logs");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(alerts, "alerts");
    }

    /**
     * @param prefix e.g. {@code it-7.}
     * @return the same names with a prefix, for tests that must not share topics
     */
    public RulesTopics prefixed(String prefix) {
        return new RulesTopics(prefix + requests, prefix + logs, prefix + rules, prefix + alerts);
    }
}
