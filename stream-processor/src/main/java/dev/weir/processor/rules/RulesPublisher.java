package dev.weir.processor.rules;

import dev.weir.common.kafka.CompactedTopic;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code weir rules apply DIR}: validates a directory (or file) of rules and makes the rules topic
 * hold exactly its files (key = file name, value = YAML text; files no longer in DIR get a
 * tombstone). Every processor instance picks the new set up within its evaluation interval.
 * Nothing is published when a rule is invalid.
 */
public final class RulesPublisher {
    private RulesPublisher() {
    }

    /**
     * What {@link #apply} did.
     *
     * @param rules     rules in the published set
     * @param published file names written
     * @param deleted   file names removed from the topic
     */
    public record Result(int rules, List<String> published, List<String> deleted) {
    }

    /**
     * Publishes to {@value Topics#RULES}.
     *
     * @param dir              a rule file or a directory of them
     * @param bootstrapServers Kafka
     * @return what was published
     * @throws RuleException when a rule is invalid (the message names file, rule and field); nothing is published
     * @throws IllegalStateException when Kafka does not acknowledge
     */
    public static Result apply(Path dir, String bootstrapServers) {
        return apply(dir, KafkaSettings.plaintext(bootstrapServers), Topics.RULES);
    }

    /**
     * Publishes to {@value Topics#RULES}.
     *
     * @param dir   a rule file or a directory of them
     * @param kafka the cluster, with its security settings
     * @return what was published
     * @throws RuleException when a rule is invalid (the message names file, rule and field); nothing is published
     * @throws IllegalStateException when Kafka does not acknowledge
     */
    public static Result apply(Path dir, KafkaSettings kafka) {
        return apply(dir, kafka, Topics.RULES);
    }

    /**
     * @param dir              a rule file or a directory of them
     * @param kafka            the cluster
     * @param topic            the rules topic
     * @return what was published
     */
    public static Result apply(Path dir, KafkaSettings kafka, String topic) {
        RuleSet set = RuleSet.load(dir);
        List<String> deleted = CompactedTopic.replace(kafka, topic, "weir-rules-apply", set.files());
        return new Result(set.rules().size(), List.copyOf(set.files().keySet()), deleted);
    }
}
