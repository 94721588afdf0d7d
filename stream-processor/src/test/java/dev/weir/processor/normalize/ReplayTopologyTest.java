package dev.weir.processor.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.common.kafka.Topics;
import dev.weir.schemas.LogEvent;
import dev.weir.schemas.RequestEvent;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines an agent sends again after a crash, as it sends them: the same file identity and offsets, from its checkpoint on.
 * Copies still reach the clean topics (Elasticsearch keeps one document per id); that they do not reach the measures is
 * {@code FusedTopologyTest}'s.
 */
class ReplayTopologyTest {
    private static final String FILE = "0123456789abcdef";

    @TempDir
    Path stateDir;
    NormalizeDriver d;

    @BeforeEach
    void setUp() {
        d = new NormalizeDriver(NormalizeSettings.DEFAULTS, stateDir);
    }

    @AfterEach
    void tearDown() {
        d.close();
    }

    private static String line(String host, String id, long offset, String message) {
        return "{\"@timestamp\":\"2025-03-14T09:59:00Z\",\"service.name\":\"checkout\",\"host.name\":\"" + host
                + "\",\"log.level\":\"ERROR\",\"message\":\"" + message + "\",\"event.id\":\"" + id
                + "\",\"log.file.path\":\"/var/log/checkout.log\",\"log.offset\":" + offset + "}";
    }

    private void fileLine(String host, long offset) {
        d.log(line(host, FILE + "-" + offset, offset, "line at " + offset));
    }

    private void fileRequest(long offset) {
        d.request("{\"@timestamp\":\"2025-03-14T09:59:00Z\",\"service.name\":\"checkout\",\"host.name\":\"web-1\","
                + "\"event.id\":\"" + FILE + "-" + offset + "\",\"http.request.method\":\"GET\",\"url.path\":\"/cart\","
                + "\"http.response.status_code\":200}");
    }

    private double duplicates(String topic) {
        return d.counter("weir.records.duplicate", "topic", topic);
    }

    @Test
    void linesSentAgainFromTheCheckpointAreKnownAsCopies() {
        for (long offset : new long[] {0, 120, 240}) {
            fileLine("web-1", offset);
        }
        // killed after sending 240 but with 120 checkpointed: the restarted agent sends 120 and 240 again, then 360
        for (long offset : new long[] {120, 240, 360}) {
            fileLine("web-1", offset);
        }
        assertThat(d.logs.readValuesToList()).extracting(LogEvent::getId).containsExactly(FILE + "-0", FILE + "-120", FILE + "-240",
                FILE + "-120", FILE + "-240", FILE + "-360");
        assertThat(duplicates(Topics.RAW_LOGS)).isEqualTo(2);
        assertThat(d.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theSameFileIdentityOnAnotherHostIsAnotherFile() {
        fileLine("web-1", 0);
        fileLine("web-1", 120);
        fileLine("web-2", 0);
        fileLine("web-2", 120);
        assertThat(d.logs.readValuesToList()).hasSize(4);
        assertThat(duplicates(Topics.RAW_LOGS)).isZero();
    }

    @Test
    void eachRawTopicKeepsItsOwnOrder() {
        // a file whose lines are both logs and requests: the task may read the later log before the earlier request
        fileLine("web-1", 500);
        fileRequest(100);
        fileRequest(100);
        assertThat(d.logs.readValuesToList()).hasSize(1);
        assertThat(d.requests.readValuesToList()).extracting(RequestEvent::getId).containsExactly(FILE + "-100", FILE + "-100");
        assertThat(duplicates(Topics.RAW_REQUESTS)).isEqualTo(1);
    }

    @Test
    void idsThatAreNotAnAgentsFileLinesAreNeverTakenForCopies() {
        for (int i = 0; i < 2; i++) {
            d.log(line("web-1", "b-3f2a9c0d1e2b4a5c-1", 7, "from the browser beacon"));
            d.log(line("web-1", "h-3f2a9c0d1e2b4a5-1", 7, "an HTTP body id one hex digit short"));
            d.log(line("web-1", "order-4711", 7, "an id the application set"));
            d.log(line("web-1", FILE + "-7", 8, "an id whose offset is not the line's"));
            d.log(line("web-1", "0123456789ABCDEF-7", 7, "upper-case hex is not the agent's"));
        }
        assertThat(d.logs.readValuesToList()).hasSize(10);
        assertThat(duplicates(Topics.RAW_LOGS)).isZero();
    }

    private void bodyLine(String body, int line) {
        d.log("{\"@timestamp\":\"2025-03-14T09:59:00Z\",\"service.name\":\"checkout\",\"message\":\"line " + line
                + "\",\"event.id\":\"h-" + body + "-" + line + "\"}");
    }

    /**
     * The agent was killed after Kafka had the first two lines of a body, before it answered; the client sends the body
     * again to the restarted agent, which gives its lines the same ids. Another body is not a copy, and a body is
     * forgotten after the HTTP horizon.
     */
    @Test
    void aBodySentAgainToTheHttpIntakeIsKnownAsACopy() {
        String body = "3f2a9c0d1e2b4a5c";
        bodyLine(body, 1);
        bodyLine(body, 2);
        for (int line = 1; line <= 3; line++) {
            bodyLine(body, line);
        }
        bodyLine("00000000000000ff", 1);
        assertThat(d.logs.readValuesToList()).hasSize(6);
        assertThat(duplicates(Topics.RAW_LOGS)).isEqualTo(2);

        d.driver.advanceWallClockTime(ReplayGuard.HTTP_HORIZON.plus(ReplayGuard.PURGE_INTERVAL).plus(Duration.ofMinutes(1)));
        fileLine("web-1", 0); // a file line, kept for a day
        bodyLine(body, 1);
        assertThat(duplicates(Topics.RAW_LOGS)).as("the body was forgotten").isEqualTo(2);
        d.driver.advanceWallClockTime(ReplayGuard.HTTP_HORIZON.plus(ReplayGuard.PURGE_INTERVAL));
        fileLine("web-1", 0);
        assertThat(duplicates(Topics.RAW_LOGS)).as("the file was not").isEqualTo(3);
    }

    @Test
    void aFileNotSeenForTheHorizonIsForgotten() {
        fileLine("web-1", 0);
        d.driver.advanceWallClockTime(ReplayGuard.HORIZON.plus(ReplayGuard.PURGE_INTERVAL).plus(Duration.ofMinutes(1)));
        fileLine("web-1", 0);
        assertThat(d.logs.readValuesToList()).hasSize(2);
        assertThat(duplicates(Topics.RAW_LOGS)).as("the file was forgotten").isZero();
        fileLine("web-1", 0);
        assertThat(duplicates(Topics.RAW_LOGS)).as("and is known again").isEqualTo(1);
        assertThat(d.driver.getKeyValueStore(ReplayGuard.STORE).approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void offsetsOfOtherShapesAreRejected() {
        assertThat(ReplayGuard.fileLineOffset(FILE + "-0")).isZero();
        assertThat(ReplayGuard.fileLineOffset(FILE + "-9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(ReplayGuard.fileLineOffset(FILE + "-99999999999999999999")).isEqualTo(-1);
        assertThat(ReplayGuard.fileLineOffset(FILE + "-")).isEqualTo(-1);
        assertThat(ReplayGuard.fileLineOffset(FILE + "-12a")).isEqualTo(-1);
        assertThat(ReplayGuard.fileLineOffset(FILE + "0-1")).isEqualTo(-1);
        assertThat(ReplayGuard.fileLineOffset("")).isEqualTo(-1);
    }
}
