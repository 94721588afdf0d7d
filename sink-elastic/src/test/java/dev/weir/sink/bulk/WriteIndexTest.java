package dev.weir.sink.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which documents are looked up in older backing indices before they are created. */
class WriteIndexTest {
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Instant ROLLED = Instant.parse("2026-05-01T12:00:00Z");
    private static final WriteIndex ROLLED_OVER = new WriteIndex(".ds-logs-a-b-2026.05.01-000002", ROLLED.toEpochMilli(), 2);

    @Test
    void shouldLookUpADocumentFromBeforeTheLastRollover() {
        assertThat(ROLLED_OVER.mayHoldEarlierCopy(ROLLED.minusSeconds(3600).toEpochMilli(), SKEW)).isTrue();
    }

    @Test
    void shouldLookUpADocumentWhoseClockMayRunAheadOfElasticsearchAcrossTheRollover() {
        assertThat(ROLLED_OVER.mayHoldEarlierCopy(ROLLED.plusSeconds(299).toEpochMilli(), SKEW)).isTrue();
    }

    @Test
    void shouldNotLookUpADocumentFromWellAfterTheLastRollover() {
        assertThat(ROLLED_OVER.mayHoldEarlierCopy(ROLLED.plus(SKEW).toEpochMilli(), SKEW)).isFalse();
    }

    @Test
    void shouldLookUpARecordWithoutTimestamp() {
        assertThat(ROLLED_OVER.mayHoldEarlierCopy(-1, SKEW)).isTrue();
    }

    @Test
    void shouldNeverLookUpInADataStreamThatWasNeverRolledOver() {
        WriteIndex first = new WriteIndex(".ds-logs-a-b-2026.05.01-000001", ROLLED.toEpochMilli(), 1);
        assertThat(first.mayHoldEarlierCopy(ROLLED.minusSeconds(86_400).toEpochMilli(), SKEW)).isFalse();
    }

    @Test
    void shouldNeverLookUpInADataStreamThatDoesNotExist() {
        assertThat(WriteIndex.ABSENT.mayHoldEarlierCopy(Long.MIN_VALUE, SKEW)).isFalse();
    }

    @Test
    void shouldKeepTheCopyInTheBackingIndexOfTheLowerGeneration() {
        assertThat(EarlierCopies.older(".ds-logs-a-b-2026.05.01-000001", ".ds-logs-a-b-2026.05.02-000002")).isTrue();
        assertThat(EarlierCopies.older(".ds-logs-a-b-2026.05.02-000002", ".ds-logs-a-b-2026.05.01-000001")).isFalse();
    }

    @Test
    void shouldNeverTreatAnIndexWithoutGenerationAsOlder() {
        assertThat(EarlierCopies.older("weir-alerts", ".ds-weir-alerts-2026.05.01-000002")).isFalse();
    }
}
