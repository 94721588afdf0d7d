package dev.weir.emitter.group;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.testing.Emitters;
import dev.weir.emitter.testing.RecordingHttpServer;
import dev.weir.stack.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A maintenance window ({@code time_intervals} + a route's {@code mute_time_intervals}) and
 * business hours ({@code active_time_intervals}) on a hand-moved clock: the muted route sends
 * nothing inside the window and the notifications that came due during it once it ends, the
 * other routes carry on. The window is Saturdays 02:00-04:00 in Europe/Berlin (01:00-03:00 UTC in
 * winter).
 */
class MaintenanceWindowTest {
    /** Saturday 2025-01-04, 00:30 UTC = 01:30 in Berlin: half an hour before the window. */
    private static final Instant T0 = Instant.parse("2025-01-04T00:30:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingHttpServer db = new RecordingHttpServer();
    private final RecordingHttpServer api = new RecordingHttpServer();
    private final RecordingHttpServer office = new RecordingHttpServer();
    private Dispatcher dispatcher;

    @BeforeEach
    void setUp() {
        String yaml = """
                time_intervals:
                  - name: db-maintenance
                    time_intervals:
                      - weekdays: ['saturday']
                        times: [{start_time: '02:00', end_time: '04:00'}]
                        location: Europe/Berlin
                  - name: business-hours
                    time_intervals:
                      - weekdays: ['monday:friday']
                        times: [{start_time: '09:00', end_time: '17:00'}]
                        location: Europe/Berlin
                route:
                  receiver: api
                  group_by: [alertname, service]
                  group_wait: 30s
                  group_interval: 1m
                  repeat_interval: 12h
                  routes:
                    - matchers: ['service="db"']
                      receiver: db
                      mute_time_intervals: [db-maintenance]
                    - matchers: ['severity="ticket"']
                      receiver: office
                      active_time_intervals: [business-hours]
                receivers:
                  - name: db
                    webhook_configs: [{url: %s}]
                  - name: api
                    webhook_configs: [{url: %s}]
                  - name: office
                    webhook_configs: [{url: %s}]
                """.formatted(db.url("/db"), api.url("/api"), office.url("/office"));
        dispatcher = Emitters.dispatcher(yaml, clock).dispatcher();
    }

    @AfterEach
    void tearDown() {
        db.close();
        api.close();
        office.close();
    }

    private static Alert firing(String fp, String name, String service, Instant startsAt) {
        return new Alert(fp, Map.of("alertname", name, "service", service, "severity", "critical"), Map.of(), startsAt, null, "",
                Alert.Status.FIRING);
    }

    private static Alert resolved(Alert a, Instant at) {
        return new Alert(a.fingerprint(), a.labels(), a.annotations(), a.startsAt(), at, "", Alert.Status.RESOLVED);
    }

    private void advanceTo(Instant until) {
        while (clock.instant().isBefore(until)) {
            Duration left = Duration.between(clock.instant(), until);
            clock.advance(left.compareTo(Duration.ofSeconds(10)) < 0 ? left : Duration.ofSeconds(10));
            dispatcher.processDue();
        }
    }

    private static List<String> describe(RecordingHttpServer s) {
        return s.json().stream().map(MaintenanceWindowTest::describe).toList();
    }

    private static String describe(JsonNode b) {
        StringBuilder out = new StringBuilder(b.get("status").asText());
        b.get("alerts").forEach(a -> out.append(' ').append(a.get("fingerprint").asText()).append('=').append(a.get("status").asText()));
        return out.toString();
    }

    @Test
    void shouldSendNothingOnAMutedRouteInsideTheWindowAndWhatCameDueAfterIt() {
        Alert before = firing("db-1", "ReplicationLag", "db", T0);
        dispatcher.put(before);
        advanceTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(describe(db)).as("before the window").containsExactly("firing db-1=firing");

        Instant inWindow = Instant.parse("2025-01-04T01:10:00Z");
        advanceTo(inWindow);
        dispatcher.put(resolved(before, inWindow));
        Alert during = firing("db-2", "DiskFull", "db", inWindow);
        dispatcher.put(during);
        Alert apiAlert = firing("api-1", "HighErrorRate", "checkout", inWindow);
        dispatcher.put(apiAlert);
        advanceTo(Instant.parse("2025-01-04T02:59:00Z"));

        assertThat(describe(db)).as("nothing inside the window").containsExactly("firing db-1=firing");
        assertThat(describe(api)).as("other routes are not muted").containsExactly("firing api-1=firing");

        advanceTo(Instant.parse("2025-01-04T03:02:00Z"));

        assertThat(describe(db)).as("the due notifications once the window ended").containsExactlyInAnyOrder(
                "firing db-1=firing", "resolved db-1=resolved", "firing db-2=firing");
        advanceTo(Instant.parse("2025-01-04T06:00:00Z"));
        assertThat(db.bodies()).as("and nothing twice").hasSize(3);
    }

    @Test
    void shouldSendOnARouteWithActiveTimeIntervalsOnlyInsideThem() {
        Alert ticket = new Alert("t-1", Map.of("alertname", "CertExpiresSoon", "service", "web", "severity", "ticket"), Map.of(),
                T0, null, "", Alert.Status.FIRING);
        dispatcher.put(ticket);
        advanceTo(Instant.parse("2025-01-06T07:59:00Z")); // Monday 08:59 in Berlin
        assertThat(office.bodies()).as("not over the weekend, nor before 09:00").isEmpty();

        advanceTo(Instant.parse("2025-01-06T08:02:00Z"));

        assertThat(describe(office)).containsExactly("firing t-1=firing");
    }
}
