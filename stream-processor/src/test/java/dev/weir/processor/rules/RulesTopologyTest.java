package dev.weir.processor.rules;

import static dev.weir.processor.rules.RulesDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weir.processor.ProcessorDriver;
import dev.weir.schemas.AlertEvent;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.LogLevel;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesTopologyTest {
    @TempDir
    Path stateDir;

    RulesDriver d;

    @AfterEach
    void close() {
        if (d != null) {
            d.close();
        }
    }

    void start(String yaml) {
        d = RulesDriver.withRules(yaml, stateDir);
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    static List<KeyValue<String, byte[]>> all(KeyValueStore<String, byte[]> store) {
        List<KeyValue<String, byte[]>> out = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Sends the request and returns the alerts it produced. */
    List<AlertEvent> send(RequestEvent e) {
        d.send(e);
        return d.drain();
    }

    static final String ERROR_RATIO = """
            rules:
              - alert: HighErrorRate
                signal: error_ratio
                window: 5m
                threshold: 20%
                min_events: 10
                severity: critical
                labels: {team: shop}
                annotations:
                  summary: "Error rate on {{ $labels.service }} is {{ $value | humanizePercentage }}"
            """;

    @Nested
    class ErrorRatio {
        @Test
        void shouldFireOnTheRequestThatPushesTheErrorRatioOverTheThreshold() {
            start(ERROR_RATIO);
            for (int i = 0; i < 10; i++) {
                assertThat(send(RuleEvents.request("shop", 200, 5, at(i)))).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 500, 5, at(10)))).isEmpty();
            assertThat(send(RuleEvents.request("shop", 503, 5, at(11)))).isEmpty(); // 2/12 = 16.7 %
            RequestEvent crossing = RuleEvents.request("shop", 500, 5, at(12)); // 3/13 = 23.1 %
            List<AlertEvent> out = send(crossing);

            assertThat(out).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getRule()).isEqualTo("HighErrorRate");
                assertThat(a.getValue()).isCloseTo(3.0 / 13, within(1e-9));
                assertThat(a.getThreshold()).isEqualTo(0.2);
                assertThat(a.getStartsAt()).isEqualTo(at(12));
                assertThat(a.getEndsAt()).isNull();
                assertThat(a.getLabels()).containsEntry("alertname", "HighErrorRate").containsEntry("service", "shop")
                        .containsEntry("severity", "critical").containsEntry("team", "shop");
                assertThat(a.getAnnotations()).containsEntry("summary", "Error rate on shop is 23.08%");
                assertThat(a.getExemplarEventIds()).hasSize(3).last().isEqualTo(crossing.getId());
                assertThat(a.getExemplarTraceIds()).last().isEqualTo(crossing.getTraceId());
                assertThat(a.getKibanaUrl()).startsWith("http://kibana:5601/app/discover#/?_g=(time:(from:'2025-03-14T08:55:12Z',to:now))")
                        .contains("service.name");
            });
        }

        @Test
        void shouldNotFireBeforeTheWindowHoldsMinEvents() {
            start(ERROR_RATIO);
            for (int i = 0; i < 9; i++) {
                assertThat(send(RuleEvents.request("shop", 500, 5, at(i)))).as("request %d", i).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 200, 5, at(9)))).singleElement()
                    .satisfies(a -> assertThat(a.getValue()).isCloseTo(0.9, within(1e-9)));
        }

        @Test
        void shouldEmitOneFiringPerEpisode() {
            start(ERROR_RATIO);
            List<AlertEvent> all = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                all.addAll(send(RuleEvents.request("shop", 500, 5, at(i))));
            }
            assertThat(all).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING);
        }

        @Test
        void shouldResolveOnTheRequestThatBringsTheRatioBackUnderTheThreshold() {
            start(ERROR_RATIO);
            for (int i = 0; i < 10; i++) {
                send(RuleEvents.request("shop", 500, 5, at(i)));
            }
            // 10 errors: 10/(10+n) <= 0.2 first for n = 40
            for (int n = 1; n < 40; n++) {
                assertThat(send(RuleEvents.request("shop", 200, 5, at(10 + n)))).as("ok request %d", n).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 200, 5, at(50)))).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
                assertThat(a.getStartsAt()).isEqualTo(at(9));
                assertThat(a.getEndsAt()).isEqualTo(at(50));
                assertThat(a.getValue()).isCloseTo(0.2, within(1e-9));
            });
        }

        @Test
        void shouldKeepAlertsOfServicesApart() {
            start(ERROR_RATIO);
            List<AlertEvent> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.addAll(send(RuleEvents.request("shop", 500, 5, at(i))));
                all.addAll(send(RuleEvents.request("cart", 200, 5, at(i))));
            }
            assertThat(all).singleElement().satisfies(a -> assertThat(a.getLabels()).containsEntry("service", "shop"));
        }

        @Test
        void shouldFireOnlyOnceTheConditionHeldForTheForDuration() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1\n    for: 2m"));
            for (int s = 0; s < 120; s += 10) {
                assertThat(send(RuleEvents.request("shop", 500, 5, at(s)))).as("at %ds", s).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 500, 5, at(120)))).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getStartsAt()).isEqualTo(at(120));
            });
        }

        @Test
        void shouldNotFireWhenTheConditionStopsHoldingBeforeTheForDuration() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1\n    for: 2m"));
            send(RuleEvents.request("shop", 500, 5, at(0)));
            for (int i = 1; i <= 5; i++) {
                send(RuleEvents.request("shop", 200, 5, at(i))); // 1/6 < 20 %: back to inactive
            }
            List<AlertEvent> all = new ArrayList<>();
            for (int s = 60; s < 180; s += 10) {
                all.addAll(send(RuleEvents.request("shop", 500, 5, at(s))));
            }
            // pending again from 60 s on (ratio > 20 % once errors dominate), so firing no earlier than 180 s
            assertThat(all).isEmpty();
        }

        @Test
        void shouldKeepFiringForKeepFiringForAfterTheConditionCleared() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1\n    keep_firing_for: 1m"));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(0)))).hasSize(1);
            for (int i = 1; i <= 10; i++) {
                assertThat(send(RuleEvents.request("shop", 200, 5, at(i)))).as("ok request %d", i).isEmpty();
            }
            // the condition last held at 3 s (1/4 = 25 %; 1/5 = 20 % is not above): firing until 63 s
            assertThat(send(RuleEvents.request("shop", 200, 5, at(62)))).isEmpty();
            assertThat(send(RuleEvents.request("shop", 200, 5, at(63)))).singleElement()
                    .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
        }

        @Test
        void shouldResolveOnTheWallClockWhenTrafficStopsAndTheWindowEmpties() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(0)))).hasSize(1);
            d.advanceWallClock(Duration.ofMinutes(4));
            assertThat(d.drain()).isEmpty();
            d.advanceWallClock(Duration.ofMinutes(1).plusSeconds(5));
            assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
        }

        @Test
        void shouldEvaluateEventsHeldUpPastAWallClockResolveFromTheResolveOnNeverBeforeIt() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(0)))).hasSize(1);
            assertThat(send(RuleEvents.request("shop", 200, 5, at(200)))).isEmpty(); // 1/2: still firing
            d.advanceWallClock(Duration.ofSeconds(110)); // no events: the group's time moves to t=310, the 500 left the window
            AlertEvent resolved = d.drain().get(0);
            assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
            assertThat(resolved.getEndsAt()).isAfterOrEqualTo(at(310));

            // a request of the silent time, held up (an agent away, a backlog) until after the resolve: at the group's
            // time (t=310) the window holds 2 requests, no error; at its own time (t=150) it would still hold the 500
            // of t=0 (1/3) and the alert would fire again at a time before its resolve
            assertThat(send(RuleEvents.request("shop", 200, 5, at(150)))).isEmpty();
            assertThat(send(RuleEvents.request("shop", 500, 5, at(320)))).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getStartsAt()).isAfterOrEqualTo(resolved.getEndsAt());
            });
        }

        @Test
        void shouldSkipACorruptRecordAndEvaluateTheNextOne() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            d.processor.rawRequests.pipeInput(ProcessorDriver.utf8("shop"), new byte[] {1, 2, 3}, at(0));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(1)))).hasSize(1);
            assertThat(d.processor.deadLetters.readRecordsToList()).singleElement()
                    .satisfies(r -> assertThat(r.value()).containsExactly(1, 2, 3));
        }
    }

    @Nested
    class RequestRate {
        @Test
        void shouldFireOnTheRequestThatPushesTheRateOverTheThreshold() {
            start("""
                    rules:
                      - alert: TrafficSpike
                        signal: request_rate
                        window: 1m
                        threshold: 1
                        severity: warning
                    """);
            for (int i = 0; i < 60; i++) {
                assertThat(send(RuleEvents.request("shop", 200, 5, at(i / 2)))).as("request %d", i).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 200, 5, at(30)))).singleElement()
                    .satisfies(a -> assertThat(a.getValue()).isCloseTo(61 / 60.0, within(1e-9)));
        }
    }

    static final String LATENCY = """
            rules:
              - alert: HighLatencyP95
                signal: latency_quantile
                quantile: 0.95
                window: 10m
                threshold: 2s
                min_events: 20
                severity: critical
                annotations:
                  description: "p95 is {{ $value | humanizeDuration }}"
            """;

    @Nested
    class LatencyQuantile {
        @Test
        void shouldFireOnTheSlowRequestThatMovesP95OverTheThreshold() {
            start(LATENCY);
            for (int i = 0; i < 38; i++) {
                send(RuleEvents.request("shop", 200, 100, at(i)));
            }
            // 40 samples: p95 is the 38th smallest; with 2 slow ones it is still fast
            assertThat(send(RuleEvents.request("shop", 200, 3000, at(38)))).isEmpty();
            assertThat(send(RuleEvents.request("shop", 200, 3000, at(39)))).isEmpty();
            // 41 samples: p95 is the 39th smallest of 38 fast + 3 slow: slow
            assertThat(send(RuleEvents.request("shop", 200, 3000, at(40)))).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getValue()).isCloseTo(3.0, within(0.03));
                assertThat(a.getThreshold()).isEqualTo(2.0);
                assertThat(a.getAnnotations().get("description")).matches("p95 is 2\\.9\\d*s|p95 is 3\\.0\\d*s|p95 is 3s");
            });
        }

        @Test
        void shouldResolveWhenFastRequestsPushP95BackUnderTheThreshold() {
            start(LATENCY);
            for (int i = 0; i < 20; i++) {
                send(RuleEvents.request("shop", 200, 3000, at(i)));
            }
            assertThat(d.drain()).isEmpty();
            // 20 slow: p95 of 20 + n samples is fast once ceil(0.95 (20+n)) <= n, first at n = 380
            for (int n = 1; n < 380; n++) {
                assertThat(send(RuleEvents.request("shop", 200, 100, at(20 + n / 10)))).as("fast %d", n).isEmpty();
            }
            assertThat(send(RuleEvents.request("shop", 200, 100, at(58)))).singleElement()
                    .satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
        }

        /**
         * Group states and sketches live in memory and reach their stores through the commit hook;
         * the test driver commits after every record, so the stores must hold every event so far.
         */
        @Test
        void shouldHoldEveryEventInTheStoresAfterEachCommit() {
            start(LATENCY);
            KeyValueStore<String, byte[]> sketches = d.driver.getKeyValueStore(RulesTopology.SKETCH_STORE);
            KeyValueStore<String, byte[]> states = d.driver.getKeyValueStore(RulesTopology.STATE_STORE);
            for (int i = 1; i <= 3; i++) {
                send(RuleEvents.request("shop", 200, 100 * i, at(i)));

                long expected = i;
                assertThat(all(sketches)).singleElement().satisfies(kv ->
                        assertThat(LatencySketches.fromBytes(kv.value).getCount()).isEqualTo((double) expected));
                assertThat(all(states)).singleElement().satisfies(kv ->
                        assertThat(GroupState.fromBytes(kv.value).lastEventTime).isEqualTo(at(expected).toEpochMilli()));
            }
        }

        @Test
        void shouldKeepOneSketchPerBucket() {
            start(LATENCY); // 10m window: 10 s buckets
            KeyValueStore<String, byte[]> sketches = d.driver.getKeyValueStore(RulesTopology.SKETCH_STORE);
            for (int i = 0; i < 3; i++) {
                send(RuleEvents.request("shop", 200, 100, at(10 * i))); // each in the next bucket
            }
            assertThat(all(sketches)).hasSize(3).allSatisfy(kv ->
                    assertThat(LatencySketches.fromBytes(kv.value).getCount()).isEqualTo(1.0));
        }

        @Test
        void shouldIgnoreRequestsWithoutDuration() {
            start(LATENCY.replace("min_events: 20", "min_events: 1"));
            RequestEvent e = RuleEvents.request("shop", 200, 1, at(0));
            e.setDurationMs(null);
            assertThat(send(e)).isEmpty();
        }
    }

    @Nested
    class LogRate {
        @Test
        void shouldFireOnTheErrorLogThatPushesTheRateOverTheThresholdIgnoringLowerLevels() {
            start("""
                    rules:
                      - alert: ErrorLogs
                        signal: log_rate
                        level: ERROR
                        window: 1m
                        threshold: 0.1
                        severity: warning
                    """);
            List<AlertEvent> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                d.send(RuleEvents.log("shop", LogLevel.ERROR, at(i)));
                d.send(RuleEvents.log("shop", LogLevel.INFO, at(i)));
                all.addAll(d.drain());
            }
            assertThat(all).isEmpty(); // 6 / 60 s = 0.1, not above
            d.send(RuleEvents.log("shop", LogLevel.FATAL, at(7)));
            assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getValue()).isCloseTo(7 / 60.0, within(1e-9)));
        }
    }

    static final String LOGINS = """
            rules:
              - alert: FailedLoginBurst
                signal: failed_logins
                window: 5m
                threshold: 10
                severity: critical
            """;

    @Nested
    class FailedLogins {
        @Test
        void shouldFireOnTheEleventhFailedLoginFromOneSourceWithinTheWindow() {
            start(LOGINS);
            for (int i = 0; i < 5; i++) {
                assertThat(send(RuleEvents.login("shop", "10.0.0.1", 401, at(i * 20)))).isEmpty();
                d.send(RuleEvents.authFailure("shop", "10.0.0.1", at(i * 20 + 1)));
                assertThat(d.drain()).isEmpty();
            }
            assertThat(send(RuleEvents.login("shop", "10.0.0.1", 200, at(101)))).isEmpty(); // a success is no failure
            assertThat(send(RuleEvents.login("shop", "10.0.0.1", 403, at(102)))).singleElement().satisfies(a -> {
                assertThat(a.getLabels()).containsEntry("source_ip", "10.0.0.1").containsEntry("service", "shop");
                assertThat(a.getValue()).isEqualTo(11);
                assertThat(a.getKibanaUrl()).contains("source.ip");
            });
        }

        @Test
        void shouldCountEachSourceIpApart() {
            start(LOGINS);
            List<AlertEvent> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                all.addAll(send(RuleEvents.login("shop", "10.0.0." + (i % 3), 401, at(i))));
            }
            assertThat(all).isEmpty();
        }

        @Test
        void shouldNotCountFailuresOlderThanTheWindow() {
            start(LOGINS);
            for (int i = 0; i < 10; i++) {
                send(RuleEvents.login("shop", "10.0.0.1", 401, at(i)));
            }
            assertThat(send(RuleEvents.login("shop", "10.0.0.1", 401, at(400)))).isEmpty();
        }
    }

    @Nested
    class LoginCounts {
        @Test
        void shouldCountARepeatedSyslogLineAsItsCount() {
            start(LOGINS);
            d.send(RuleEvents.auth("bastion", "203.0.113.9", "root", false, 1, at(0)));
            d.send(RuleEvents.auth("bastion", "203.0.113.9", "root", false, 9, at(1)));
            assertThat(d.drain()).as("10 failures are not more than 10").isEmpty();
            d.send(RuleEvents.auth("bastion", "203.0.113.9", "root", false, 1, at(2)));
            assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getValue()).isEqualTo(11));
        }
    }

    static final String SPRAYING = """
            rules:
              - alert: PasswordSpraying
                signal: login_spraying
                window: 5m
                op: ">="
                threshold: 10
                severity: high
            """;

    @Nested
    class LoginSpraying {
        @Test
        void shouldFireOnTheFailureOfTheTenthDistinctUserFromOneSource() {
            start(SPRAYING);
            for (int i = 0; i < 9; i++) {
                d.send(RuleEvents.auth("bastion", "198.51.100.66", "user" + i, false, 3, at(i * 10)));
                d.send(RuleEvents.auth("bastion", "198.51.100.66", "user0", false, 1, at(i * 10 + 1)));
            }
            assertThat(d.drain()).isEmpty();
            d.send(RuleEvents.auth("bastion", "198.51.100.66", "user9", false, 1, at(95)));
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getRule()).isEqualTo("PasswordSpraying");
                assertThat(a.getLabels()).containsEntry("source_ip", "198.51.100.66").doesNotContainKey("user_name");
                assertThat(a.getValue()).isEqualTo(10);
                assertThat(a.getStartsAt()).isEqualTo(at(95));
                assertThat(a.getExemplarEventIds()).hasSize(GroupState.EXEMPLARS);
                assertThat(a.getKibanaUrl()).contains("source.ip").contains("198.51.100.66");
            });
        }

        @Test
        void shouldNotCountUsersWhoseFailuresLeftTheWindowOrOtherSources() {
            start(SPRAYING);
            for (int i = 0; i < 5; i++) {
                d.send(RuleEvents.auth("bastion", "198.51.100.66", "old" + i, false, 1, at(i)));
            }
            for (int i = 0; i < 5; i++) {
                d.send(RuleEvents.auth("bastion", "198.51.100.66", "new" + i, false, 1, at(400 + i)));
                d.send(RuleEvents.auth("bastion", "192.0.2.1", "other" + i, false, 1, at(400 + i)));
            }
            assertThat(d.drain()).isEmpty();
        }

        @Test
        void shouldResolveOnceTheUsersLeaveTheWindowWithoutEvents() {
            start(SPRAYING);
            for (int i = 0; i < 10; i++) {
                d.send(RuleEvents.auth("bastion", "198.51.100.66", "user" + i, false, 1, at(i)));
            }
            assertThat(d.drain()).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING);
            d.advanceWallClock(Duration.ofMinutes(6));
            assertThat(d.drain()).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.RESOLVED);
        }

        @Test
        void shouldRefuseGroupingSprayingByUser() {
            assertThatThrownBy(() -> RuleSet.parse(Map.of("r.yml", SPRAYING.replace("severity: high",
                    "severity: high\n    group_by: [service, source_ip, user_name]"))))
                    .isInstanceOf(RuleException.class).hasMessageContaining("group_by").hasMessageContaining("user_name");
        }
    }

    static final String DISTINCT_IPS = """
            rules:
              - alert: DistributedLoginFailures
                signal: login_distinct_ips
                window: 10m
                op: ">="
                threshold: 5
                severity: high
            """;

    @Nested
    class LoginDistinctIps {
        @Test
        void shouldFireOnTheFailureFromTheFifthSourceForOneUser() {
            start(DISTINCT_IPS);
            for (int i = 1; i <= 4; i++) {
                d.send(RuleEvents.auth("bastion", "203.0.113." + i, "deploy", false, 2, at(i * 30)));
                d.send(RuleEvents.auth("bastion", "203.0.113." + i, "root", false, 1, at(i * 30)));
            }
            assertThat(d.drain()).isEmpty();
            d.send(RuleEvents.auth("bastion", "203.0.113.5", "deploy", false, 1, at(200)));
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getLabels()).containsEntry("user_name", "deploy").doesNotContainKey("source_ip");
                assertThat(a.getValue()).isEqualTo(5);
                assertThat(a.getKibanaUrl()).contains("user.name");
            });
        }

        @Test
        void shouldNotCountSuccessesOrEventsWithoutASource() {
            start(DISTINCT_IPS);
            for (int i = 1; i <= 4; i++) {
                d.send(RuleEvents.auth("bastion", "203.0.113." + i, "deploy", false, 1, at(i)));
            }
            d.send(RuleEvents.auth("bastion", "203.0.113.9", "deploy", true, 1, at(10)));
            d.send(RuleEvents.auth("bastion", null, "deploy", false, 1, at(11)));
            assertThat(d.drain()).isEmpty();
        }
    }

    static final String SUCCESS_AFTER = """
            rules:
              - alert: LoginSuccessAfterFailures
                signal: login_success_after_failures
                window: 5m
                op: ">="
                threshold: 10
                severity: critical
            """;

    @Nested
    class LoginSuccessAfterFailures {
        @Test
        void shouldFireOnTheSuccessThatFollowsABurstOfFailuresFromItsSource() {
            start(SUCCESS_AFTER);
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "admin", false, 4, at(0)));
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", false, 6, at(20)));
            assertThat(d.drain()).as("failures alone").isEmpty();
            LogEvent success = RuleEvents.auth("bastion", "192.0.2.50", "root", true, 1, at(40));
            d.send(success);
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getLabels()).containsEntry("source_ip", "192.0.2.50");
                assertThat(a.getValue()).isEqualTo(10);
                assertThat(a.getStartsAt()).isEqualTo(at(40));
                assertThat(a.getExemplarEventIds()).contains(success.getId());
            });
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", false, 1, at(400)));
            assertThat(d.drain()).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.RESOLVED);
        }

        @Test
        void shouldNotFireForASuccessAfterFewFailuresOrFailuresFromAnotherSource() {
            start(SUCCESS_AFTER);
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", false, 9, at(0)));
            d.send(RuleEvents.auth("bastion", "192.0.2.51", "root", false, 20, at(1)));
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", true, 1, at(2)));
            assertThat(d.drain()).isEmpty();
        }

        @Test
        void shouldNotFireForASuccessAfterFailuresThatLeftTheWindow() {
            start(SUCCESS_AFTER);
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", false, 30, at(0)));
            d.send(RuleEvents.auth("bastion", "192.0.2.50", "root", true, 1, at(400)));
            assertThat(d.drain()).isEmpty();
        }
    }

    static final String ABSENCE = """
            rules:
              - alert: ServiceSilent
                signal: absence
                threshold: 5m
                severity: critical
                annotations:
                  summary: "{{ $labels.service }} silent for {{ $value | humanizeDuration }}"
            """;

    @Nested
    class Absence {
        @Test
        void shouldFireOnTheWallClockOnceAServiceWithTrafficWentSilentLongerThanTheThreshold() {
            start(ABSENCE);
            assertThat(send(RuleEvents.request("shop", 200, 5, at(0)))).isEmpty();
            d.advanceWallClock(Duration.ofMinutes(5));
            assertThat(d.drain()).isEmpty();
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getAnnotations()).containsEntry("summary", "shop silent for 5m 1s");
            });
        }

        @Test
        void shouldResolveOnTheServicesNextEvent() {
            start(ABSENCE);
            send(RuleEvents.request("shop", 200, 5, at(0)));
            d.advanceWallClock(Duration.ofMinutes(6));
            assertThat(d.drain()).hasSize(1);
            d.send(RuleEvents.log("shop", LogLevel.INFO, at(400)));
            assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
        }

        @Test
        void shouldNotFireForAServiceThatNeverSentAnything() {
            start(ABSENCE);
            d.advanceWallClock(Duration.ofMinutes(30));
            assertThat(d.drain()).isEmpty();
        }
    }

    @Nested
    class BurnRate {
        @Test
        void shouldFireWhenBothTheLongAndTheShortWindowBurnFasterThanTheFactor() {
            start("""
                    rules:
                      - alert: BurnFast
                        signal: burn_rate
                        objective: 99%
                        burn_windows:
                          - {long: 1h, short: 5m, factor: 10}
                        severity: page
                    """);
            // 1000 good requests over the hour before; budget 1 %, factor 10: > 10 % errors needed in both windows
            for (int i = 0; i < 1000; i++) {
                send(RuleEvents.request("shop", 200, 5, at(i * 3)));
            }
            long t = 3000;
            // the short window (5 m) holds ~100 good requests; long-window burn needs > 101 errors of 1000 + n
            List<AlertEvent> out = new ArrayList<>();
            int errors = 0;
            while (out.isEmpty() && errors < 300) {
                errors++;
                out.addAll(send(RuleEvents.request("shop", 500, 5, at(t++))));
            }
            // long window (buckets of 1 min; 1 h ending at ~3112 s holds the requests from ~-8 s on, i.e. all 1000)
            // burn = errors / (1000 + errors) / 0.01 > 10 first at errors = 112
            assertThat(errors).isEqualTo(112);
            assertThat(out).singleElement().satisfies(a -> {
                assertThat(a.getSeverity()).isEqualTo("page");
                assertThat(a.getValue()).isGreaterThan(10);
            });
        }
    }

    static final String NEW_FINGERPRINT = """
            rules:
              - alert: NewErrorType
                signal: new_fingerprint
                lookback: 7d
                window: 1h
                severity: warning
            """;

    @Nested
    class NewFingerprint {
        @Test
        void shouldFireOnTheFirstSightingAndResolveAfterTheWindow() {
            start(NEW_FINGERPRINT);
            d.send(RuleEvents.error("shop", "fp1", at(0)));
            String fingerprint = d.processor.logs.readValue().getError().getFingerprint();
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
                assertThat(a.getLabels()).containsEntry("fingerprint", fingerprint);
            });
            d.send(RuleEvents.error("shop", "fp1", at(1800)));
            assertThat(d.drain()).isEmpty();
            d.send(RuleEvents.error("shop", "fp1", at(3600)));
            assertThat(d.drain()).singleElement().satisfies(a -> assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED));
        }

        @Test
        void shouldNotFireAgainForAFingerprintSeenWithinTheLookback() {
            start(NEW_FINGERPRINT);
            d.send(RuleEvents.error("shop", "fp1", at(0)));
            d.send(RuleEvents.error("shop", "fp1", at(3600)));
            d.drain();
            d.send(RuleEvents.error("shop", "fp1", at(3600 + 6 * 86_400)));
            assertThat(d.drain()).isEmpty();
        }

        @Test
        void shouldFireAgainForAFingerprintUnseenForLongerThanTheLookback() {
            start(NEW_FINGERPRINT);
            d.send(RuleEvents.error("shop", "fp1", at(0)));
            d.send(RuleEvents.error("shop", "fp1", at(3600)));
            d.drain();
            d.send(RuleEvents.error("shop", "fp1", at(3601 + 7 * 86_400)));
            assertThat(d.drain()).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.FIRING);
        }
    }

    @Nested
    class EscalatingFingerprint {
        @Test
        void shouldFireWhenAFingerprintOccursAtKTimesItsUsualRate() {
            start("""
                    rules:
                      - alert: EscalatingError
                        signal: escalating_fingerprint
                        window: 5m
                        baseline: 1h
                        threshold: 5
                        min_events: 1
                        severity: warning
                    """);
            // usual rate: 11 in the 55 minutes before = 1 per 5 minutes
            for (int i = 0; i < 11; i++) {
                d.send(RuleEvents.error("shop", "fp1", at(i * 300)));
            }
            assertThat(d.drain()).isEmpty();
            List<AlertEvent> out = new ArrayList<>();
            int n = 0;
            while (out.isEmpty() && n < 50) {
                n++;
                d.send(RuleEvents.error("shop", "fp1", at(3300 + n)));
                out.addAll(d.drain());
            }
            // expected = 11 per 55 min = 1 per window (the one at 3000 s has left it): the 6th new one makes 6 > 5
            assertThat(n).isEqualTo(6);
            assertThat(out).singleElement().satisfies(a -> assertThat(a.getValue()).isGreaterThan(5));
        }
    }

    @Nested
    class HotReload {
        @Test
        void shouldEvaluateRulesPublishedToTheRulesTopicInsteadOfTheConfiguredOnes() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            d.rules.pipeInput("fast.yml", """
                    rules:
                      - alert: AnyError
                        signal: error_ratio
                        threshold: 0
                        severity: info
                    """, at(0));
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(1)))).extracting(AlertEvent::getRule).containsExactly("AnyError");
        }

        @Test
        void shouldKeepTheRunningRulesWhenThePublishedFileIsInvalid() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            d.rules.pipeInput("broken.yml", "rules:\n  - alert: Broken\n    signal: error_ratio\n    threshold: lots\n    severity: x\n", at(0));
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(1)))).extracting(AlertEvent::getRule)
                    .containsExactly("HighErrorRate");
        }

        @Test
        void shouldResolveAFiringAlertWhenItsRuleIsRemoved() {
            start(ERROR_RATIO.replace("min_events: 10", "min_events: 1"));
            assertThat(send(RuleEvents.request("shop", 500, 5, at(0)))).hasSize(1);
            d.rules.pipeInput("other.yml", """
                    rules:
                      - alert: TrafficSpike
                        signal: request_rate
                        threshold: 1000
                        severity: warning
                    """, at(0));
            d.advanceWallClock(Duration.ofSeconds(1));
            assertThat(d.drain()).singleElement().satisfies(a -> {
                assertThat(a.getRule()).isEqualTo("HighErrorRate");
                assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
            });
        }
    }
}
