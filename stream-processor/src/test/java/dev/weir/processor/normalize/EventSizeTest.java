package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventSizeTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    /** ECS fields of every type, the strings and arrays large enough to outweigh the fixed allowance. */
    private static Map<String, Object> ecs() {
        Map<String, Object> ecs = new HashMap<>();
        ecs.put("process.command_line", "é".repeat(20_000));
        ecs.put("process.args", IntStream.range(0, 5_000).mapToObj(i -> "--flag-" + i).toList());
        ecs.put("process.pid", Long.MAX_VALUE);
        ecs.put("event.risk_score", 99.5);
        ecs.put("process.interactive", true);
        return ecs;
    }

    @Test
    void shouldBoundTheLogEventsEcsFields() {
        LogEvent e = LogEvent.newBuilder().setId("l1").setTimestamp(AT).setReceivedAt(AT).setService("sshd")
                .setLevel(LogLevel.INFO).setMessage("m").setEcs(ecs()).build();
        int written = WeirSerdes.logEvent().serialize("weir.logs", e).length;
        assertThat(written).isGreaterThan(60_000);
        assertThat(EventSize.upperBound(e)).isGreaterThanOrEqualTo(written);
    }

    @Test
    void shouldBoundTheRequestEventsEcsFields() {
        RequestEvent e = RequestEvent.newBuilder().setId("r1").setTimestamp(AT).setReceivedAt(AT).setService("shop")
                .setMethod("GET").setRoute("/").setPath("/").setStatus(200).setDurationMs(1.0).setEcs(ecs()).build();
        int written = WeirSerdes.requestEvent().serialize("weir.requests", e).length;
        assertThat(written).isGreaterThan(60_000);
        assertThat(EventSize.upperBound(e)).isGreaterThanOrEqualTo(written);
    }

    @Test
    void shouldCountEveryStringOfAnArray() {
        Map<String, Object> few = Map.of("process.args", List.of("a"));
        Map<String, Object> many = Map.of("process.args", List.of("a", "b", "c", "d"));
        LogEvent e = LogEvent.newBuilder().setId("l1").setTimestamp(AT).setReceivedAt(AT).setService("s").setMessage("m").setEcs(few).build();
        long one = EventSize.upperBound(e);
        e.setEcs(many);
        assertThat(EventSize.upperBound(e)).isGreaterThan(one);
    }
}
