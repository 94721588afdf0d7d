package dev.weir.bench.scale;

import dev.weir.stack.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/** What the scale benchmarks ask the suite's broker: topics, consumer lag, bytes on disk. Thread-safe. */
public final class Cluster {
    private Cluster() {
    }

    /**
     * @param bootstrap Kafka bootstrap servers
     * @return an admin client of the bench
     */
    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, AdminClientConfig.CLIENT_ID_CONFIG, "bench-scale"));
    }

    /**
     * Deletes every topic (internal ones such as {@code __consumer_offsets} excepted) and waits until they are gone.
     *
     * @param admin the admin client
     * @throws Exception when the broker fails or the topics are not gone within 60 s
     */
    public static void deleteAllTopics(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        Poll.until(Duration.ofSeconds(60), () -> admin.listTopics().names().get(10, TimeUnit.SECONDS).isEmpty(),
                () -> "every topic to be deleted");
    }

    /**
     * Records a consumer group has yet to commit on the given topics: the sum over their partitions
     * of the read-committed end offset minus the group's committed offset (0 when it has none).
     *
     * @param admin  the admin client
     * @param group  the consumer group (a Kafka Streams application id)
     * @param topics topics to look at; missing ones are skipped
     * @return the lag, 0 when the group has committed everything
     * @throws Exception when the broker fails
     */
    public static long lag(Admin admin, String group, Collection<String> topics) throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = topics.stream().filter(existing::contains).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> endOffsets = new HashMap<>();
        ends.forEach((tp, info) -> endOffsets.put(tp, info.offset()));
        Map<TopicPartition, Long> committedOffsets = new HashMap<>();
        committed.forEach((tp, om) -> committedOffsets.put(tp, om == null ? 0 : om.offset()));
        return lag(endOffsets, committedOffsets);
    }

    /**
     * @param ends      end offsets per partition
     * @param committed committed offsets per partition; a partition missing here counts as 0
     * @return the sum over {@code ends} of end minus committed, negative differences counted as 0
     */
    static long lag(Map<TopicPartition, Long> ends, Map<TopicPartition, Long> committed) {
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            sum += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }

    /**
     * @param admin  the admin client
     * @param prefix topic name prefix, e.g. an application id followed by {@code -}
     * @return topics starting with {@code prefix}, sorted
     * @throws Exception when the broker fails
     */
    public static List<String> topicsStartingWith(Admin admin, String prefix) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(prefix)).sorted().toList();
    }

    /**
     * Bytes on the brokers' disks of the matching topics (all partitions and replicas, from
     * {@code describeLogDirs}; segments not yet cleaned or compacted included).
     *
     * @param admin  the admin client
     * @param topics which topics
     * @return bytes per topic, sorted by name
     * @throws Exception when the broker fails
     */
    public static Map<String, Long> topicBytes(Admin admin, Predicate<String> topics) throws Exception {
        List<Integer> brokers = new ArrayList<>();
        for (Node n : admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)) {
            brokers.add(n.id());
        }
        Map<String, Long> bytes = new TreeMap<>();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                    if (topics.test(e.getKey().topic())) {
                        bytes.merge(e.getKey().topic(), e.getValue().size(), Long::sum);
                    }
                }
            }
        }
        return bytes;
    }
}
