package dev.weir.emitter.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.emitter.alert.Alert;
import dev.weir.emitter.template.AlertData;
import dev.weir.emitter.template.NotificationData;
import dev.weir.emitter.template.Templates;
import dev.weir.schemas.AlertEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertEventAdapterTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void shouldAddAlertnameAndSeverityLabelsFromTheRule() {
        Alert alert = AlertEventAdapter.toAlert(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0));

        assertThat(alert.labels()).containsExactlyInAnyOrderEntriesOf(
                Map.of("alertname", "HighErrorRate", "severity", "critical", "service", "checkout"));
        assertThat(alert.fingerprint()).isEqualTo("fp1");
        assertThat(alert.status()).isEqualTo(Alert.Status.FIRING);
        assertThat(alert.startsAt()).isEqualTo(T0);
        assertThat(alert.endsAt()).isNull();
    }

    @Test
    void shouldKeepLabelsTheEventAlreadyHas() {
        AlertEvent event = AlertEvent.newBuilder(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0))
                .setLabels(Map.of("alertname", "ErrorRate5xx", "severity", "page")).build();

        assertThat(AlertEventAdapter.toAlert(event).labels()).containsEntry("alertname", "ErrorRate5xx").containsEntry("severity", "page");
    }

    @Test
    void shouldLinkTheKibanaLogsAsGeneratorUrlAndAnnotation() {
        Alert alert = AlertEventAdapter.toAlert(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0));

        assertThat(alert.generatorURL()).isEqualTo("https://kibana.example/app/discover#/?service=checkout");
        assertThat(alert.annotations()).containsEntry("kibana_url", "https://kibana.example/app/discover#/?service=checkout");
    }

    @Test
    void shouldCarryRunbookValueThresholdAndExemplarsAsAnnotations() {
        Alert alert = AlertEventAdapter.toAlert(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0));

        assertThat(alert.annotations())
                .containsEntry("runbook_url", "https://runbooks.example/HighErrorRate")
                .containsEntry("runbook", "https://runbooks.example/HighErrorRate")
                .containsEntry("value", "0.073")
                .containsEntry("threshold", "0.05")
                .containsEntry("exemplar_event_ids", "ev-1,ev-2")
                .doesNotContainKey("exemplar_trace_ids");
    }

    @Test
    void shouldUseAPrometheusGeneratorUrlWhenThereIsNoKibanaLink() {
        AlertEvent event = AlertEvent.newBuilder(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0))
                .setKibanaUrl(null).setGenerator("http://prometheus:9090/graph?g0.expr=up").build();

        Alert alert = AlertEventAdapter.toAlert(event);

        assertThat(alert.generatorURL()).isEqualTo("http://prometheus:9090/graph?g0.expr=up");
        assertThat(alert.annotations()).doesNotContainKey("kibana_url");
    }

    @Test
    void shouldLeaveGeneratorUrlEmptyForANonUrlGeneratorWithoutKibana() {
        AlertEvent event = AlertEvent.newBuilder(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0))
                .setKibanaUrl(null).build();

        assertThat(AlertEventAdapter.toAlert(event).generatorURL()).isEmpty();
    }

    @Test
    void shouldResolveAtEndsAt() {
        AlertEvent firing = AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0);
        Alert alert = AlertEventAdapter.toAlert(AlertEvents.resolved(firing, T0.plusSeconds(600)));

        assertThat(alert.status()).isEqualTo(Alert.Status.RESOLVED);
        assertThat(alert.endsAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(alert.resolvedAt(T0.plusSeconds(600))).isTrue();
    }

    @Test
    void shouldRejectAnEventWithoutFingerprint() {
        AlertEvent event = AlertEvent.newBuilder(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0))
                .setFingerprint(" ").build();

        assertThatThrownBy(() -> AlertEventAdapter.toAlert(event)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HighErrorRate");
    }

    @Test
    void shouldPutKibanaLinkAndRunbookIntoTheDefaultEmailBody() {
        Alert alert = AlertEventAdapter.toAlert(AlertEvents.firing("fp1", "HighErrorRate", "checkout", T0));
        NotificationData data = new NotificationData("ops", "{}:{alertname=\"HighErrorRate\"}",
                Map.of("alertname", "HighErrorRate"), List.of(new AlertData(alert, false)), "http://weir:9093");

        Templates templates = Templates.withDefaults();
        String text = templates.render(templates.compile("{{ template \"email.default.text\" . }}"), data);

        assertThat(text).contains("Source: https://kibana.example/app/discover#/?service=checkout")
                .contains("runbook_url = https://runbooks.example/HighErrorRate");
    }
}
