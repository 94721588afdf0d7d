package dev.weir.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.agent.buffer.EventBuffer;
import dev.weir.stack.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShipperTest {
    /** Every event of these tests counts 4 + 1000 + 4 + {@link OutboundEvent#OVERHEAD_BYTES} = 1072 bytes. */
    private static final int EVENT_BYTES = 1072;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final EventBuffer buffer = new EventBuffer(1 << 20, null, registry);
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
    private Shipper shipper;

    @AfterEach
    void close() {
        if (shipper != null) {
            shipper.close(Duration.ofMillis(100));
        }
    }

    @Test
    void shouldHandTheProducerNoMoreThanTheInFlightBoundUntilAcknowledgementsFreeRoom() throws Exception {
        shipper = start(7 * EVENT_BYTES + EVENT_BYTES / 2); // room for 7 events, not 8
        offer(20);

        awaitShipperWaitingForRoom();
        assertThat(producer.history()).hasSize(7);
        assertThat(registry.get("weir.agent.inflight.bytes").gauge().value()).isEqualTo(7 * EVENT_BYTES);

        producer.completeNext();
        await(() -> producer.history().size() == 8);
        awaitShipperWaitingForRoom();
        assertThat(producer.history()).hasSize(8);
        assertThat(delivered).hasValue(1);
    }

    @Test
    void shouldReportEveryAcknowledgementToItsDeliveryAndFreeItsRoom() throws Exception {
        shipper = start(1 << 20);
        offer(50);
        await(() -> producer.history().size() == 50);

        while (producer.completeNext()) {
            // acknowledge all
        }

        assertThat(delivered).hasValue(50);
        assertThat(registry.get("weir.agent.inflight.bytes").gauge().value()).isZero();
    }

    @Test
    void shouldReportAnEventRejectedForGoodAndFreeItsRoom() throws Exception {
        shipper = start(EVENT_BYTES); // one event at a time
        offer(2);
        await(() -> producer.history().size() == 1);

        producer.errorNext(new RecordTooLargeException("too large"));

        await(() -> producer.history().size() == 2);
        assertThat(failed).hasValue(1);
    }

    @Test
    void shouldReportTheBrokerStalledOnlyWhileSentEventsWaitForAcknowledgementBeyondThirtySeconds() throws Exception {
        shipper = start(1 << 20);
        clock.advance(Duration.ofMinutes(5)); // idle: nothing in flight, not stalled
        assertThat(shipper.brokerStalledSince()).isNull();

        offer(1);
        await(() -> producer.history().size() == 1);
        clock.advance(Duration.ofSeconds(29));
        assertThat(shipper.brokerStalledSince()).isNull();
        clock.advance(Duration.ofSeconds(2));
        assertThat(shipper.brokerStalledSince()).isNotNull();

        producer.completeNext();
        assertThat(shipper.brokerStalledSince()).isNull();
    }

    private Shipper start(long maxInFlightBytes) {
        Shipper s = new Shipper(buffer, producer, maxInFlightBytes, registry, clock);
        s.start();
        return s;
    }

    private void offer(int events) throws InterruptedException {
        List<OutboundEvent> batch = new ArrayList<>();
        Delivery delivery = new Delivery() {
            @Override
            public void delivered() {
                delivered.incrementAndGet();
            }

            @Override
            public void failed(Exception cause) {
                failed.incrementAndGet();
            }
        };
        for (int i = 0; i < events; i++) {
            byte[] value = String.format("{\"n\":%0994d}", i).getBytes(StandardCharsets.UTF_8);
            batch.add(new OutboundEvent("logs", "shop".getBytes(StandardCharsets.UTF_8), value, delivery));
        }
        assertThat(batch.get(0).size()).isEqualTo(EVENT_BYTES);
        assertThat(buffer.offerAll(batch, Duration.ZERO)).isTrue();
    }

    /** The shipper parks without a timeout only while waiting for in-flight room (the buffer's wait has one). */
    private static void awaitShipperWaitingForRoom() throws InterruptedException {
        await(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("weir-agent-shipper") && t.getState() == Thread.State.WAITING));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }}
