package dev.weir.common.redact;

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
        "example.org", "ſ", "é", "ß", "K", "pwd", "Token", "KEY", "sEcReT", "_live_", "_test_", "xox", "gh", "ASIA", "Ab", ":/",
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
    void shouldScreenEveryTextAsEachRulesOwnTestDoes() {
        Random rnd = new Random(11);
        int[] accepted = new int[BuiltInRules.all().size()];
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = rnd.nextInt(12); n > 0; n--) {
                String piece = PIECES[rnd.nextInt(PIECES.length)];
                // cut pieces too, so that markers end at the end of the text ("pas", "eyJ"…)
                b.append(rnd.nextInt(4) == 0 ? piece.substring(0, rnd.nextInt(piece.length() + 1)) : piece);
            }
            String text = b.toString();
            int screen = BuiltInRules.screen(text);
            for (int r = 0; r < accepted.length; r++) {
                RedactionRule rule = BuiltInRules.all().get(r);
                boolean own = rule.mayMatch().test(text);
                assertThat((screen & (1 << r)) != 0).as("%s on %s", rule.name(), text).isEqualTo(own);
                accepted[r] += own ? 1 : 0;
            }
        }
        // each rule's marker turned up often enough for the comparison to mean something
        for (int r = 0; r < accepted.length; r++) {
            assertThat(accepted[r]).as("texts %s's own test accepted", BuiltInRules.all().get(r).name()).isGreaterThan(500);
        }
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
