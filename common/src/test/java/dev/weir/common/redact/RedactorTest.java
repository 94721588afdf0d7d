package dev.weir.common.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Redactor} against the plain definition of redaction: every rule in order, each on the
 * text the previous ones left, each through its own {@code mayMatch} test. The redactor screens
 * the texts for all built-in rules in one pass and remembers which label names are secret; neither
 * may change a result or a count.
 */
class RedactorTest {
    private static final String[] PIECES = {
        "https://", "user", ":", "@", "/", "host.example.com", "Password", "pwd", "=", "\"", " ", "-", "_", "eyJ",
        "eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", "Bearer ", "Authorization: Basic ", "dXNlcjpwYXNz",
        "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-1234567890-abc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "api_key=", "token: ", "secret", "4111 1111 1111 1111", "4242-4242-4242-4241", "alice@example.com", "hunter2", "KEY",
    };
    private static final String[] LABEL_NAMES = {"password", "db.password", "api_key", "x-api-token", "token", "client_secret",
        "region", "trace.id", "passwords", "secret", "Pwd"};

    @Test
    void shouldRedactAsTheRulesOneByOneDo() {
        List<RedactionRule> rules = new ArrayList<>(BuiltInRules.all());
        rules.add(RedactionRule.of("order_id", "order-(\\d+)", "order-#"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Redactor redactor = new Redactor(rules, registry);
        Random rnd = new Random(3);
        Map<String, Integer> expectedCounts = new HashMap<>();
        int changed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = rnd.nextInt(8); n > 0; n--) {
                b.append(PIECES[rnd.nextInt(PIECES.length)]).append(rnd.nextBoolean() ? " " : "");
            }
            String text = b.append(rnd.nextInt(10) == 0 ? " order-42" : "").toString();
            String label = LABEL_NAMES[rnd.nextInt(LABEL_NAMES.length)];

            Map<String, Integer> counts = new HashMap<>();
            String expected = text;
            for (RedactionRule r : rules) {
                int[] hits = new int[1];
                expected = r.apply(expected, hits);
                counts.merge(r.name(), hits[0], Integer::sum);
            }
            int hits = counts.values().stream().mapToInt(Integer::intValue).sum();
            Redactor.Tally tally = new Redactor.Tally();
            assertThat(redactor.redact(text, tally)).as(text).isEqualTo(expected);
            assertThat(tally.count()).as(text).isEqualTo(hits);
            counts.forEach((rule, n) -> expectedCounts.merge(rule, n, Integer::sum));

            // a label: its whole value when the first rule whose secretKey matches the name says so, else as text
            RedactionRule secretBy = null;
            for (RedactionRule r : rules) {
                if (r.secretKey() != null && r.secretKey().matcher(label).find()) {
                    secretBy = r;
                    break;
                }
            }
            boolean whole = secretBy != null && !text.isEmpty();
            Redactor.Tally labelTally = new Redactor.Tally();
            assertThat(redactor.redactLabel(label, text, labelTally)).as(label + "=" + text)
                    .isEqualTo(whole ? RedactionRule.REDACTED : expected);
            assertThat(labelTally.count()).as(label + "=" + text).isEqualTo(whole ? 1 : hits);
            if (whole) {
                expectedCounts.merge(secretBy.name(), 1, Integer::sum);
            } else {
                counts.forEach((rule, n) -> expectedCounts.merge(rule, n, Integer::sum));
            }
            changed += expected.equals(text) ? 0 : 1;
        }
        assertThat(changed).as("texts with a secret").isGreaterThan(5_000);
        for (RedactionRule r : rules) {
            double counted = registry.get(Redactor.METER).tag("rule", r.name()).counter().count();
            assertThat((int) counted).as(r.name()).isEqualTo(expectedCounts.getOrDefault(r.name(), 0));
        }
    }
}
