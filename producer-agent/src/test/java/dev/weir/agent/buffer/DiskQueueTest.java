package dev.weir.agent.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.ship.Delivery;
import dev.weir.agent.ship.OutboundEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskQueueTest {
    @TempDir
    Path dir;

    private static OutboundEvent event(int i) {
        return new OutboundEvent("t", "svc".getBytes(StandardCharsets.UTF_8), ("{\"seq\":" + i + ",\"pad\":\"" + "p".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8), Delivery.NONE);
    }

    private static List<String> values(List<OutboundEvent> events) {
        return events.stream().map(e -> new String(e.value(), StandardCharsets.UTF_8).replaceAll(",\"pad.*", "")).toList();
    }

    private static List<OutboundEvent> drainAll(EventBuffer buffer) throws InterruptedException {
        List<OutboundEvent> out = new ArrayList<>();
        while (buffer.drainTo(out, 1000, Duration.ZERO) > 0) {
            // keep draining
        }
        return out;
    }

    @Test
    void shouldSpillToDiskWhenMemoryIsFullAndDeliverEveryEventWithDiskInOrder() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DiskQueue disk = new DiskQueue(dir, 1 << 20, 4096, registry);
        EventBuffer buffer = new EventBuffer(1024, disk, registry);
        for (int i = 0; i < 50; i++) {
            assertThat(buffer.offerAll(List.of(event(i)), Duration.ZERO)).isTrue();
        }

        assertThat(disk.bytes()).isPositive();
        List<OutboundEvent> out = drainAll(buffer);

        assertThat(values(out)).hasSize(50).doesNotHaveDuplicates();
        List<Integer> spilled = out.stream().map(e -> seq(new String(e.value(), StandardCharsets.UTF_8))).filter(i -> i >= 3).toList();
        assertThat(spilled).isSorted().hasSize(47);
    }

    private static int seq(String json) {
        return Integer.parseInt(json.replaceAll("^\\{\"seq\":(\\d+).*", "$1"));
    }

    @Test
    void shouldDeleteSegmentsOnceEveryRecordWasAcknowledged() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DiskQueue disk = new DiskQueue(dir, 1 << 20, 4096, registry);
        EventBuffer buffer = new EventBuffer(1024, disk, registry);
        for (int i = 0; i < 50; i++) {
            buffer.offerAll(List.of(event(i)), Duration.ZERO);
        }
        List<OutboundEvent> out = drainAll(buffer);

        out.forEach(e -> e.delivery().delivered());

        assertThat(disk.bytes()).isZero();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldSendSegmentsLeftByAPreviousRunAfterRestart() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBuffer first = new EventBuffer(1024, new DiskQueue(dir, 1 << 20, 4096, registry), registry);
        for (int i = 0; i < 30; i++) {
            first.offerAll(List.of(event(i)), Duration.ZERO);
        }
        drainAll(first); // read but never acknowledged: the process dies here
        first.close();

        EventBuffer second = new EventBuffer(1024, new DiskQueue(dir, 1 << 20, 4096, new SimpleMeterRegistry()), new SimpleMeterRegistry());
        List<OutboundEvent> recovered = drainAll(second);

        assertThat(recovered).isNotEmpty();
        assertThat(values(recovered)).doesNotHaveDuplicates().allMatch(v -> seq(v + "}") < 30);
    }

    @Test
    void shouldSkipTheCorruptRestOfASegmentAndContinueWithTheNext() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBuffer first = new EventBuffer(1024, new DiskQueue(dir, 1 << 20, 4096, registry), registry);
        for (int i = 0; i < 60; i++) {
            first.offerAll(List.of(event(i)), Duration.ZERO);
        }
        first.close();
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.sorted().toList();
        }
        assertThat(segments.size()).isGreaterThan(2);
        try (FileChannel ch = FileChannel.open(segments.get(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap("garbage!garbage!".getBytes(StandardCharsets.US_ASCII)), 300); // inside the second record
        }

        SimpleMeterRegistry after = new SimpleMeterRegistry();
        EventBuffer second = new EventBuffer(1024, new DiskQueue(dir, 1 << 20, 4096, after), after);
        List<OutboundEvent> recovered = drainAll(second);

        assertThat(after.get("weir.agent.buffer.segments.corrupt").counter().count()).isEqualTo(1.0);
        assertThat(values(recovered)).contains("{\"seq\":3", "{\"seq\":59").hasSizeLessThan(57);
    }

    @Test
    void shouldRefuseWhenMemoryAndDiskAreFull() throws IOException, InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventBuffer buffer = new EventBuffer(1024, new DiskQueue(dir, 2048, 1024, registry), registry);
        int accepted = 0;
        while (buffer.offerAll(List.of(event(accepted)), Duration.ZERO)) {
            accepted++;
        }

        assertThat(accepted).isBetween(5, 20);
        assertThat(buffer.hasRoomFor(300)).isFalse();
    }

    @Test
    void shouldKeepFileEventsInMemoryWhenTheyMayNotUseDisk() throws IOException, InterruptedException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DiskQueue disk = new DiskQueue(dir, 1 << 20, 4096, registry);
        EventBuffer buffer = new EventBuffer(1024, disk, registry);
        assertThat(buffer.offerAll(List.of(event(0), event(1), event(2), event(3)), Duration.ZERO, false)).isTrue();

        assertThat(buffer.offerAll(List.of(event(4)), Duration.ZERO, false)).isFalse();
        assertThat(disk.bytes()).isZero();
    }
}
