package dev.weir.processor.rules;

import dev.weir.common.kafka.KafkaClients;
import dev.weir.common.kafka.KafkaSettings;
import dev.weir.common.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

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
        String bootstrapServers = kafka.bootstrapServers();
        Set<String> existing = liveKeys(kafka, topic);
        List<String> deleted = new ArrayList<>(existing.stream().filter(k -> !set.files().containsKey(k)).sorted().toList());
        Map<String, Object> props = KafkaClients.producer(kafka, "weir-rules-apply");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, String> f : set.files().entrySet()) {
                sent.add(producer.send(new ProducerRecord<>(topic, f.getKey(), f.getValue())));
            }
            for (String k : deleted) {
                sent.add(producer.send(new ProducerRecord<>(topic, k, null)));
            }
            producer.flush();
            for (Future<?> f : sent) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Publishing rules to " + topic + " at " + bootstrapServers + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing rules", e);
        }
        return new Result(set.rules().size(), List.copyOf(set.files().keySet()), deleted);
    }

    /** Keys of the topic whose latest record is not a tombstone, read from the beginning to the end offsets. */
    static Set<String> liveKeys(KafkaSettings kafka, String topic) {
        Map<String, Object> props = KafkaClients.consumer(kafka, "weir-rules-apply");
        props.remove("group.id");
        Map<String, String> latest = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read topic " + topic + " to its end within 30 s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), r.value());
                }
            }
        }
        return latest.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
