package dev.weir.processor.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datadoghq.sketch.ddsketch.DDSketch;
import dev.weir.processor.ProcessorDriver;
import dev.weir.processor.measure.latency.Sketches;
import dev.weir.processor.measure.query.MeasureQueries;
import dev.weir.processor.measure.query.MeasureStores;
import dev.weir.processor.measure.query.WindowStats;
import dev.weir.schemas.ErrorRateWindow;
import dev.weir.schemas.LatencyWindow;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.LoginBurstKind;
import dev.weir.schemas.LoginBurstWindow;
import dev.weir.schemas.RequestEvent;
import dev.weir.schemas.serde.WeirSerdes;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureTopologyTest {
    static final Instant T0 = Instant.parse("2025-03-14T09:00:00Z");
    static final Duration GRACE = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    ProcessorDriver processor;
    TopologyTestDriver driver;
    TestOutputTopic<String, ErrorRateWindow> errors;
    TestOutputTopic<String, LatencyWindow> latency;
    TestOutputTopic<String, LoginBurstWindow> logins;
    MeasureSettings settings = MeasureSettings.defaults().withGrace(GRACE).withCaps(3, 2);

    @BeforeEach
    void start() {
        processor = ProcessorDriver.start(ProcessorDriver.with(ProcessorDriver.settings(), settings), T0, stateDir);
        driver = processor.driver;
        errors = processor.errors;
        latency = processor.latency;
        logins = processor.logins;
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    void pipe(RequestEvent e) {
        processor.send(e);
    }

    void pipe(LogEvent e) {
        processor.send(e);
    }

    /**
     * Advances the task's event-time clock to {@code at} with a request and a log of another service: the clock
     * that closes windows is the lowest among the raw topics the task has read from (WindowCloser).
     */
    void advanceTo(Instant at) {
        pipe(Events.request("clock", "/tick", 200, 1.0, at));
        pipe(Events.log("clock", LogLevel.INFO, at));
    }

    Map<String, ErrorRateWindow> errorWindows() {
        return errors.readKeyValuesToList().stream().filter(kv -> !kv.key.startsWith("clock"))
                .collect(Collectors.toMap(kv -> kv.key + "@" + kv.value.getWindowStart(), kv -> kv.value));
    }

    @Nested
    class ErrorRates {
        /**
         * The processors keep open windows in memory and write them through the commit hook: after
         * each commit (the test driver commits after every record) the stores hold every event so
         * far, which is what interactive queries and a restarted task read.
         */
        @Test
        void shouldHoldEveryEventInTheStoresAfterEachCommitWhileTheWindowIsOpen() {
            ReadOnlyWindowStore<String, ErrorRateWindow> counts = driver.getWindowStore(MeasureTopology.ERRORS_STORE);
            ReadOnlyWindowStore<String, dev.weir.processor.measure.latency.LatencyAggregate> sketches =
                    driver.getWindowStore(MeasureTopology.LATENCY_STORE);
            long start = T0.toEpochMilli();
            for (int i = 1; i <= 3; i++) {
                pipe(Events.request("shop", "/cart", 500, 10.0 * i, T0.plusSeconds(i)));

                assertThat(counts.fetch("shop", start).getRequests()).isEqualTo(i);
                assertThat(counts.fetch("shop", start).getErrors5xx()).isEqualTo(i);
                assertThat(counts.fetch("shop|/cart", start).getRequests()).isEqualTo(i);
                assertThat(sketches.fetch("shop", start).count()).isEqualTo(i);
                assertThat(sketches.fetch("shop|/cart", start).max()).isEqualTo(10.0 * i);
            }
        }

        @Test
        void shouldEmitFinalCountsPerServiceWhenWindowCloses() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            pipe(Events.request("shop", "/cart", 404, 5.0, T0.plusSeconds(2)));
            pipe(Events.request("shop", "/pay", 503, 5.0, T0.plusSeconds(3)));
            pipe(Events.log("shop", LogLevel.ERROR, T0.plusSeconds(4)));
            pipe(Events.log("shop", LogLevel.INFO, T0.plusSeconds(5)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            ErrorRateWindow w = errorWindows().get("shop@" + T0);
            assertThat(w).isNotNull();
            assertThat(List.of(w.getRequests(), w.getErrors4xx(), w.getErrors5xx(), w.getErrorLogs(), w.getLogs()))
                    .containsExactly(3L, 1L, 1L, 1L, 2L);
            assertThat(w.getWindowEnd()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        }

        @Test
        void shouldEmitCountsPerServiceAndRoute() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            pipe(Events.request("shop", "/cart", 500, 5.0, T0.plusSeconds(2)));
            pipe(Events.request("shop", "/pay", 200, 5.0, T0.plusSeconds(3)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            ErrorRateWindow cart = errorWindows().get("shop|/cart@" + T0);
            assertThat(cart.getRoute()).isEqualTo("/cart");
            assertThat(cart.getRequests()).isEqualTo(2);
            assertThat(cart.getErrors5xx()).isEqualTo(1);
        }

        @Test
        void shouldNotEmitWindowBeforeGraceHasPassed() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE).minusMillis(1));

            assertThat(errorWindows()).isEmpty();
        }

        @Test
        void shouldCountEventArrivingWithinGraceIntoItsOwnWindow() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plusSeconds(10));
            pipe(Events.request("shop", "/cart", 500, 5.0, T0.plusSeconds(59)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            ErrorRateWindow w = errorWindows().get("shop@" + T0);
            assertThat(w.getRequests()).isEqualTo(2);
            assertThat(w.getErrors5xx()).isEqualTo(1);
        }

        @Test
        void shouldCountEventBeyondGraceAsLateInTheCurrentWindowOnly() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            Instant now = T0.plus(Duration.ofMinutes(1)).plus(GRACE).plusSeconds(1);
            pipe(Events.request("shop", "/cart", 200, 5.0, now));
            pipe(Events.request("shop", "/cart", 500, 5.0, T0.plusSeconds(2)));
            advanceTo(T0.plus(Duration.ofMinutes(2)).plus(GRACE));

            Map<String, ErrorRateWindow> windows = errorWindows();
            assertThat(windows.get("shop@" + T0).getRequests()).isEqualTo(1);
            assertThat(windows.get("shop@" + T0).getErrors5xx()).isZero();
            ErrorRateWindow current = windows.get("shop@" + T0.plus(Duration.ofMinutes(1)));
            assertThat(current.getRequests()).isEqualTo(1);
            assertThat(current.getLateEvents()).isEqualTo(1);
        }

        /**
         * While a task works through a backlog, Kafka Streams can read one raw topic well ahead of the other (it does
         * not wait for a partition whose last fetch found nothing new). The logs read behind still count into their
         * windows, and the windows close once the logs have caught up.
         */
        @Test
        void shouldCountTheEventsOfARawTopicReadBehindTheOtherIntoTheirWindows() {
            pipe(Events.log("shop", LogLevel.ERROR, T0.plusSeconds(1)));
            pipe(Events.request("shop", "/cart", 500, 5.0, T0.plus(Duration.ofMinutes(1)).plus(GRACE).plusSeconds(25)));
            for (int i = 10; i < 60; i += 5) {
                pipe(Events.log("shop", LogLevel.INFO, T0.plusSeconds(i)));
            }
            assertThat(errorWindows()).as("nothing closes while the logs are behind").isEmpty();
            advanceTo(T0.plus(Duration.ofMinutes(2)).plus(GRACE));

            Map<String, ErrorRateWindow> windows = errorWindows();
            ErrorRateWindow first = windows.get("shop@" + T0);
            assertThat(List.of(first.getLogs(), first.getErrorLogs(), first.getLateEvents())).containsExactly(11L, 1L, 0L);
            ErrorRateWindow second = windows.get("shop@" + T0.plus(Duration.ofMinutes(1)));
            assertThat(List.of(second.getRequests(), second.getErrors5xx(), second.getLateEvents())).containsExactly(1L, 1L, 0L);
        }

        /**
         * A raw topic that has gone quiet holds the windows back for the source wait (wall time) only: then they close
         * even when no other event follows.
         */
        @Test
        void shouldCloseWindowsWithoutARawTopicThatHasGoneQuiet() {
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            pipe(Events.log("shop", LogLevel.INFO, T0.plusSeconds(2)));
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plus(Duration.ofMinutes(1)).plus(GRACE)));
            assertThat(errorWindows()).as("the logs were heard from just now").isEmpty();
            processor.advanceWallClock(settings.sourceWait());
            assertThat(errorWindows()).as("the logs were heard from within the wait").isEmpty();

            processor.advanceWallClock(Duration.ofSeconds(1));

            ErrorRateWindow first = errorWindows().get("shop@" + T0);
            assertThat(List.of(first.getLogs(), first.getRequests())).containsExactly(1L, 1L);
            assertThat(latency.readValuesToList()).as("the latency windows close alike")
                    .anyMatch(w -> w.getService().equals("shop") && w.getWindowStart().equals(T0));
        }

        @Test
        void shouldSkipCorruptRecordAndCountTheNextEvent() {
            processor.request("shop", "{\"not\":\"an event\"");
            pipe(Events.request("shop", "/cart", 200, 5.0, T0.plusSeconds(1)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            assertThat(errorWindows().get("shop@" + T0).getRequests()).isEqualTo(1);
            assertThat(processor.deadLetters.readRecordsToList()).hasSize(1);
        }

        @Test
        void shouldMergeMinuteWindowsIntoFiveMinuteView() {
            for (int minute = 0; minute < 5; minute++) {
                pipe(Events.request("shop", "/cart", minute == 0 ? 500 : 200, 5.0, T0.plus(Duration.ofMinutes(minute))));
            }
            Clock clock = Clock.fixed(T0.plus(Duration.ofMinutes(4)).plusSeconds(30), ZoneOffset.UTC);
            MeasureQueries queries = new MeasureQueries(storesOf(driver), settings, clock);

            WindowStats fiveMinutes = queries.stats("shop", "5m", Duration.ofMinutes(5));
            WindowStats oneMinute = queries.stats("shop", "1m", Duration.ofMinutes(1));

            assertThat(fiveMinutes.requests()).isEqualTo(5);
            assertThat(fiveMinutes.errorRatio()).isEqualTo(0.2);
            assertThat(oneMinute.requests()).isEqualTo(1);
        }
    }

    @Nested
    class Latency {
        @Test
        void shouldEmitQuantilesWithinOnePercentOfExact() {
            for (int i = 1; i <= 1000; i++) {
                pipe(Events.request("shop", "/cart", 200, (double) i, T0.plusMillis(i)));
            }
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            LatencyWindow w = latencyWindows().get("shop@" + T0);
            assertThat(w.getCount()).isEqualTo(1000);
            assertThat(w.getP50()).isCloseTo(500, within(5.0));
            assertThat(w.getP99()).isCloseTo(990, within(9.9));
            assertThat(w.getP999()).isCloseTo(999, within(9.99));
            assertThat(w.getMax()).isEqualTo(1000);
        }

        @Test
        void shouldMergeEmittedSketchesIntoQuantilesOfTheUnion() {
            Random random = new Random(7);
            List<Double> all = new ArrayList<>();
            for (int minute = 0; minute < 3; minute++) {
                for (int i = 0; i < 500; i++) {
                    double ms = Math.exp(random.nextGaussian() + minute);
                    all.add(ms);
                    pipe(Events.request("shop", "/cart", 200, ms, T0.plus(Duration.ofMinutes(minute)).plusMillis(i)));
                }
            }
            advanceTo(T0.plus(Duration.ofMinutes(3)).plus(GRACE));

            DDSketch merged = Sketches.newSketch(0.01);
            latency.readValuesToList().stream().filter(w -> w.getService().equals("shop") && w.getRoute() == null)
                    .forEach(w -> merged.mergeWith(Sketches.fromBytes(bytes(w.getSketch()))));
            double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double exactP95 = sorted[(int) Math.floor(0.95 * (sorted.length - 1))];

            assertThat(merged.getCount()).isEqualTo(1500);
            assertThat(merged.getValueAtQuantile(0.95)).isCloseTo(exactP95, within(exactP95 * 0.0101));
        }

        @Test
        void shouldIgnoreRequestsWithoutDurationInLatencyButCountThemInErrors() {
            pipe(Events.request("shop", "/cart", 200, null, T0.plusSeconds(1)));
            pipe(Events.request("shop", "/cart", 200, 7.0, T0.plusSeconds(2)));
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            assertThat(latencyWindows().get("shop@" + T0).getCount()).isEqualTo(1);
            assertThat(errorWindows().get("shop@" + T0).getRequests()).isEqualTo(2);
        }

        Map<String, LatencyWindow> latencyWindows() {
            return latency.readKeyValuesToList().stream().filter(kv -> !kv.key.startsWith("clock"))
                    .collect(Collectors.toMap(kv -> kv.key + "@" + kv.value.getWindowStart(), kv -> kv.value));
        }
    }

    @Nested
    class Logins {
        final Instant closed = T0.plus(Duration.ofMinutes(5)).plus(GRACE);

        List<LoginBurstWindow> detections(LoginBurstKind kind) {
            return logins.readValuesToList().stream().filter(w -> w.getKind() == kind).toList();
        }

        void closeLoginWindow() {
            pipe(Events.authLog("clock", "192.0.2.250", "clock-user", true, closed));
        }

        /**
         * The login windows are written behind too (once per commit, through their sub-topologies'
         * hooks): after each commit (the driver commits after every record) both stores hold every
         * attempt so far, which is what the login query and a restarted task read.
         */
        @Test
        void shouldHoldEveryAttemptInTheStoresAfterEachCommitWhileTheWindowIsOpen() {
            ReadOnlyWindowStore<String, dev.weir.processor.measure.logins.LoginWindowState> bySource =
                    driver.getWindowStore(MeasureTopology.LOGINS_BY_SOURCE_STORE);
            ReadOnlyWindowStore<String, dev.weir.processor.measure.logins.LoginWindowState> byUser =
                    driver.getWindowStore(MeasureTopology.LOGINS_BY_USER_STORE);
            long start = T0.toEpochMilli();
            for (int i = 1; i <= 3; i++) {
                pipe(Events.authLog("sshd", "203.0.113.7", "user" + i, false, T0.plusSeconds(i)));

                assertThat(bySource.fetch("203.0.113.7", start).failures()).isEqualTo(i);
                assertThat(bySource.fetch("203.0.113.7", start).distinctCount()).isEqualTo(i);
                assertThat(byUser.fetch("user" + i, start).failures()).isEqualTo(1);
            }
        }

        @Test
        void shouldEmitBySourceWhenFailuresFromOneIpReachThreshold() {
            for (int i = 0; i < 5; i++) {
                pipe(Events.authLog("sshd", "203.0.113.7", "root", false, T0.plusSeconds(i)));
            }
            closeLoginWindow();

            List<LoginBurstWindow> found = detections(LoginBurstKind.BY_SOURCE);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getSourceIp()).isEqualTo("203.0.113.7");
            assertThat(found.get(0).getFailures()).isEqualTo(5);
            assertThat(found.get(0).getExemplarEventIds()).hasSize(5);
        }

        @Test
        void shouldNotEmitBySourceBelowThreshold() {
            for (int i = 0; i < 4; i++) {
                pipe(Events.authLog("sshd", "203.0.113.7", "root", false, T0.plusSeconds(i)));
            }
            closeLoginWindow();

            assertThat(detections(LoginBurstKind.BY_SOURCE)).isEmpty();
        }

        @Test
        void shouldEmitSprayingWhenOneIpFailsForManyUsers() {
            for (int i = 0; i < 10; i++) {
                pipe(Events.loginRequest("web", "198.51.100.9", "user" + i, 401, T0.plusSeconds(i)));
            }
            closeLoginWindow();

            List<LoginBurstWindow> found = detections(LoginBurstKind.SPRAYING);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getDistinctUsers()).isEqualTo(10);
            assertThat(found.get(0).getService()).isEqualTo("web");
        }

        @Test
        void shouldEmitByUserWhenOneUserFailsFromDistinctIps() {
            for (int i = 0; i < 3; i++) {
                pipe(Events.authLog("sshd", "192.0.2." + i, "alice", false, T0.plusSeconds(i)));
            }
            closeLoginWindow();

            List<LoginBurstWindow> found = detections(LoginBurstKind.BY_USER_DISTINCT_IPS);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getUserName()).isEqualTo("alice");
            assertThat(found.get(0).getDistinctIps()).isEqualTo(3);
        }

        @Test
        void shouldEmitSuccessAfterFailuresAtOnceWithoutWaitingForWindowClose() {
            for (int i = 0; i < 5; i++) {
                pipe(Events.loginRequest("web", "203.0.113.7", "bob", 403, T0.plusSeconds(i)));
            }
            pipe(Events.loginRequest("web", "203.0.113.7", "bob", 200, T0.plusSeconds(10)));

            List<LoginBurstWindow> found = detections(LoginBurstKind.SUCCESS_AFTER_FAILURES);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getKey()).isEqualTo("203.0.113.7|bob");
            assertThat(found.get(0).getFailures()).isEqualTo(5);
            assertThat(found.get(0).getSuccess()).isTrue();
        }

        @Test
        void shouldNotEmitSuccessAfterFailuresForSuccessWithoutBurst() {
            pipe(Events.loginRequest("web", "203.0.113.7", "bob", 403, T0));
            pipe(Events.loginRequest("web", "203.0.113.7", "bob", 200, T0.plusSeconds(10)));

            assertThat(detections(LoginBurstKind.SUCCESS_AFTER_FAILURES)).isEmpty();
        }
    }

    @Nested
    class Cardinality {
        @Test
        void shouldCountRoutesBeyondTheCapInTheOverflowBucket() {
            for (String route : List.of("/a", "/b", "/c", "/d")) {
                pipe(Events.request("shop", route, 200, 5.0, T0.plusSeconds(1)));
            }
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            Map<String, ErrorRateWindow> windows = errorWindows();
            assertThat(windows.keySet()).containsExactlyInAnyOrder("shop@" + T0, "shop|/a@" + T0, "shop|/b@" + T0,
                    "shop|__overflow__@" + T0);
            assertThat(windows.get("shop|__overflow__@" + T0).getRequests()).isEqualTo(2);
            assertThat(windows.get("shop@" + T0).getRequests()).isEqualTo(4);
        }

        @Test
        void shouldCountServicesBeyondTheCapInTheOverflowBucket() {
            // "clock" (the time-advancing service) takes one of the three slots once it is used
            for (String service : List.of("s1", "s2", "s3", "s4")) {
                pipe(Events.request(service, "/x", 200, 5.0, T0.plusSeconds(1)));
            }
            advanceTo(T0.plus(Duration.ofMinutes(1)).plus(GRACE));

            List<String> services = errors.readValuesToList().stream().filter(w -> w.getRoute() == null)
                    .map(ErrorRateWindow::getService).toList();
            assertThat(services).containsExactlyInAnyOrder("s1", "s2", "s3", "__overflow__");
        }
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static MeasureStores storesOf(TopologyTestDriver driver) {
        return new MeasureStores() {
            @Override
            public ReadOnlyWindowStore<String, ErrorRateWindow> errors() {
                return driver.getWindowStore(MeasureTopology.ERRORS_STORE);
            }

            @Override
            public ReadOnlyWindowStore<String, dev.weir.processor.measure.latency.LatencyAggregate> latency() {
                return driver.getWindowStore(MeasureTopology.LATENCY_STORE);
            }

            @Override
            public ReadOnlyWindowStore<String, dev.weir.processor.measure.logins.LoginWindowState> loginsBySource() {
                return driver.getWindowStore(MeasureTopology.LOGINS_BY_SOURCE_STORE);
            }

            @Override
            public ReadOnlyWindowStore<String, dev.weir.processor.measure.logins.LoginWindowState> loginsByUser() {
                return driver.getWindowStore(MeasureTopology.LOGINS_BY_USER_STORE);
            }
        };
    }
}
