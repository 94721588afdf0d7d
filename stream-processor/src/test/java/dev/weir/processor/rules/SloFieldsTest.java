package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloFieldsTest {
    private static RuleSet parse(String yaml) {
        return RuleSet.parse(Map.of("slos.yml", yaml));
    }

    @Test
    void shouldReadAnSloAndDeriveItsPageAndTicketAlerts() {
        RuleSet set = parse("""
                slos:
                  - {name: checkout-latency, service: checkout, sli: latency, threshold: 500ms, objective: 99.5%, window: 28d, public: true}
                """);

        Slo slo = set.slo("checkout-latency");
        assertThat(slo.sli()).isEqualTo(Slo.Sli.LATENCY);
        assertThat(slo.thresholdMs()).isEqualTo(500.0);
        assertThat(slo.objective()).isEqualTo(0.995);
        assertThat(slo.window()).isEqualTo(Duration.ofDays(28));
        Rule page = set.rule("ErrorBudgetBurnFast:checkout-latency");
        assertThat(page.signal()).isEqualTo(Signal.BURN_RATE);
        assertThat(page.severity()).isEqualTo("page");
        assertThat(page.burnWindows()).isEqualTo(Slo.PAGE);
        assertThat(page.match()).containsEntry("service", "checkout");
        assertThat(page.latencySli()).isTrue();
        assertThat(page.publicAlert()).isTrue();
        assertThat(set.rule("ErrorBudgetBurnSlow:checkout-latency").burnWindows()).isEqualTo(Slo.TICKET);
    }

    @Test
    void shouldNameTheSloAndFieldOfEveryProblem() {
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, service: s, sli: latency, objective: 99%}\n"))
                .hasMessage("Invalid rule a in slos.yml, field threshold: is required with sli: latency: a duration such as 500ms");
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, service: s, objective: 101%}\n"))
                .hasMessage("Invalid rule a in slos.yml, field objective: must be between 0 and 100% exclusive (got 101%)");
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, service: s, objective: 99%, window: 45d}\n"))
                .hasMessageStartingWith("Invalid rule a in slos.yml, field window: must be calendar_month or whole hours between 1h and 31d");
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, sli: probe, objective: 99%}\n"))
                .hasMessage("Invalid rule a in slos.yml, field probe: is required with sli: probe: the probe's name");
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, service: s, objective: 99%, target: 1}\n"))
                .hasMessageStartingWith("Invalid rule a in slos.yml, field target: unknown field");
    }

    @Test
    void shouldNameTheSloOfAValueThatIsNotTrueOrFalse() {
        assertThatThrownBy(() -> parse("slos:\n  - {name: a, service: s, objective: 99%, public: maybe}\n"))
                .isInstanceOf(RuleException.class)
                .hasMessage("Invalid rule a in slos.yml, field public: must be true or false (got \"maybe\")");
    }
}
