package dev.weir.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    private static SinkConfig parse(String yaml) {
        return SinkConfig.from(ConfigNode.parse(new StringReader(yaml), "", Map.of(), "test.yaml"), null, null);
    }

    @Test
    void shouldUseDocumentedDefaults() {
        SinkConfig c = SinkConfig.defaults("k:9092", "http://es:9200");
        assertThat(c.httpPort()).isEqualTo(8081);
        assertThat(c.kafka().groupId()).isEqualTo("weir-sink");
        assertThat(c.kafka().topics()).containsExactly("weir.logs", "weir.requests", "weir.alerts", "weir.deadletter");
        assertThat(c.bulk().maxDocs()).isEqualTo(2000);
        assertThat(c.bulk().maxBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.bulk().concurrency()).isEqualTo(2);
        assertThat(c.bulk().flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retention().classes()).extracting(SinkConfig.RetentionClass::name)
                .containsExactly("security", "alerts", "deadletter", "application");
    }

    @Test
    void shouldRejectAnUnknownKey() {
        assertThatThrownBy(() -> parse("bulk:\n  max-dcos: 5\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bulk.max-dcos");
    }

    @Test
    void shouldLetCommandLineOverridesWinOverTheFile() {
        SinkConfig c = SinkConfig.from(ConfigNode.parse(new StringReader("kafka:\n  bootstrap-servers: a:1\n"), "", Map.of(), "t"),
                "b:2", "http://x:9200");
        assertThat(c.kafka().bootstrapServers()).isEqualTo("b:2");
        assertThat(c.elasticsearch().url().toString()).isEqualTo("http://x:9200");
    }

    @Test
    void shouldRejectATopicTheSinkCannotIndex() {
        assertThatThrownBy(() -> parse("kafka:\n  topics: [weir.raw.logs]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value weir.raw.logs for kafka.topics");
    }

    @Test
    void shouldRejectAnInitialBackoffAboveTheMaximum() {
        assertThatThrownBy(() -> parse("bulk:\n  retry:\n    initial-backoff: 10s\n    max-backoff: 1s\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bulk.retry.initial-backoff");
    }

    @Test
    void shouldReadRetentionClassesInOrder() {
        SinkConfig c = parse("retention:\n  classes:\n    audit:\n      patterns: ['logs-*.security-*']\n      max-age: 400d\n"
                + "    rest:\n      patterns: ['logs-*']\n      max-age: 7d\n");
        assertThat(c.retention().classes()).hasSize(2);
        assertThat(c.retention().classes().get(0).maxAge()).isEqualTo(Duration.ofDays(400));
        assertThat(c.retention().classes().get(0).matches("logs-auth.security-prod")).isTrue();
        assertThat(c.retention().classes().get(0).matches("logs-auth-prod")).isFalse();
    }

    @Test
    void shouldNotPrintThePassword() {
        SinkConfig c = parse("elasticsearch:\n  username: u\n  password: secret\n");
        assertThat(c.elasticsearch().toString()).doesNotContain("secret");
    }

    @Test
    void shouldKeepEverySecretOutOfToString() {
        SinkConfig c = parse("elasticsearch:\n  url: https://es:9200\n  api-key: planted-api-key\n  ca-fingerprint: '"
                + "AB:".repeat(31) + "AB'\nkafka:\n  security-protocol: SASL_SSL\n  sasl: {mechanism: PLAIN, username: u, password: planted-kafka}\n"
                + "http: {token: planted-token}\n");
        assertThat(c.toString()).doesNotContain("planted").contains("***");
        assertThat(c.elasticsearch().connection().authorization().orElseThrow().reveal()).isEqualTo("ApiKey planted-api-key");
    }

    @Test
    void shouldRejectTwoKindsOfCredentials() {
        assertThatThrownBy(() -> parse("elasticsearch:\n  api-key: a\n  bearer-token: b\n"))
                .hasMessage("Set one of elasticsearch.api-key, elasticsearch.bearer-token or elasticsearch.username/password, not several");
    }

    @Test
    void shouldRejectAFingerprintThatIsNoSha256() {
        assertThatThrownBy(() -> parse("elasticsearch:\n  url: https://es:9200\n  ca-fingerprint: abc\n"))
                .hasMessageStartingWith("Invalid value abc for elasticsearch.ca-fingerprint: must be a SHA-256 fingerprint");
    }

    @Test
    void shouldRejectTlsSettingsOnAnHttpUrl() {
        assertThatThrownBy(() -> parse("elasticsearch:\n  verify-certificates: false\n"))
                .hasMessageStartingWith("Invalid value http://127.0.0.1:9200 for elasticsearch.url: TLS settings are given");
    }

    @Test
    void shouldEncodeAnIdAndKeyPairAsElasticsearchExpects() {
        SinkConfig c = parse("elasticsearch:\n  api-key: 'VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw'\n");
        assertThat(c.elasticsearch().connection().authorization().orElseThrow().reveal())
                .isEqualTo("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
    }
}
