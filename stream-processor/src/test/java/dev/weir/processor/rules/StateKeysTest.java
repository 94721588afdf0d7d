package dev.weir.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateKeysTest {
    private static final RuleSet RULES = RuleSet.parse(Map.of("k.yml", """
            rules:
              - alert: ByService
                signal: request_rate
                threshold: 1
                severity: warning
                group_by: [service]
              - alert: AlsoByService
                signal: request_rate
                threshold: 1
                severity: warning
                group_by: [service]
              - alert: ByServiceAndRoute
                signal: request_rate
                threshold: 1
                severity: warning
                group_by: [service, route]
              - alert: ByServiceAndStatus
                signal: request_rate
                threshold: 1
                severity: warning
                group_by: [service, status]
            """));

    private static RuleInput request(String service, String route, int status) {
        return new RuleInput(true, "id", null, 0, service, route, "GET", status, 12.0, null, null, null, null, null, false, false, 1, null, false, null, 0, null, null);
    }

    @Test
    void shouldGiveTheKeyItBuildsAndTheSameInstanceForTheSameValue() {
        StateKeys keys = new StateKeys();
        Random rnd = new Random(5);
        for (int i = 0; i < 50_000; i++) {
            // fresh strings, as each event brings its own
            RuleInput in = request(new String("svc-" + rnd.nextInt(StateKeys.MAX_PER_RULE * 2)), new String("/r/" + rnd.nextInt(30)),
                    200 + rnd.nextInt(4) * 100);
            for (Rule rule : RULES.rules()) {
                String key = keys.of(rule, in);
                assertThat(key).as(rule.name()).isEqualTo(RulesProcessor.stateKey(rule, in));
                if (rule.groupBy().size() == 1) {
                    assertThat(keys.of(rule, in)).as("the cached instance").isSameAs(key);
                }
            }
        }
    }

    @Test
    void shouldKeepEachRulesKeysApart() {
        StateKeys keys = new StateKeys();
        RuleInput in = request("checkout", "/pay", 500);
        String first = keys.of(RULES.rule("ByService"), in);
        String second = keys.of(RULES.rule("AlsoByService"), in); // same label, same value, another rule
        assertThat(first).isEqualTo("ByService" + RulesProcessor.SEP + "checkout");
        assertThat(second).isEqualTo("AlsoByService" + RulesProcessor.SEP + "checkout");
        keys.clear();
        assertThat(keys.of(RULES.rule("ByService"), in)).isEqualTo(first);
    }
}
