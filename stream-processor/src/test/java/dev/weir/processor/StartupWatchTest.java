package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class StartupWatchTest {
    @Test
    void shouldCountAStartAsDoneWhenAnotherThreadRebalancesRightAfterRunning() throws Exception {
        StartupWatch watch = new StartupWatch();
        // what two stream threads do: the client is RUNNING, then the second thread's join rebalances it
        watch.onChange(State.REBALANCING);
        watch.onChange(State.RUNNING);
        watch.onChange(State.REBALANCING);
        assertThat(watch.await(Duration.ofMillis(1))).isEqualTo(State.RUNNING);
    }

    @Test
    void shouldReportTheFailureWhenStreamsFailsBeforeRunning() throws Exception {
        StartupWatch watch = new StartupWatch();
        watch.onChange(State.REBALANCING);
        watch.onChange(State.PENDING_ERROR);
        watch.onChange(State.ERROR);
        assertThat(watch.await(Duration.ofMillis(1))).isEqualTo(State.PENDING_ERROR);
    }

    @Test
    void shouldKeepTheFirstOutcome() throws Exception {
        StartupWatch watch = new StartupWatch();
        watch.onChange(State.RUNNING);
        watch.onChange(State.PENDING_SHUTDOWN);
        watch.onChange(State.NOT_RUNNING);
        assertThat(watch.await(Duration.ofMillis(1))).isEqualTo(State.RUNNING);
    }

    @Test
    void shouldTimeOutWhileStillRebalancing() throws Exception {
        StartupWatch watch = new StartupWatch();
        watch.onChange(State.REBALANCING);
        assertThat(watch.await(Duration.ofMillis(20))).isNull();
    }
}
