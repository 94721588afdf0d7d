package dev.weir.processor;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Waits for Kafka Streams to come up, remembering the state that ended the wait.
 *
 * <p>The state that ended the wait is what counts, not the state read afterwards: with more than one
 * stream thread the client goes RUNNING and can be back in REBALANCING a moment later (a thread that
 * joins later rebalances the group), which is a started application, not a stopped one.
 *
 * <p>Thread-safe: {@link #onChange} is called from Streams' threads, {@link #await} from the starting one.
 */
final class StartupWatch {
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile KafkaStreams.State outcome;

    /** @param now the state Kafka Streams has just entered */
    void onChange(KafkaStreams.State now) {
        if (outcome == null && (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.ERROR
                || now == KafkaStreams.State.PENDING_ERROR || now == KafkaStreams.State.PENDING_SHUTDOWN
                || now == KafkaStreams.State.NOT_RUNNING)) {
            synchronized (this) {
                if (outcome == null) {
                    outcome = now;
                    ended.countDown();
                }
            }
        }
    }

    /**
     * @param timeout how long to wait
     * @return the first of RUNNING, PENDING_ERROR, ERROR, PENDING_SHUTDOWN or NOT_RUNNING that Streams entered, or
     *         {@code null} when it entered none within {@code timeout}
     * @throws InterruptedException when interrupted
     */
    KafkaStreams.State await(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? outcome : null;
    }
}
