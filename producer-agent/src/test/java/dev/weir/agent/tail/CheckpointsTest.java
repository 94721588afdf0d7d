package dev.weir.agent.tail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.ship.InputMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path dir;

    private final InputMeters meters = InputMeters.of(new SimpleMeterRegistry(), "app");

    @Test
    void shouldRecordOnlyOffsetsWhoseLinesWereAllAcknowledged() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints.json"));
        FileState state = new FileState("app", 1, 42, 1024, meters, "/var/log/app.log", 0);
        checkpoints.register(state);
        FileState.Pending first = state.track(100);
        FileState.Pending second = state.track(200);
        FileState.Pending third = state.track(300);

        second.delivered();
        third.delivered();
        checkpoints.flush();
        assertThat(new Checkpoints(dir.resolve("checkpoints.json")).load()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(0L);

        first.delivered();
        checkpoints.flush();
        assertThat(new Checkpoints(dir.resolve("checkpoints.json")).load()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(300L);
    }

    @Test
    void shouldMoveTheCheckpointPastABatchOnlyOnceEveryEventOfItIsAcknowledged() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints.json"));
        FileState state = new FileState("app", 1, 42, 1024, meters, "/var/log/app.log", 0);
        checkpoints.register(state);
        FileState.Pending batch = state.newBatch();
        state.track(batch, 4096, 3);

        batch.delivered();
        batch.failed(new IllegalStateException("record too large"));
        checkpoints.flush();
        assertThat(new Checkpoints(dir.resolve("checkpoints.json")).load()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(0L);
        assertThat(meters.sent().count()).isZero();

        batch.delivered();
        checkpoints.flush();
        assertThat(new Checkpoints(dir.resolve("checkpoints.json")).load()).singleElement()
                .extracting(Checkpoints.Entry::offset).isEqualTo(4096L);
        assertThat(meters.sent().count()).isEqualTo(2.0);
        assertThat(meters.failed().count()).isEqualTo(1.0);
    }

    @Test
    void shouldLeaveNoTemporaryFileBehind() throws Exception {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("checkpoints.json"));
        checkpoints.register(new FileState("app", 1, 42, 1024, meters, "/var/log/app.log", 7));

        checkpoints.flush();

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoints.json");
        }
    }

    @Test
    void shouldGiveTheSameEventIdToTheSameLineOfTheSameFile() {
        FileState a = new FileState("app", 1, 42, 16, meters, "/x", 0);
        FileState b = new FileState("app", 1, 42, 16, meters, "/x", 0);
        a.head("0123456789abcdefXYZ".getBytes());
        b.head("0123456789abcdefXYZ".getBytes());

        assertThat(a.eventId(40, 60)).isEqualTo(b.eventId(40, 60));
        assertThat(a.eventId(0, 5)).isEqualTo(b.eventId(0, 5));
        assertThat(a.eventId(40, 60)).isNotEqualTo(a.eventId(60, 80));
    }

    @Test
    void shouldGiveDifferentEventIdsToADifferentFileOnAReusedInode() {
        FileState before = new FileState("app", 1, 42, 16, meters, "/x", 0);
        FileState after = new FileState("app", 1, 42, 16, meters, "/x", 0);
        before.head("2025-06-01 first file".getBytes());
        after.head("2025-06-02 other file".getBytes());

        assertThat(before.eventId(40, 60)).isNotEqualTo(after.eventId(40, 60));
    }
}
