package dev.weir.processor.measure.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.processor.ProcessorDriver;
import dev.weir.processor.measure.Events;
import dev.weir.processor.measure.MeasureListener;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.MeasureTopologyTestSupport;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API over real HTTP, on one instance that owns every task. */
class MeasureHttpTest {
    static final Instant NOW = Instant.parse("2025-03-14T09:10:30Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    ProcessorDriver processor;
    TopologyTestDriver driver;
    Javalin app;

    @BeforeEach
    void start() {
        processor = ProcessorDriver.start(ProcessorDriver.settings(), NOW, stateDir);
        driver = processor.driver;
        for (int i = 0; i < 4; i++) {
            processor.send(Events.request("shop", "/cart", i == 0 ? 500 : 200, 100.0, NOW.minusSeconds(120)));
        }
        for (int i = 0; i < 7; i++) {
            processor.send(Events.authLog("sshd", "203.0.113.7", "root" + (i % 2), false, NOW.minusSeconds(60)));
        }
        app = appAt(NOW);
    }

    /** The query API as it answers at {@code now} (wall clock) over the same stores. */
    private Javalin appAt(Instant now) {
        Javalin javalin = Javalin.create();
        MeasureHttp.registerSingle(javalin, new MeasureQueries(MeasureTopologyTestSupport.storesOf(driver), MeasureSettings.defaults(),
                Clock.fixed(now, ZoneOffset.UTC)), null);
        return javalin;
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    @Test
    void shouldListServicesWithData() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/services").body().string());
            assertThat(body.get("services").toString()).isEqualTo("[\"shop\",\"sshd\"]");
        });
    }

    @Test
    void shouldAnswerServiceStatsPerRollingWindow() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/services/shop").body().string());
            JsonNode fiveMinutes = body.get("windows").get(1);
            assertThat(fiveMinutes.get("window").asText()).isEqualTo("5m");
            assertThat(fiveMinutes.get("requests").asLong()).isEqualTo(4);
            assertThat(fiveMinutes.get("errorRatio").asDouble()).isEqualTo(0.25);
            assertThat(fiveMinutes.get("latencyMs").get("p95").asDouble()).isBetween(99.0, 101.0);
            assertThat(body.get("windows").get(0).get("requests").asLong()).isZero();
            assertThat(body.get("routes").has("/cart")).isTrue();
        });
    }

    @Test
    void shouldAnswerNotFoundForUnknownService() {
        JavalinTest.test(app, (server, client) -> assertThat(client.get("/api/v1/services/nope").code()).isEqualTo(404));
    }

    @Test
    void shouldRankSourcesAndUsersByFailedLogins() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/security/logins?window=15m").body().string());
            assertThat(body.get("sources").get(0).get("key").asText()).isEqualTo("203.0.113.7");
            assertThat(body.get("sources").get(0).get("failures").asLong()).isEqualTo(7);
            assertThat(body.get("sources").get(0).get("distinct").asInt()).isEqualTo(2);
            assertThat(body.get("users").get(0).get("key").asText()).isEqualTo("root0");
        });
    }

    @Test
    void shouldAnswerLoginsOfAFileReplayedDaysLaterForAllRetainedWindowsAndForTheirTimeSpan() {
        Javalin later = appAt(NOW.plus(java.time.Duration.ofDays(3)));
        JavalinTest.test(later, (server, client) -> {
            JsonNode lastHour = JSON.readTree(client.get("/api/v1/security/logins?window=1h").body().string());
            JsonNode all = JSON.readTree(client.get("/api/v1/security/logins?window=all").body().string());
            JsonNode span = JSON.readTree(client.get("/api/v1/security/logins?from=2025-03-14T09:00:00Z&to=2025-03-14T09:30:00Z")
                    .body().string());
            JsonNode before = JSON.readTree(client.get("/api/v1/security/logins?from=2025-03-14T07:00:00Z&to=2025-03-14T08:30:00Z")
                    .body().string());
            JsonNode detections = JSON.readTree(client.get("/api/v1/security/detections?window=all").body().string());

            assertThat(lastHour.get("sources")).isEmpty();
            assertThat(all.get("window").asText()).isEqualTo("all");
            assertThat(all.get("from").isNull()).isTrue();
            assertThat(all.get("sources").get(0).get("failures").asLong()).isEqualTo(7);
            assertThat(span.get("window").asText()).isEqualTo("range");
            assertThat(span.get("from").asText()).isEqualTo("2025-03-14T09:00:00Z");
            assertThat(span.get("sources").get(0).get("key").asText()).isEqualTo("203.0.113.7");
            assertThat(span.get("sources").get(0).get("failures").asLong()).isEqualTo(7);
            assertThat(before.get("sources")).isEmpty();
            assertThat(detections.get("detections").get(0).get("kind").asText()).isEqualTo("BY_SOURCE");
        });
    }

    @Test
    void shouldRejectAnUnreadableOrBackwardRange() {
        JavalinTest.test(app, (server, client) -> {
            assertThat(client.get("/api/v1/security/logins?from=yesterday").code()).isEqualTo(400);
            var backward = client.get("/api/v1/security/detections?from=2025-03-14T09:00:00Z&to=2025-03-14T08:00:00Z");
            assertThat(backward.code()).isEqualTo(400);
            assertThat(backward.body().string()).contains("Invalid value 2025-03-14T08:00:00Z for to");
        });
    }

    @Test
    void shouldAnswerEveryServiceWithViewsAndSparklineInOneOverview() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/overview").body().string());
            JsonNode services = body.get("services");
            assertThat(services.size()).isEqualTo(2);
            JsonNode shop = services.get(0);
            assertThat(shop.get("service").asText()).isEqualTo("shop");
            assertThat(shop.get("windows").get(1).get("requests").asLong()).isEqualTo(4);
            assertThat(shop.get("windows").get(3).get("latencyMs").get("p99").asDouble()).isBetween(99.0, 101.0);
            JsonNode series = shop.get("series");
            assertThat(series.size()).isEqualTo(60);
            // the requests were two minutes before "now": the third window from the end
            assertThat(series.get(57).get("requests").asLong()).isEqualTo(4);
            assertThat(series.get(57).get("errorRatio").asDouble()).isEqualTo(0.25);
            assertThat(series.get(57).get("start").asText()).isEqualTo("2025-03-14T09:08:00Z");
            assertThat(series.get(59).get("requests").asLong()).isZero();
        });
    }

    @Test
    void shouldAnswerPerMinuteSeriesWithQuantilesAndDistribution() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/services/shop/series").body().string());
            assertThat(body.get("windowSeconds").asLong()).isEqualTo(60);
            JsonNode point = body.get("points").get(57);
            assertThat(point.get("requests").asLong()).isEqualTo(4);
            assertThat(point.get("errors5xx").asLong()).isEqualTo(1);
            assertThat(point.get("p95").asDouble()).isBetween(99.0, 101.0);
            assertThat(body.get("points").get(58).get("p95").isNull()).isTrue();
            long total = 0;
            for (JsonNode bucket : body.get("distribution")) {
                total += bucket.get("count").asLong();
                if (bucket.get("count").asLong() > 0) {
                    // 100 ms, within the sketch's 1 %: the bucket up to 100 or the one up to 200
                    assertThat(bucket.get("leMs").asDouble()).isIn(100.0, 200.0);
                }
            }
            assertThat(total).isEqualTo(4);
            assertThat(client.get("/api/v1/services/nope/series").code()).isEqualTo(404);
        });
    }

    @Test
    void shouldListLoginWindowsWhereADetectorThresholdWasReached() {
        JavalinTest.test(app, (server, client) -> {
            JsonNode body = JSON.readTree(client.get("/api/v1/security/detections?window=15m").body().string());
            JsonNode detections = body.get("detections");
            assertThat(detections.size()).isEqualTo(1);
            assertThat(detections.get(0).get("kind").asText()).isEqualTo("BY_SOURCE");
            assertThat(detections.get(0).get("key").asText()).isEqualTo("203.0.113.7");
            assertThat(detections.get(0).get("failures").asLong()).isEqualTo(7);
            assertThat(client.get("/api/v1/security/detections?window=2d").code()).isEqualTo(400);
        });
    }

    @Test
    void shouldRejectUnknownLoginWindow() {
        JavalinTest.test(app, (server, client) -> assertThat(client.get("/api/v1/security/logins?window=2d").code()).isEqualTo(400));
    }
}
