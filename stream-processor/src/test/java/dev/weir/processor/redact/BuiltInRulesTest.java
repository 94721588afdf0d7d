package dev.weir.processor.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BuiltInRulesTest {
    /** Pieces of every built-in pattern, mixed case, separators and noise. */
    private static final String[] PIECES = {
        "https://", "ftp://", "user", ":", "@", "/", "host.example.com", "Password", "PASSWD", "pwd", "passphrase", "=", "\"",
        "'", " ", "  ", "\t", "-", "_", ".", ",", "eyJ", "abcDEF12345", "Bearer", "bearer ", "AUTHORIZATION", "basic ",
        "Basic ", "AKIA", "ASIA", "ABCDEFGHIJ0123456789", "ghp_", "gho_", "github_pat_", "abcdefghijklmnopqrstuvwxyz0123456789",
        "xoxb-", "sk_live_", "rk_test_", "4eC39HqLyjWDarjtT1zdp7dc", "api_key", "X-Api-Token", "access-token", "Client_Secret",
        "private_key", "4111", "1111", "4111 1111 1111 1111", "4242-4242-4242-4242", "0", "7", "12345678901234567", "alice",
        "example.org", "ſ", "é", "ß", "K",
    };

    @Test
    void shouldRunEveryRuleWhoseTextCouldMatch() {
        Random rnd = new Random(7);
        int matched = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = 1 + rnd.nextInt(12); n > 0; n--) {
                b.append(PIECES[rnd.nextInt(PIECES.length)]);
            }
            String text = b.toString();
            for (RedactionRule r : BuiltInRules.all()) {
                if (r.pattern().matcher(text).find()) {
                    matched++;
                    assertThat(r.mayMatch().test(text)).as("%s on %s", r.name(), text).isTrue();
                }
            }
        }
        assertThat(matched).as("texts the patterns matched").isGreaterThan(10_000);
    }

    @Test
    void shouldSkipTextsWithoutAnyRulesMarker() {
        String line = "Handled request 3f2a9c1e-77b0-4f55-9a6e-2c1d0e9f8a7b in 123 ms";
        assertThat(BuiltInRules.all()).allSatisfy(r -> assertThat(r.mayMatch().test(line)).as(r.name()).isFalse());
    }

    @Test
    void shouldFindDigitRunsWithSingleSeparators() {
        assertThat(BuiltInRules.hasDigitRun("card 4111 1111 1111 1111 ok")).isTrue();
        assertThat(BuiltInRules.hasDigitRun("4111-1111-1111-1")).isTrue();
        assertThat(BuiltInRules.hasDigitRun("4111  1111  1111  1111")).isFalse();
        assertThat(BuiltInRules.hasDigitRun("order 123456789012")).isFalse();
    }
}
