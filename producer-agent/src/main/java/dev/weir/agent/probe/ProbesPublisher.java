package dev.weir.agent.probe;

import dev.weir.common.kafka.CompactedTopic;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code weir probes apply DIR}: validates a directory (or file) of probes and makes the probes
 * topic hold exactly them (key = probe name, value = the probe's YAML; probes no longer in DIR get a
 * tombstone). Agents with probes enabled pick the change up within a second. Nothing is published
 * when a probe is invalid.
 */
public final class ProbesPublisher {
    private ProbesPublisher() {
    }

    /**
     * What {@link #apply} did.
     *
     * @param published probe names written
     * @param deleted   probe names removed from the topic
     */
    public record Result(List<String> published, List<String> deleted) {
    }

    /**
     * @param dir              a probe file or a directory of them
     * @param kafka Kafka, with its security settings
     * @param topic            the probes topic ({@value Topics#PROBES})
     * @return what was published
     * @throws ProbeException        when a probe is invalid (the message names file, probe and field); nothing is published
     * @throws IllegalStateException when Kafka does not acknowledge
     */
    public static Result apply(Path dir, KafkaSettings kafka, String topic) {
        ProbeSet set = ProbeSet.load(dir);
        Map<String, String> records = new LinkedHashMap<>();
        set.probes().forEach((name, p) -> records.put(name, p.yaml()));
        List<String> deleted = CompactedTopic.replace(kafka, topic, "weir-probes-apply", records);
        return new Result(List.copyOf(records.keySet()), deleted);
    }
}
