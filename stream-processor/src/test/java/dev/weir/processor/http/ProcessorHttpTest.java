package dev.weir.processor.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.ops.Metrics;
import io.javalin.testtools.JavalinTest;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorHttpTest {
    private final PrometheusMeterRegistry registry = Metrics.newRegistry("processor");
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);

    @AfterEach
    void tearDown() {
        registry.close();
    }

    @Test
    void shouldAnswer503OnReadyUntilStreamsIsRunning() {
        JavalinTest.test(ProcessorHttp.create(registry, Clock.systemUTC(), state::get), (server, client) -> {
            var response = client.get("/health/ready");
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.body().string()).contains("\"kafka_streams\":\"REBALANCING\"");
        });
    }

    @Test
    void shouldAnswer200OnReadyWhenStreamsIsRunning() {
        state.set(KafkaStreams.State.RUNNING);
        JavalinTest.test(ProcessorHttp.create(registry, Clock.systemUTC(), state::get), (server, client) -> {
            assertThat(client.get("/health/ready").code()).isEqualTo(200);
        });
    }

    @Test
    void shouldAnswerLiveWhileStreamsIsStarting() {
        JavalinTest.test(ProcessorHttp.create(registry, Clock.systemUTC(), state::get), (server, client) -> {
            assertThat(client.get("/health/live").code()).isEqualTo(200);
        });
    }
}
