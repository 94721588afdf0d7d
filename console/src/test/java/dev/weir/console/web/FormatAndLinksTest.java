package dev.weir.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatAndLinksTest {
    @Test
    void shouldShowControlCharactersOfUntrustedBytesAsEscapes() {
        assertThat(Format.printable("a\u0000b\u001b[31m\u202Ec\nd", 100)).isEqualTo("a\\u0000b\\u001B[31m\\u202Ec\nd");
        assertThat(Format.printable("x".repeat(12), 10)).isEqualTo("xxxxxxxxxx … (2 more characters)");
    }

    @Test
    void shouldDecodeBase64OriginalsAndEscapeTheirBytes() {
        String b64 = java.util.Base64.getEncoder().encodeToString(new byte[] {'{', '"', (byte) 0xff, 0x01, '<', 'b', '>'});
        assertThat(Format.original(b64, "base64", 100)).isEqualTo("{\"\\xFF\\x01<b>");
        assertThat(Format.original("plain", "utf-8", 100)).isEqualTo("plain");
    }

    @Test
    void shouldLinkOnlyToHttpUrls() {
        assertThat(Links.external("https://runbooks.example.com/a?b=1")).isEqualTo("https://runbooks.example.com/a?b=1");
        assertThat(Links.external("javascript:alert(1)")).isNull();
        assertThat(Links.external(" JaVaScRiPt:alert(1)")).isNull();
        assertThat(Links.external("data:text/html,<script>")).isNull();
        assertThat(Links.external("//evil.example.com")).isNull();
    }

    @Test
    void shouldEncodeParametersAndSendTheTokenPageOnlyToLocalPaths() {
        assertThat(Links.to("/logs", "q", "a b&c", "service", "", "level", null)).isEqualTo("/logs?q=a%20b%26c");
        assertThat(Tokens.safeNext("//evil.example.com/")).isEqualTo("/");
        assertThat(Tokens.safeNext("https://evil.example.com/")).isEqualTo("/");
        assertThat(Tokens.safeNext("/alerts?x=1")).isEqualTo("/alerts?x=1");
    }

    @Test
    void shouldFormatRatesPercentagesAndLatencies() {
        assertThat(Format.rate(0.05)).isEqualTo("0.05/s");
        assertThat(Format.percent(0.0417)).isEqualTo("4.17%");
        assertThat(Format.millis(1234.0)).isEqualTo("1.23 s");
        assertThat(Format.millis(null)).isEqualTo("–");
    }
}
