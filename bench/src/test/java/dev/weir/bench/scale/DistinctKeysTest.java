package dev.weir.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.common.kafka.Topics;
import dev.weir.processor.route.RouteTemplater;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DistinctKeysTest {
    private static final Instant NOW = Instant.parse("2026-11-22T22:41:37.250Z");

    @Test
    void shouldGiveEveryEventOfALoginLoadItsOwnUserAndAddress() {
        Set<String> users = new HashSet<>();
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 70_000; i++) {
            ObjectNode e = DistinctKeys.LOGINS.event(i, NOW);
            users.add(e.get("user.name").asText());
            ips.add(e.get("source.ip").asText());
        }
        assertThat(users).hasSize(70_000);
        assertThat(ips).hasSize(70_000);
    }

    @Test
    void shouldWriteLoginsAsFailedEcsAuthenticationEventsOfOneService() {
        ObjectNode e = DistinctKeys.LOGINS.event(5, NOW);

        assertThat(e.get("event.category").asText()).isEqualTo("authentication");
        assertThat(e.get("event.outcome").asText()).isEqualTo("failure");
        assertThat(e.get("service.name").asText()).isEqualTo(DistinctKeys.LOGINS.key(5)).isEqualTo(DistinctKeys.LOGINS.key(6));
        assertThat(DistinctKeys.LOGINS.topic()).isEqualTo(Topics.RAW_LOGS);
    }

    @Test
    void shouldNumberAddressesWithinTenSlashEight() {
        assertThat(DistinctKeys.ip(0)).isEqualTo("10.0.0.0");
        assertThat(DistinctKeys.ip(1_000_000)).isEqualTo("10.15.66.64");
        assertThat(DistinctKeys.ip((1 << 24) - 1)).isEqualTo("10.255.255.255");
        assertThatThrownBy(() -> DistinctKeys.ip(1 << 24)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepRoutesDistinctAfterTemplating() {
        RouteTemplater templater = new RouteTemplater();
        for (int i : new int[] {0, 7, 12_345, 999_999}) {
            String path = DistinctKeys.ROUTES.event(i, NOW).get("path").asText();
            assertThat(templater.template(path)).isEqualTo(path);
        }
        assertThat(DistinctKeys.ROUTES.key(1)).isEqualTo(DistinctKeys.ROUTES.key(2));
    }

    @Test
    void shouldKeyServiceEventsByTheirDistinctService() {
        ObjectNode e = DistinctKeys.SERVICES.event(42, NOW);

        assertThat(e.get("service").asText()).isEqualTo("svc-42").isEqualTo(DistinctKeys.SERVICES.key(42));
        assertThat(DistinctKeys.SERVICES.topic()).isEqualTo(Topics.RAW_REQUESTS);
    }

    @Test
    void shouldPutEveryEventOfALoadIntoOneMinuteWindowInThePast() {
        int count = 1_000_000;
        Instant first = DistinctKeys.time(NOW, 0, count);
        Instant last = DistinctKeys.time(NOW, count - 1, count);

        assertThat(first).isEqualTo(Instant.parse("2026-11-22T22:40:00Z"));
        assertThat(last).isBefore(first.plus(Duration.ofMinutes(1))).isBefore(NOW);
        assertThat(Duration.between(first, last)).isLessThanOrEqualTo(DistinctKeys.SPREAD);
    }
}
