package dev.weir.sink.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.sink.document.IndexDoc;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchTest {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    private static Batch.Entry entry(int partition, long offset, int bytes) {
        return new Batch.Entry(new ConsumerRecord<>("weir.logs", partition, offset, null, new byte[1]),
                new IndexDoc("logs-a-b", "id" + offset, new byte[bytes], 0L), null);
    }

    @Test
    void shouldBeFullAtTheDocumentCount() {
        Batch b = new Batch(T);
        b.add(entry(0, 0, 10));
        b.add(entry(0, 1, 10));
        assertThat(b.isFull(2, 1_000)).isTrue();
        assertThat(b.isFull(3, 1_000)).isFalse();
    }

    @Test
    void shouldNotTakADocumentThatWouldPassTheByteLimit() {
        Batch b = new Batch(T);
        b.add(entry(0, 0, 600));
        assertThat(b.fits(500, 100, 1_000)).isFalse();
        assertThat(b.fits(400, 100, 1_000)).isTrue();
    }

    @Test
    void shouldTakeAnyOneDocumentWhenEmpty() {
        assertThat(new Batch(T).fits(10_000_000, 100, 1_000)).isTrue();
    }

    @Test
    void shouldBeDueOnceItsFirstRecordWaitedTheFlushInterval() {
        Batch b = new Batch(T);
        b.add(entry(0, 0, 1));
        assertThat(b.isDue(T.plusMillis(999), Duration.ofSeconds(1))).isFalse();
        assertThat(b.isDue(T.plusMillis(1000), Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void shouldCommitTheOffsetAfterTheLastRecordOfEachPartition() {
        Batch b = new Batch(T);
        b.add(entry(0, 7, 1));
        b.add(entry(1, 3, 1));
        b.add(entry(0, 8, 1));
        assertThat(b.offsetsToCommit()).hasSize(2);
        assertThat(b.offsetsToCommit().get(new TopicPartition("weir.logs", 0)).offset()).isEqualTo(9);
        assertThat(b.offsetsToCommit().get(new TopicPartition("weir.logs", 1)).offset()).isEqualTo(4);
    }

    @Test
    void shouldCommitPastATombstoneWithoutSendingIt() {
        Batch b = new Batch(T);
        b.add(new Batch.Entry(new ConsumerRecord<>("weir.alerts", 0, 4, null, null), null, null));
        assertThat(b.docs()).isZero();
        assertThat(b.offsetsToCommit().get(new TopicPartition("weir.alerts", 0)).offset()).isEqualTo(5);
    }
}
