package dev.weir.common.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Weir's topics when they are missing: event topics with the given partition count,
 * state topics ({@link Topics#COMPACTED}) compacted, with one partition unless they are
 * {@link Topics#PARTITIONED_STATE}. Existing topics are left as they are.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * @param admin an admin client of the target cluster
     * @param partitions partitions of each new topic, at least 1
     * @param replicationFactor replication of each new topic, at least 1
     * @return the topics this call created
     * @throws IllegalStateException when the cluster does not answer within 30 s
     */
    public static List<String> ensure(Admin admin, int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replicationFactor must be at least 1");
        }
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : Topics.ALL) {
                if (existing.contains(name)) {
                    continue;
                }
                boolean single = Topics.COMPACTED.contains(name) && !Topics.PARTITIONED_STATE.contains(name);
                NewTopic topic = new NewTopic(name, single ? 1 : partitions, replicationFactor);
                if (Topics.COMPACTED.contains(name)) {
                    topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                }
                missing.add(topic);
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> f : admin.createTopics(missing).values().entrySet()) {
                try {
                    f.getValue().get(30, TimeUnit.SECONDS);
                    created.add(f.getKey());
                } catch (ExecutionException e) {
                    // Another instance may have created it between our list and create.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            if (!created.isEmpty()) {
                awaitLeaders(admin, created);
                log.info("Created topics {}", created);
            }
            return created;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create Weir's topics: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while creating Weir's topics; "
                    + "check bootstrap.servers", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating Weir's topics", e);
        }
    }

    /**
     * Returns once the leader of every partition of {@code topics} answers for it. Right after creation a
     * partition's leader may not know yet that it leads: a producer's first batch then fails with
     * NOT_LEADER_OR_FOLLOWER, and an idempotent producer (kafka-clients 4.1) was seen retrying its next batches
     * with OUT_OF_ORDER_SEQUENCE_NUMBER for good, so that nothing it sent was ever written.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException, TimeoutException, ExecutionException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                    d.partitions().forEach(p -> partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the partitions' metadata is still on its way to the broker
            }
        }
    }
}
