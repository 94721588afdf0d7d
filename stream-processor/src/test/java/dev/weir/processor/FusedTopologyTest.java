package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.normalize.ServiceOwners;
import dev.weir.schemas.ErrorRateWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's topology with the raw topics in three partitions: the measures take the normalised events
 * in the raw topics' tasks. The driver reads every input in partition 0, so with
 * three owner partitions the services owned by task 0 are measured at once and the others go
 * through the repartition topics: both paths, in one run.
 */
class FusedTopologyTest {
    static final String APP = ProcessorDriver.APPLICATION_ID;
    static final Instant NOW = Instant.parse("2025-03-14T10:00:00Z");
    static final Instant WINDOW = NOW.minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES);
    static final int PARTITIONS = 3;

    @TempDir
    Path stateDir;
    ProcessorDriver processor;
    TestInputTopic<byte[], byte[]> rawRequests;
    TestInputTopic<byte[], byte[]> rawLogs;
    TestOutputTopic<String, ErrorRateWindow> errors;

    @BeforeEach
    void start() {
        ProcessorTopology.Settings settings = ProcessorDriver.with(ProcessorDriver.settings(),
                MeasureSettings.defaults().withGrace(Duration.ZERO));
        processor = ProcessorDriver.start(ProcessorDriver.withPartitions(settings, PARTITIONS), NOW, stateDir);
        rawRequests = processor.rawRequests;
        rawLogs = processor.rawLogs;
        errors = processor.errors;
    }

    @AfterEach
    void stop() {
        processor.close();
    }

    /** What one service gets in the window: requests, 5xx, logs. */
    record Counts(long requests, long errors5xx, long logs) {
    }

    @Test
    void shouldMeasureEveryServiceExactlyWhetherItsEventsWereReadInItsOwnTaskOrNot() {
        Map<String, Counts> expected = new TreeMap<>();
        Set<Integer> owners = new HashSet<>();
        for (int s = 0; s < 8; s++) {
            String service = "svc-" + s;
            owners.add(ServiceOwners.partition(service, PARTITIONS));
            long fives = 0;
            int count = 3 + s;
            for (int i = 0; i < count; i++) {
                int status = i % 3 == 0 ? 503 : 200;
                fives += status >= 500 ? 1 : 0;
                // half the services' producers key by something else than the service: the owner is still found
                byte[] key = s % 2 == 0 ? utf8(service) : null;
                rawRequests.pipeInput(key, utf8(request(service, status, WINDOW.plusSeconds(i))), NOW);
            }
            rawLogs.pipeInput(utf8("not-" + service), utf8(log(service, WINDOW.plusSeconds(30))), NOW);
            expected.put(service, new Counts(count, fives, 1));
        }
        assertThat(owners).as("services owned by the driver's task 0 and by others").contains(0).hasSizeGreaterThan(1);
        // the raw logs and the repartitioned events, quiet from now on, hold the window open only for the source wait
        processor.advanceWallClock(MeasureSettings.defaults().sourceWait().plusMillis(1));
        rawRequests.pipeInput(utf8("clock"), utf8(request("clock", 200, WINDOW.plus(Duration.ofMinutes(1)))), NOW);

        Map<String, Counts> actual = new TreeMap<>();
        for (ErrorRateWindow w : errors.readValuesToList()) {
            if (w.getRoute() == null && w.getWindowStart().equals(WINDOW)) {
                assertThat(actual.put(w.getService(), new Counts(w.getRequests(), w.getErrors5xx(), w.getLogs())))
                        .as("one result for " + w.getService()).isNull();
                assertThat(w.getLateEvents()).isZero();
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(processor.driver.producedTopicNames()).contains(APP + "-measure-requests-repartition", APP + "-measure-logs-repartition");
    }

    /** An agent killed before its checkpoint sends a file's lines again: the windows count each line once. */
    @Test
    void shouldCountTheLinesAnAgentSendsAgainOnce() {
        processor.requests.readValuesToList();
        String file = "00112233445566aa";
        long[] offsets = {0, 90, 180, 270};
        for (long offset : offsets) {
            rawRequests.pipeInput(utf8("shop"), utf8(fileLine(request("shop", offset == 90 ? 503 : 200, WINDOW.plusSeconds(offset / 10)),
                    file, offset)), NOW);
        }
        for (long offset : new long[] {90, 180, 270}) { // from the checkpoint at 90 on, again
            rawRequests.pipeInput(utf8("shop"), utf8(fileLine(request("shop", offset == 90 ? 503 : 200, WINDOW.plusSeconds(offset / 10)),
                    file, offset)), NOW);
        }
        rawRequests.pipeInput(utf8("shop"), utf8(request("shop", 200, WINDOW.plus(Duration.ofMinutes(1)))), NOW);

        ErrorRateWindow w = errors.readValuesToList().stream().filter(e -> e.getRoute() == null && e.getWindowStart().equals(WINDOW))
                .findFirst().orElseThrow();
        assertThat(w.getRequests()).isEqualTo(4);
        assertThat(w.getErrors5xx()).isEqualTo(1);
        assertThat(processor.requests.readValuesToList()).as("every copy still reaches weir.requests, where the id makes it one document")
                .hasSize(8);
    }

    static String fileLine(String json, String file, long offset) {
        return json.substring(0, json.length() - 1) + ",\"host.name\":\"web-1\",\"event.id\":\"" + file + "-" + offset
                + "\",\"log.file.path\":\"/var/log/shop/access.log\",\"log.offset\":" + offset + "}";
    }

    /**
     * The raw records carry the producer's time (here all the same, later than every event); the
     * windows must follow the events' own times, or every event would be late.
     */
    @Test
    void shouldCloseWindowsOnEventTimeNotOnTheRawRecordsTime() {
        for (int i = 0; i < 3; i++) {
            rawRequests.pipeInput(utf8("shop"), utf8(request("shop", 200, WINDOW.plusSeconds(10 * i))), NOW);
        }
        assertThat(errors.isEmpty()).as("nothing closed before an event after the window").isTrue();

        rawRequests.pipeInput(utf8("shop"), utf8(request("shop", 200, WINDOW.plus(Duration.ofMinutes(1)))), NOW);

        List<ErrorRateWindow> closed = errors.readValuesToList().stream().filter(w -> w.getRoute() == null).toList();
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getWindowStart()).isEqualTo(WINDOW);
        assertThat(closed.get(0).getRequests()).isEqualTo(3);
        assertThat(closed.get(0).getLateEvents()).isZero();
    }

    static String request(String service, int status, Instant at) {
        return "{\"@timestamp\":\"" + at + "\",\"service\":\"" + service + "\",\"method\":\"GET\",\"path\":\"/orders/42\",\"status\":"
                + status + ",\"duration_ms\":7.5}";
    }

    static String log(String service, Instant at) {
        return "{\"@timestamp\":\"" + at + "\",\"service\":\"" + service + "\",\"level\":\"INFO\",\"message\":\"hello\"}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
