package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {
    static final String VALID = """
            rules:
              - alert: HighErrorRate
                signal: error_ratio
                threshold: 5%
                for: 5m
                severity: critical
            """;

    static RuleException invalid(String yaml) {
        try {
            RuleSet.parse(Map.of("errors.yml", yaml));
        } catch (RuleException e) {
            return e;
        }
        throw new AssertionError("expected a RuleException");
    }

    @Test
    void shouldNameFileRuleAndFieldOfAnInvalidThreshold() {
        RuleException e = invalid(VALID.replace("threshold: 5%", "threshold: lots"));
        assertThat(e.file()).isEqualTo("errors.yml");
        assertThat(e.rule()).isEqualTo("HighErrorRate");
        assertThat(e.field()).isEqualTo("threshold");
        assertThat(e).hasMessage("Invalid rule HighErrorRate in errors.yml, field threshold: must be a number or a"
                + " percentage such as 5% (got \"lots\")");
    }

    @Test
    void shouldRejectAnUnknownField() {
        assertThat(invalid(VALID.replace("for: 5m", "fro: 5m")).field()).isEqualTo("fro");
    }

    @Test
    void shouldRejectAnUnknownSignal() {
        assertThat(invalid(VALID.replace("error_ratio", "error_rate")).getMessage())
                .contains("field signal").contains("unknown signal \"error_rate\"");
    }

    @Test
    void shouldRejectABadDuration() {
        assertThat(invalid(VALID.replace("for: 5m", "for: 5 minutes")).field()).isEqualTo("for");
    }

    @Test
    void shouldRejectAGroupingWithoutService() {
        assertThat(invalid(VALID.replace("for: 5m", "group_by: [route]")).field()).isEqualTo("group_by");
    }

    @Test
    void shouldRejectAnUnknownTemplateFunction() {
        assertThat(invalid(VALID + "    annotations:\n      summary: \"{{ $value | humanise }}\"\n").field())
                .isEqualTo("annotations.summary");
    }

    @Test
    void shouldRejectAMissingSeverity() {
        assertThat(invalid(VALID.replace("    severity: critical\n", "")).field()).isEqualTo("severity");
    }

    @Test
    void shouldRejectTwoRulesWithOneNameAcrossFiles() {
        assertThatThrownBy(() -> RuleSet.parse(Map.of("a.yml", VALID, "b.yml", VALID)))
                .isInstanceOf(RuleException.class).hasMessageContaining("b.yml").hasMessageContaining("already used");
    }

    @Test
    void shouldRejectYamlThatDoesNotParse() {
        assertThat(invalid("rules: [").getMessage()).startsWith("Invalid rule file errors.yml: not valid YAML");
    }

    @Test
    void shouldSayWhatARuleFileHoldsWhenItIsNotAMapping() {
        assertThat(invalid("- alert: A\n  expr: x\n")).hasMessage("Invalid rule file errors.yml: must be a YAML mapping at the top level"
                + " holding a rules: list, a slos: list and a metrics: list");
    }

    @Test
    void shouldNameTheRuleAndFieldOfABadDurationInTheOneDurationGrammar() {
        assertThat(invalid(VALID.replace("for: 5m", "for: 5 minutes"))).hasMessage("Invalid rule HighErrorRate in errors.yml,"
                + " field for: must be a duration such as 500ms, 30s, 5m, 1h or 7d (got \"5 minutes\")");
    }

    @Test
    void shouldNameTheNestedFieldOfALabelThatIsNotText() {
        assertThat(invalid(VALID + "    labels: {team: [core, web]}\n")).hasMessage("Invalid rule HighErrorRate in errors.yml,"
                + " field labels.team: must be a single value, not a list or mapping");
    }

    @Test
    void shouldNameTheBurnWindowThatIsNotADuration() {
        RuleException e = invalid("""
                rules:
                  - alert: Burn
                    signal: burn_rate
                    objective: 99.9%
                    severity: page
                    burn_windows: [{long: 1h, short: 5m, factor: 14.4}, {long: 6 hours, short: 30m, factor: 6}]
                """);
        assertThat(e.rule()).isEqualTo("Burn");
        assertThat(e.field()).isEqualTo("burn_windows[1].long");
    }

    @Test
    void shouldRefuseARulesKeyThatIsNotAListAsARuleProblem() {
        RuleException e = invalid("rules: {alert: HighErrorRate}");
        assertThat(e.rule()).isNull();
        assertThat(e.field()).isEqualTo("rules");
        assertThat(e.getMessage()).startsWith("Invalid rule file errors.yml, field rules: must be a list of mappings");
    }

    @Test
    void shouldSkipAFileWhoseRulesAreNotAListWhenLenient() {
        List<RuleException> problems = new ArrayList<>();
        RuleSet set = RuleSet.lenient(Map.of("bad.yml", "rules: 5", "good.yml", VALID), problems::add);
        assertThat(set.rules()).extracting(Rule::name).containsExactly("HighErrorRate");
        assertThat(problems).extracting(RuleException::file).containsExactly("bad.yml");
    }

    @Test
    void shouldKeepDollarBracesInAnnotationsAsWrittenWithoutReadingTheEnvironmentOrFiles(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t");
        Rule r = RuleSet.parse(Map.of("errors.yml", VALID + "    annotations:\n      summary: \"${HOME} ${file:" + secret + "}\"\n"))
                .rule("HighErrorRate");
        assertThat(r.annotations()).containsEntry("summary", "${HOME} ${file:" + secret + "}");
    }

    @Test
    void shouldReadPercentagesDurationsAndSeverityFromLabels() {
        Rule r = RuleSet.parse(Map.of("l.yml", """
                rules:
                  - alert: Slow
                    signal: latency_quantile
                    quantile: p99
                    threshold: 1500ms
                    window: 1h30m
                    labels: {severity: warning, team: core}
                """)).rule("Slow");
        assertThat(r.quantile()).isEqualTo(0.99);
        assertThat(r.threshold()).isEqualTo(1.5);
        assertThat(r.window()).isEqualTo(Duration.ofMinutes(90));
        assertThat(r.severity()).isEqualTo("warning");
        assertThat(r.labels()).containsOnlyKeys("team");
    }

    @Test
    void shouldLoadEveryYamlFileOfADirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.yml"), VALID);
        Files.writeString(dir.resolve("b.yaml"), VALID.replace("HighErrorRate", "Other"));
        Files.writeString(dir.resolve("notes.txt"), "not rules");
        assertThat(RuleSet.load(dir).rules()).extracting(Rule::name).containsExactly("HighErrorRate", "Other");
    }

    @Test
    void shouldCarryTheSeedAlertsInTheDefaultPack() {
        RuleSet pack = RuleSet.defaults();
        assertThat(pack.rule("HighErrorRate")).satisfies(r -> {
            assertThat(r.threshold()).isEqualTo(0.05);
            assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(5));
            assertThat(r.severity()).isEqualTo("critical");
        });
        assertThat(pack.rule("ModerateErrorRate").threshold()).isEqualTo(0.02);
        assertThat(pack.rule("ModerateErrorRate").forDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(pack.rule("HighLatencyP95")).satisfies(r -> {
            assertThat(r.quantile()).isEqualTo(0.95);
            assertThat(r.threshold()).isEqualTo(2.0);
            assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(10));
        });
        assertThat(pack.rule("ModerateLatencyP95").threshold()).isEqualTo(1.0);
        assertThat(pack.rule("ModerateLatencyP95").forDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(pack.rule("FailedLoginBurst").threshold()).isEqualTo(10);
        assertThat(pack.rule("FailedLoginBurst").groupBy()).containsExactly("service", "source_ip");
        assertThat(pack.rule("PasswordSpraying").signal()).isEqualTo(Signal.LOGIN_SPRAYING);
        assertThat(pack.rule("PasswordSpraying").groupBy()).containsExactly("service", "source_ip");
        assertThat(pack.rule("LoginFailuresFromManySources").signal()).isEqualTo(Signal.LOGIN_DISTINCT_IPS);
        assertThat(pack.rule("LoginFailuresFromManySources").groupBy()).containsExactly("service", "user_name");
        assertThat(pack.rule("LoginSuccessAfterFailures").signal()).isEqualTo(Signal.LOGIN_SUCCESS_AFTER_FAILURES);
        assertThat(pack.rule("LoginSuccessAfterFailures").severity()).isEqualTo("critical");
        assertThat(pack.rule("ServiceSilent").signal()).isEqualTo(Signal.ABSENCE);
        assertThat(pack.rule("ErrorBudgetBurnFast").burnWindows()).containsExactly(
                new BurnWindow(Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
                new BurnWindow(Duration.ofHours(6), Duration.ofMinutes(30), 6));
        assertThat(pack.rule("ErrorBudgetBurnSlow").burnWindows()).containsExactly(
                new BurnWindow(Duration.ofDays(1), Duration.ofHours(2), 3),
                new BurnWindow(Duration.ofDays(3), Duration.ofHours(6), 1));
        assertThat(pack.rule("NewErrorType").signal()).isEqualTo(Signal.NEW_FINGERPRINT);
    }
}
