package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ClusterTest {
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition B0 = new TopicPartition("b-repartition", 0);

    @Test
    void shouldSumWhatIsLeftToCommitOverEveryPartition() {
        assertThat(Cluster.lag(Map.of(A0, 100L, A1, 50L), Map.of(A0, 90L, A1, 50L))).isEqualTo(10);
    }

    @Test
    void shouldCountAPartitionTheGroupNeverCommittedFromZero() {
        assertThat(Cluster.lag(Map.of(A0, 100L, B0, 7L), Map.of(A0, 100L))).isEqualTo(7);
    }

    @Test
    void shouldIgnoreCommittedOffsetsBeyondTheEndAndPartitionsNotAskedFor() {
        assertThat(Cluster.lag(Map.of(A0, 100L), Map.of(A0, 101L, A1, 3L))).isZero();
    }
}
