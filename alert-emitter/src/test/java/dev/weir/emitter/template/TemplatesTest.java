package dev.weir.emitter.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.emitter.alert.Alert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
    private static final Instant T = Instant.parse("2025-03-04T05:06:07Z");
    private final Templates templates = Templates.withDefaults();

    private static NotificationData data(String severity, String... descriptions) {
        List<AlertData> alerts = new java.util.ArrayList<>();
        int i = 0;
        for (String d : descriptions) {
            Alert a = new Alert("fp" + i, Map.of("alertname", "HighErrorRate", "severity", severity, "service", "api", "pod", "p" + i++),
                    Map.of("summary", "High error rate detected", "description", d, "runbook", "http://runbook/" + i),
                    T, null, "http://gen", Alert.Status.FIRING);
            alerts.add(new AlertData(a, false));
        }
        return new NotificationData("slack-alerts", "{}:{alertname=\"HighErrorRate\"}", Map.of("alertname", "HighErrorRate"),
                alerts, "http://weir:9093");
    }

    private String render(String text, Object data) {
        return templates.render(templates.compile(text), data);
    }

    @Test
    void rendersTheKeneyAppSlackTitleWithToUpper() {
        assertThat(render("{{ .CommonLabels.severity | toUpper }}: {{ .CommonAnnotations.summary }}", data("critical", "x")))
                .isEqualTo("CRITICAL: High error rate detected");
    }

    @Test
    void rendersTheKeneyAppColorWithElseIfChain() {
        String color = "{{ if eq .CommonLabels.severity \"critical\" }}danger{{ else if eq .CommonLabels.severity \"high\" }}warning{{ else }}good{{ end }}";
        assertThat(render(color, data("critical", "x"))).isEqualTo("danger");
        assertThat(render(color, data("high", "x"))).isEqualTo("warning");
        assertThat(render(color, data("medium", "x"))).isEqualTo("good");
    }

    @Test
    void rangesOverAlertsWithTheirAnnotations() {
        assertThat(render("{{ range .Alerts }}{{ .Annotations.description }};{{ end }}", data("high", "one", "two")))
                .isEqualTo("one;two;");
    }

    @Test
    void rendersTheSmsGroupLabelTemplate() {
        assertThat(render("Alert: {{ .GroupLabels.alertname }}", data("warning", "x"))).isEqualTo("Alert: HighErrorRate");
    }

    @Test
    void trimMarkersRemoveSurroundingWhitespace() {
        assertThat(render("a  {{- \" b \" -}}  c", data("x"))).isEqualTo("a b c");
    }

    @Test
    void defaultSlackTitleIsAlertmanagersSubject() {
        assertThat(render("{{ template \"slack.default.title\" . }}", data("critical", "x", "y")))
                .isEqualTo("[FIRING:2] HighErrorRate (api critical)");
    }

    @Test
    void humanizeFunctionsFormatLikePrometheus() {
        assertThat(render("{{ humanizePercentage 0.0734 }} {{ humanize 1234567.0 }} {{ humanize 0.25 }}", data("x")))
                .isEqualTo("7.34% 1.235M 250m");
        assertThat(render("{{ humanize1024 1048576.0 }} {{ humanizeDuration 90000.0 }} {{ humanizeDuration 0.25 }}", data("x")))
                .isEqualTo("1Mi 1d 1h 0m 0s 250ms");
    }

    @Test
    void joinTitleToLowerAndNeWork() {
        assertThat(render("{{ .GroupLabels.SortedPairs.Values | join \",\" }} {{ title \"high error\" }} {{ toLower \"ABC\" }} {{ ne .Status \"resolved\" }}",
                data("x", "d"))).isEqualTo("HighErrorRate High Error abc true");
    }

    @Test
    void variablesAndRangeWithIndexWork() {
        assertThat(render("{{ $s := .Status }}{{ range $i, $a := .Alerts }}{{ $i }}={{ $a.Labels.pod }}/{{ $s }} {{ end }}", data("x", "a", "b")))
                .isEqualTo("0=p0/firing 1=p1/firing ");
    }

    @Test
    void unknownFunctionIsRejectedAtCompileTimeNamingIt() {
        assertThatThrownBy(() -> templates.compile("{{ .Status | sprigUpper }}"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("unsupported function 'sprigUpper'");
    }

    @Test
    void unsupportedKeywordIsRejectedNamingIt() {
        assertThatThrownBy(() -> templates.compile("{{ block \"x\" . }}{{ end }}"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("unsupported construct 'block'");
    }

    @Test
    void unknownFieldFailsWhenRendered() {
        assertThatThrownBy(() -> render("{{ .Nope }}", data("x")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("can't evaluate field Nope");
    }

    @Test
    void missingLabelRendersEmpty() {
        assertThat(render("[{{ .CommonLabels.absent }}]", data("x"))).isEqualTo("[]");
    }
}
