package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamFailuresTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Instant now = Instant.parse("2025-03-14T10:00:00Z");
    private final StreamFailures failures = new StreamFailures(registry, () -> now);

    @Test
    void shouldReplaceAThreadThatDiedOfARecordTheTopicRefused() {
        StreamsException e = new StreamsException("Error encountered sending record", new RecordTooLargeException("too big"));

        assertThat(failures.handle(e)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(failures.failure()).isNull();
        assertThat(failures.lastDeath()).isEqualTo(now);
        assertThat(count("replace")).isEqualTo(1);
    }

    @Test
    void shouldShutDownWithAClearMessageWhenKafkaRefusesThePermissions() {
        StreamsException e = new StreamsException("fatal", new TopicAuthorizationException("Not authorized to access topics: [weir.logs]"));

        assertThat(failures.handle(e)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(failures.failure()).startsWith("The processor stops: Kafka refused the processor an operation")
                .contains("weir.logs", "ACLs");
        assertThat(count("shutdown")).isEqualTo(1);
    }

    @Test
    void shouldShutDownWhenASourceTopicIsMissing() {
        assertThat(failures.handle(new MissingSourceTopicException("One or more source topics were missing")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(failures.failure()).contains("topic", "topics.create");
    }

    @Test
    void shouldShutDownWhenReplacementsDoNotEndTheDeaths() {
        StreamsException e = new StreamsException("again", new IllegalStateException("the same thing"));
        for (int i = 0; i < StreamFailures.MAX_REPLACEMENTS; i++) {
            assertThat(failures.handle(e)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            now = now.plus(Duration.ofSeconds(10));
        }

        assertThat(failures.handle(e)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(failures.failure()).contains("died 11 times within 10 minutes", "the same thing");
    }

    @Test
    void shouldForgetDeathsOlderThanTheWindow() {
        StreamsException e = new StreamsException("now and then");
        for (int i = 0; i < 3 * StreamFailures.MAX_REPLACEMENTS; i++) {
            assertThat(failures.handle(e)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            now = now.plus(Duration.ofMinutes(2));
        }
        assertThat(failures.failure()).isNull();
    }

    private double count(String action) {
        return registry.find(StreamFailures.METER).tag("action", action).counter().count();
    }
}
