package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.kafka.streams.KafkaStreams.State.ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_SHUTDOWN;
import static org.apache.kafka.streams.KafkaStreams.State.REBALANCING;
import static org.apache.kafka.streams.KafkaStreams.State.RUNNING;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StartupWatchTest {
    static Stream<Arguments> startups() {
        return Stream.of(
                // two stream threads: the client is RUNNING, then the second thread's join rebalances it
                Arguments.of("running, then a rebalance", List.of(REBALANCING, RUNNING, REBALANCING), RUNNING),
                Arguments.of("failure before running", List.of(REBALANCING, PENDING_ERROR, ERROR), PENDING_ERROR),
                Arguments.of("first outcome kept", List.of(RUNNING, PENDING_SHUTDOWN, NOT_RUNNING), RUNNING),
                Arguments.of("still rebalancing: timeout", List.of(REBALANCING), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("startups")
    void shouldEndTheWaitWithTheFirstOutcome(String name, List<State> states, State expected) throws Exception {
        StartupWatch watch = new StartupWatch();
        states.forEach(watch::onChange);
        assertThat(watch.await(Duration.ofMillis(20))).isEqualTo(expected);
    }
}
