package dev.weir.processor.rules;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the rules part.
 *
 * @param rules              the rule set used while {@code weir.rules} is empty (e.g. {@link RuleSet#defaults()});
 *                           once the topic holds files, they are the rule set
 * @param kibanaBaseUrl      e.g. {@code http://kibana:5601}; {@code null} for alerts without a Kibana link
 * @param evaluationInterval how often (wall clock) rules are re-evaluated without events: absence, alerts
 *                           whose window emptied, rule reloads from the topic
 * @param clock              clock for {@code updated_at}; wall-clock evaluation uses the Streams wall clock
 */
public record RulesSettings(RuleSet rules, String kibanaBaseUrl, Duration evaluationInterval, Clock clock) {
    public RulesSettings {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(clock, "clock");
        if (evaluationInterval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("Invalid value " + evaluationInterval
                    + " for evaluationInterval: must be at least 10ms");
        }
        if (kibanaBaseUrl != null && kibanaBaseUrl.endsWith("/")) {
            kibanaBaseUrl = kibanaBaseUrl.substring(0, kibanaBaseUrl.length() - 1);
        }
    }

    /**
     * @param rules the rules
     * @return settings with no Kibana link, 1 s evaluation interval and the UTC system clock
     */
    public static RulesSettings of(RuleSet rules) {
        return new RulesSettings(rules, null, Duration.ofSeconds(1), Clock.systemUTC());
    }

    /** @return a copy with a Kibana base URL */
    public RulesSettings withKibana(String url) {
        return new RulesSettings(rules, url, evaluationInterval, clock);
    }

    /** @return a copy with another evaluation interval */
    public RulesSettings withEvaluationInterval(Duration interval) {
        return new RulesSettings(rules, kibanaBaseUrl, interval, clock);
    }

    /** @return a copy with another clock */
    public RulesSettings withClock(Clock c) {
        return new RulesSettings(rules, kibanaBaseUrl, evaluationInterval, c);
    }
}
