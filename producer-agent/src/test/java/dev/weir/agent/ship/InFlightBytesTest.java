package dev.weir.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A missed wake-up would hang the taker: the timeout turns that into a failure. */
@Timeout(60)
class InFlightBytesTest {
    @Test
    void shouldLetTheTakerWaitUntilTheRoomItAsksForIsGivenBack() throws Exception {
        InFlightBytes inFlight = new InFlightBytes(100);
        inFlight.acquire(60);
        Taker taker = Taker.waitingFor(inFlight, 50);

        inFlight.release(5);
        assertThat(inFlight.bytes()).isEqualTo(55); // 45 free: not enough for 50
        inFlight.release(5);

        assertThat(taker.outcome().get(10, TimeUnit.SECONDS)).isNull();
        assertThat(inFlight.bytes()).isEqualTo(100);
    }

    @Test
    void shouldNeverExceedTheBoundNorMissAWakeUpWhileAcknowledgementsRace() throws Exception {
        InFlightBytes inFlight = new InFlightBytes(10_000);
        BlockingQueue<Long> sent = new ArrayBlockingQueue<>(100_000);
        AtomicLong highest = new AtomicLong();
        int sends = 200_000;
        Thread acknowledger = new Thread(() -> {
            try {
                for (int i = 0; i < sends; i++) {
                    inFlight.release(sent.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        acknowledger.start();

        Random random = new Random(3);
        for (int i = 0; i < sends; i++) {
            long n = 1 + random.nextInt(i % 1000 == 0 ? 10_000 : 700); // now and then a send as large as the bound
            inFlight.acquire(n);
            highest.accumulateAndGet(inFlight.bytes(), Math::max);
            sent.put(n);
        }
        acknowledger.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(acknowledger.isAlive()).as("acknowledger done").isFalse();
        assertThat(highest.get()).isLessThanOrEqualTo(10_000);
        assertThat(inFlight.awaitEmpty(Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void shouldTakeNothingWhenInterruptedWhileWaiting() throws Exception {
        InFlightBytes inFlight = new InFlightBytes(100);
        inFlight.acquire(100);
        Taker taker = Taker.waitingFor(inFlight, 1);

        taker.thread().interrupt();

        assertThat(taker.outcome().get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(inFlight.bytes()).isEqualTo(100);
    }

    /** A thread taking room, once it waits for it; the outcome is null when it took the room, else the exception. */
    private record Taker(Thread thread, CompletableFuture<Throwable> outcome) {
        static Taker waitingFor(InFlightBytes inFlight, long n) throws InterruptedException {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    inFlight.acquire(n);
                    outcome.complete(null);
                } catch (InterruptedException e) {
                    outcome.complete(e);
                }
            });
            t.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime()).as("taker waiting within 10 s").isLessThan(deadline);
                TimeUnit.MILLISECONDS.sleep(1);
            }
            return new Taker(t, outcome);
        }
    }

    @Test
    void shouldRefuseToTakeMoreThanTheBound() {
        InFlightBytes inFlight = new InFlightBytes(100);

        assertThatThrownBy(() -> inFlight.acquire(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
