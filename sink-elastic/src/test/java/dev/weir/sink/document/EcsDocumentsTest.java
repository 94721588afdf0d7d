package dev.weir.sink.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weir.schemas.AlertStatus;
import dev.weir.schemas.EventInfo;
import dev.weir.schemas.LogEvent;
import dev.weir.sink.Events;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcsDocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EcsDocuments ecs = new EcsDocuments(new DataStreams("default", List.of("authentication")));

    private static JsonNode json(IndexDoc d) throws IOException {
        return JSON.readTree(d.json());
    }

    @Test
    void shouldUseTheEventIdAsDocumentId() {
        assertThat(ecs.log(Events.fullLog()).id()).isEqualTo("e-1");
    }

    @Test
    void shouldRouteApplicationLogsToServiceAndEnvironmentDataStream() {
        assertThat(ecs.log(Events.fullLog()).target()).isEqualTo("logs-checkout-prod");
    }

    @Test
    void shouldRouteAuthenticationEventsToTheSecurityDataStream() {
        LogEvent e = Events.log("x", "auth", "prod", Events.T0);
        e.setEvent(EventInfo.newBuilder().setCategory("Authentication").setOutcome("failure").build());
        assertThat(ecs.log(e).target()).isEqualTo("logs-auth.security-prod");
    }

    @Test
    void shouldRouteRequestEventsToTheAccessDataStream() {
        assertThat(ecs.request(Events.request("r", "shop-nginx", null, Events.T0)).target())
                .isEqualTo("logs-shop_nginx.access-default");
    }

    @Test
    void shouldWriteTheEcsMapAtItsDottedPlacesWithItsTypesAndTheEventsOwnDatasetAndKind() throws IOException {
        LogEvent e = Events.log("s", "bastion", "prod", Events.T0);
        e.setLevel(dev.weir.schemas.LogLevel.INFO);
        e.setCount(5);
        e.setEcs(new java.util.LinkedHashMap<>(java.util.Map.of("process.pid", 4242L, "process.name", "sshd",
                "log.syslog.hostname", "bastion-1", "event.dataset", "system.auth", "event.module", "system",
                "event.risk_score", 21.5, "tls.established", true, "event.type", List.of("info", "start"),
                "host.name", "not-this-one")));

        JsonNode d = json(ecs.log(e));

        assertThat(d.path("process.pid").isIntegralNumber()).isTrue();
        assertThat(d.path("process.pid").asLong()).isEqualTo(4242);
        assertThat(d.path("process.name").asText()).isEqualTo("sshd");
        assertThat(d.path("log.syslog.hostname").asText()).isEqualTo("bastion-1");
        assertThat(d.path("event.dataset").asText()).isEqualTo("system.auth");
        assertThat(d.path("data_stream.dataset").asText()).isEqualTo("bastion");
        assertThat(d.path("event.module").asText()).isEqualTo("system");
        assertThat(d.path("event.risk_score").asDouble()).isEqualTo(21.5);
        assertThat(d.path("tls.established").isBoolean()).isTrue();
        assertThat(d.path("event.type")).hasSize(2);
        assertThat(d.path("weir.count").asLong()).isEqualTo(5);
        assertThat(d.has("host.name")).as("host.name is the event's own field, never the map's").isFalse();
        assertThat(d.path("labels").isMissingNode()).isTrue();
    }

    @Test
    void shouldLeaveAnUnknownLevelOut() throws IOException {
        LogEvent e = Events.log("u", "svc", "prod", Events.T0);
        e.setLevel(dev.weir.schemas.LogLevel.UNKNOWN);
        assertThat(json(ecs.log(e)).has("log.level")).isFalse();
    }

    @Test
    void shouldWriteEcsFieldsOfALogEvent() throws IOException {
        JsonNode d = json(ecs.log(Events.fullLog()));
        assertThat(d.path("@timestamp").asText()).isEqualTo("2025-03-14T09:26:53.589Z");
        assertThat(d.path("message").asText()).isEqualTo("Payment failed for order 1042");
        assertThat(d.path("log.level").asText()).isEqualTo("error");
        assertThat(d.path("log.logger").asText()).isEqualTo("dev.shop.PaymentClient");
        assertThat(d.path("service.name").asText()).isEqualTo("checkout");
        assertThat(d.path("service.environment").asText()).isEqualTo("prod");
        assertThat(d.path("host.name").asText()).isEqualTo("checkout-7d9c");
        assertThat(d.path("trace.id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(d.path("span.id").asText()).isEqualTo("00f067aa0ba902b7");
        assertThat(d.path("error.type").asText()).isEqualTo("java.net.SocketTimeoutException");
        assertThat(d.path("error.message").asText()).isEqualTo("Read timed out");
        assertThat(d.path("error.stack_trace").asText()).startsWith("java.net.SocketTimeoutException");
        assertThat(d.path("event.id").asText()).isEqualTo("e-1");
        assertThat(d.path("event.category").asText()).isEqualTo("web");
        assertThat(d.path("event.action").asText()).isEqualTo("payment");
        assertThat(d.path("event.outcome").asText()).isEqualTo("failure");
        assertThat(d.path("event.duration").asLong()).isEqualTo(1_500_000_000L);
        assertThat(d.path("http.request.method").asText()).isEqualTo("POST");
        assertThat(d.path("http.response.status_code").asInt()).isEqualTo(502);
        assertThat(d.path("url.path").asText()).isEqualTo("/orders/1042/pay");
        assertThat(d.path("user.name").asText()).isEqualTo("bob");
        assertThat(d.path("source.ip").asText()).isEqualTo("198.51.100.23");
        assertThat(d.path("labels").path("region").asText()).isEqualTo("eu-west-1");
        assertThat(d.path("tags").get(0).asText()).isEqualTo("payments");
        assertThat(d.path("weir.route").asText()).isEqualTo("/orders/{id}/pay");
        assertThat(d.path("weir.redactions").asInt()).isEqualTo(2);
        assertThat(d.path("data_stream.dataset").asText()).isEqualTo("checkout");
        assertThat(d.path("data_stream.namespace").asText()).isEqualTo("prod");
    }

    @Test
    void shouldLeaveOutFieldsThatAreNotSet() throws IOException {
        JsonNode d = json(ecs.log(Events.log("x", "svc", null, Events.T0)));
        assertThat(d.has("error.type")).isFalse();
        assertThat(d.has("service.environment")).isFalse();
        assertThat(d.has("labels")).isFalse();
    }

    @Test
    void shouldConvertRequestDurationFromMillisecondsToNanoseconds() throws IOException {
        JsonNode d = json(ecs.request(Events.request("r", "auth", "prod", Events.T0)));
        assertThat(d.path("event.duration").asLong()).isEqualTo(35_200_000L);
        assertThat(d.path("http.response.status_code").asInt()).isEqualTo(401);
        assertThat(d.path("event.outcome").asText()).isEqualTo("failure");
        assertThat(d.path("weir.login_attempt").asBoolean()).isTrue();
        assertThat(d.path("client.ip").asText()).isEqualTo("198.51.100.23");
    }

    @Test
    void shouldGiveEachAlertStateChangeItsOwnId() {
        Instant start = Events.T0;
        IndexDoc firing = ecs.alert(Events.alert("fp", AlertStatus.FIRING, start, start));
        IndexDoc resolved = ecs.alert(Events.alert("fp", AlertStatus.RESOLVED, start, start.plusSeconds(60)));
        IndexDoc firingAgain = ecs.alert(Events.alert("fp", AlertStatus.FIRING, start, start));
        assertThat(firing.id()).isNotEqualTo(resolved.id()).isEqualTo(firingAgain.id());
        assertThat(firing.target()).isEqualTo(DataStreams.ALERTS);
    }

    @Test
    void shouldWriteAlertFields() throws IOException {
        JsonNode d = json(ecs.alert(Events.alert("fp", AlertStatus.RESOLVED, Events.T0, Events.T0.plusSeconds(60))));
        assertThat(d.path("@timestamp").asText()).isEqualTo("2025-03-14T09:27:53.589Z");
        assertThat(d.path("rule.name").asText()).isEqualTo("HighErrorRate");
        assertThat(d.path("weir.alert.status").asText()).isEqualTo("resolved");
        assertThat(d.path("weir.alert.severity").asText()).isEqualTo("critical");
        assertThat(d.path("message").asText()).isEqualTo("Error rate above 5%");
        assertThat(d.path("weir.alert.annotations").path("runbook_url").asText()).isEqualTo("https://runbooks/x");
        assertThat(d.path("service.name").asText()).isEqualTo("checkout");
    }

    @Test
    void shouldWriteNonFiniteAlertValuesAsZeroSoTheDocumentStaysValidJson() throws IOException {
        var a = Events.alert("fp", AlertStatus.FIRING, Events.T0, Events.T0);
        a.setValue(Double.NaN);
        assertThat(json(ecs.alert(a)).path("weir.alert.value").asDouble()).isZero();
    }

    @Test
    void shouldWriteTimestampsExactlyAsInstantToStringDoes() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<Instant> samples = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.parse("2000-02-29T23:59:59.999999999Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.000001Z"), Instant.parse("2026-03-01T00:00:00.120Z")));
        for (int i = 0; i < 10_000; i++) {
            long nanos = i % 3 == 0 ? random.nextInt(1000) * 1_000_000L : i % 3 == 1 ? random.nextInt(1_000_000) * 1000L
                    : random.nextInt(1_000_000_000);
            samples.add(Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L), nanos));
        }
        byte[] c = new byte[EcsDocuments.ISO_MAX + 3];
        for (Instant t : samples) {
            int n = EcsDocuments.iso(t.getEpochSecond(), t.getNano(), c, 3);
            assertThat(new String(c, 3, n, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(t.toString());
        }
        assertThat(EcsDocuments.iso(Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond(), 0, c, 0)).isEqualTo(-1);
    }
}
