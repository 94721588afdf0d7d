package dev.weir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.stack.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private final ObjectMapper json = new ObjectMapper();

    private List<JsonNode> ticks(DemoTraffic traffic, MutableClock clock, int n, String topic) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (DemoTraffic.RawEvent e : traffic.tick()) {
                if (e.topic().equals(topic)) {
                    out.add(json.readTree(e.json()));
                }
            }
            clock.advance(Duration.ofMillis(10));
        }
        return out;
    }

    @Test
    void shouldProduceEcsRequestEventsKeyedByService() throws IOException {
        MutableClock clock = new MutableClock(T0);
        DemoTraffic traffic = new DemoTraffic("logs", "requests", clock, new Random(1), Duration.ofMinutes(2));
        DemoTraffic.RawEvent first = traffic.tick().get(0);
        JsonNode e = json.readTree(first.json());
        assertThat(first.topic()).isEqualTo("requests");
        assertThat(first.key()).isEqualTo(e.get("service.name").asText());
        assertThat(e.get("@timestamp").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(e.get("http.response.status_code").isInt()).isTrue();
        assertThat(e.get("event.duration").asLong()).isPositive();
        assertThat(e.get("url.path").asText()).startsWith("/api/v1/");
    }

    @Test
    void shouldRaisePaymentsErrorRateDuringTheErrorSpike() throws IOException {
        MutableClock clock = new MutableClock(T0);
        DemoTraffic traffic = new DemoTraffic("logs", "requests", clock, new Random(7), Duration.ofSeconds(120));
        double steady = errorRatio(ticks(traffic, clock, 2000, "requests"), "payments");
        clock.advance(Duration.ofSeconds(30 - 20));
        assertThat(traffic.phase()).isEqualTo(Phase.ERROR_SPIKE);
        double spike = errorRatio(ticks(traffic, clock, 1000, "requests"), "payments");
        assertThat(steady).isLessThan(0.02);
        assertThat(spike).isGreaterThan(0.15);
    }

    @Test
    void shouldSendRepeatedFailedLoginsFromOneSourceDuringTheBruteForce() throws IOException {
        MutableClock clock = new MutableClock(T0);
        DemoTraffic traffic = new DemoTraffic("logs", "requests", clock, new Random(3), Duration.ofSeconds(120));
        clock.advance(Duration.ofSeconds(95));
        assertThat(traffic.phase()).isEqualTo(Phase.BRUTE_FORCE);
        long failures = ticks(traffic, clock, 50, "logs").stream()
                .filter(e -> "authentication".equals(e.path("event.category").asText()))
                .filter(e -> "failure".equals(e.path("event.outcome").asText()))
                .filter(e -> "203.0.113.66".equals(e.path("source.ip").asText()))
                .count();
        assertThat(failures).isEqualTo(50);
    }

    @Test
    void shouldWriteLogLinesInLogstashEncoderShape() throws IOException {
        MutableClock clock = new MutableClock(T0);
        DemoTraffic traffic = new DemoTraffic("logs", "requests", clock, new Random(5), Duration.ofSeconds(120));
        JsonNode log = ticks(traffic, clock, 50, "logs").stream().filter(e -> e.has("logger_name")).findFirst().orElseThrow();
        assertThat(log.fieldNames()).toIterable().contains("@timestamp", "@version", "message", "logger_name", "thread_name", "level", "level_value");
    }

    private static double errorRatio(List<JsonNode> requests, String service) {
        List<JsonNode> mine = requests.stream().filter(e -> e.get("service.name").asText().equals(service)).toList();
        long errors = mine.stream().filter(e -> e.get("http.response.status_code").asInt() >= 500).count();
        return (double) errors / mine.size();
    }
}
