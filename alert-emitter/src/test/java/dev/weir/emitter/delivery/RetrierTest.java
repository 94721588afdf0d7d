package dev.weir.emitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.emitter.testing.RecordingHttpServer.Answer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries against a real local HTTP server; the sleeper records the delays instead of sleeping. */
class RetrierTest {
    private final RecordingHttpServer server = new RecordingHttpServer();
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final Retrier retrier = new Retrier(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(15),
            slept::add, () -> Long.MAX_VALUE);
    private final HttpPoster http = new HttpPoster(HttpClient.newHttpClient(), Duration.ofSeconds(5));

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void shouldRetryServerErrorsWithGrowingDelays() throws Exception {
        server.script(new Answer(503, null), new Answer(500, null), new Answer(502, null));
        retrier.run(() -> http.post(server.url("/x"), "{}", Map.of()), (e, d) -> { });
        assertThat(server.bodies()).hasSize(4);
        assertThat(slept).hasSize(3);
        assertThat(slept.get(1)).isGreaterThan(slept.get(0));
        assertThat(slept.get(2)).isGreaterThan(slept.get(1));
    }

    @Test
    void shouldHonourRetryAfterOn429() throws Exception {
        server.script(new Answer(429, "7"));
        retrier.run(() -> http.post(server.url("/x"), "{}", Map.of()), (e, d) -> { });
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void shouldNotRetryAPermanentClientError() {
        server.script(new Answer(400, null));
        assertThatThrownBy(() -> retrier.run(() -> http.post(server.url("/x"), "{}", Map.of()), (e, d) -> { }))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
        assertThat(server.bodies()).hasSize(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void shouldKeepRetryingAReceiverThatIsDownForTenMinutes() throws Exception {
        Answer[] down = new Answer[20];
        java.util.Arrays.fill(down, new Answer(503, null));
        server.script(down);
        Retrier production = new Retrier(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofMinutes(15),
                slept::add, () -> Long.MAX_VALUE);
        production.run(() -> http.post(server.url("/x"), "{}", Map.of()), (e, d) -> { });
        assertThat(slept.stream().reduce(Duration.ZERO, Duration::plus)).isGreaterThan(Duration.ofMinutes(10));
        assertThat(server.bodies()).hasSize(21);
    }

    @Test
    void jitterKeepsDelaysBetweenHalfAndFullBackoff() {
        Retrier r = new Retrier(Duration.ofMillis(1000), Duration.ofSeconds(60), Duration.ofMinutes(1), d -> { }, () -> 0L);
        assertThat(r.backoff(0)).isEqualTo(Duration.ofMillis(500));
        assertThat(r.backoff(3)).isEqualTo(Duration.ofMillis(4000));
    }
}
