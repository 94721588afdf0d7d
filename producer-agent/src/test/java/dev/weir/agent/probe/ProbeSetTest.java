package dev.weir.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeSetTest {
    private static ProbeSet parse(String yaml) {
        return ProbeSet.parse(Map.of("probes.yml", yaml));
    }

    private static void assertInvalid(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ProbeException.class).hasMessage(message);
    }

    @Test
    void shouldReadEveryFieldOfAnHttpProbe() {
        ProbeDefinition p = parse("""
                probes:
                  - name: checkout-health
                    service: checkout
                    url: https://checkout.example.com/health?deep=1
                    method: post
                    headers: {Accept: application/json}
                    body: '{}'
                    interval: 15s
                    timeout: 2s
                    expect:
                      status: [200, "300-302"]
                      body_contains: healthy
                      json: '$.checks[0].status == "healthy"'
                    tls: {expiry_warning: 14d}
                """).probes().get("checkout-health");

        assertThat(p.type()).isEqualTo(ProbeDefinition.Type.HTTP);
        assertThat(p.service()).isEqualTo("checkout");
        assertThat(p.method()).isEqualTo("POST");
        assertThat(p.headers()).containsEntry("Accept", "application/json");
        assertThat(p.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.expectStatus().accepts(200)).isTrue();
        assertThat(p.expectStatus().accepts(301)).isTrue();
        assertThat(p.expectStatus().accepts(204)).isFalse();
        assertThat(p.bodyContains()).isEqualTo("healthy");
        assertThat(p.json().failure("{\"checks\":[{\"status\":\"healthy\"}]}")).isNull();
        assertThat(p.json().failure("{\"checks\":[{\"status\":\"degraded\"}]}")).contains("got \"degraded\"");
        assertThat(p.tlsExpiryWarning()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void shouldDefaultServiceToNameStatusTo2xxAndReadTcpProbes() {
        ProbeSet set = parse("""
                probes:
                  - {name: api, url: "http://127.0.0.1:8080/health"}
                  - {name: db, address: "db.internal:5432", interval: 1m, timeout: 3s}
                """);

        assertThat(set.probes().get("api").service()).isEqualTo("api");
        assertThat(set.probes().get("api").expectStatus().accepts(299)).isTrue();
        assertThat(set.probes().get("api").expectStatus().accepts(301)).isFalse();
        ProbeDefinition db = set.probes().get("db");
        assertThat(db.type()).isEqualTo(ProbeDefinition.Type.TCP);
        assertThat(db.host()).isEqualTo("db.internal");
        assertThat(db.port()).isEqualTo(5432);
    }

    @Test
    void shouldReadTheSameProbeBackFromItsPublishedYaml() {
        ProbeDefinition p = parse("probes:\n  - {name: api, url: \"http://x:1/h\", expect: {json: '$.ok == true'}}\n").probes().get("api");

        ProbeDefinition back = ProbeSet.parseOne("api", p.yaml());

        assertThat(back.yaml()).isEqualTo(p.yaml());
        assertThat(back.json().failure("{\"ok\":true}")).isNull();
    }

    @Test
    void shouldNameTheProbeAndFieldOfEveryProblem() {
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", expect: {status: [200, abc]}}\n",
                "Invalid probe a in probes.yml, field expect.status: \"abc\" is not a status code or a range such as 200-299");
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", interval: 10s, timeout: 20s}\n",
                "Invalid probe a in probes.yml, field timeout: must not be longer than interval (10s), or runs would overlap");
        assertInvalid("probes:\n  - {name: a, url: \"ftp://x/\"}\n",
                "Invalid probe a in probes.yml, field url: must be an absolute http:// or https:// URL (got \"ftp://x/\")");
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", expect: {json: '$.status = healthy'}}\n",
                "Invalid probe a in probes.yml, field expect.json: must read PATH == VALUE, e.g. $.status == \"healthy\" (got \"$.status = healthy\")");
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", intervall: 5s}\n",
                "Invalid probe a in probes.yml, field intervall: unknown field; known fields: address, body, expect, headers, interval, method, name, service, timeout, tls, type, url");
        assertInvalid("probes:\n  - {name: db, address: \"db:99999\"}\n",
                "Invalid probe db in probes.yml, field address: must be host:port with a port between 1 and 65535 (got \"db:99999\")");
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", tls: {expiry_warning: 14d}}\n",
                "Invalid probe a in probes.yml, field tls.expiry_warning: needs an https:// url");
        assertInvalid("probes:\n  - {url: \"http://x/\"}\n",
                "Invalid probe #1 in probes.yml, field name: is required: letters, digits, _ . - (at most 100), e.g. name: checkout-health");
        assertInvalid("probes:\n  - {name: a, url: \"http://x/\", interval: 2h}\n",
                "Invalid probe a in probes.yml, field interval: must be between 1s and 1h (got 2h)");
    }

    @Test
    void shouldRefuseTwoProbesOfOneName() {
        assertThatThrownBy(() -> ProbeSet.parse(Map.of("a.yml", "probes:\n  - {name: api, url: \"http://x/\"}\n",
                "b.yml", "probes:\n  - {name: api, url: \"http://y/\"}\n")))
                .hasMessage("Invalid probe api in b.yml, field name: the name is already used by a probe in a.yml; probe names must be unique across all files");
    }

    @Test
    void shouldRunAtSlotsThatDependOnlyOnTheProbe() {
        ProbeDefinition p = parse("probes:\n  - {name: api, url: \"http://x/\", interval: 10s}\n").probes().get("api");
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:03.500Z");

        java.time.Instant slot = ProbeRunner.nextSlot(p, now);

        assertThat(slot).isAfterOrEqualTo(now).isBefore(now.plusSeconds(10));
        assertThat(ProbeRunner.nextSlot(p, slot)).isEqualTo(slot);
        assertThat(ProbeRunner.nextSlot(p, slot.plusMillis(1))).isEqualTo(slot.plusSeconds(10));
    }
}
