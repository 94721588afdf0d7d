package dev.weir.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ConfigNodeTest {
    private static ConfigNode parse(String yaml) {
        return ConfigNode.parse(new StringReader(yaml), "processor", Map.of("ES_URL", "http://es:9200"), "test.yml");
    }

    @Test
    void shouldReadTypedValuesWithDefaults() {
        ConfigNode root = parse("""
                http:
                  port: 9000
                window: 1m30s
                max-event-size: 2MiB
                services: [a, b]
                """);
        ConfigNode http = root.child("http");
        assertThat(http.intInRange("port", 8080, 1, 65535)).isEqualTo(9000);
        assertThat(http.string("host", "0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(root.duration("window", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1)))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(root.bytes("max-event-size", 1024, 1, Long.MAX_VALUE)).isEqualTo(2L * 1024 * 1024);
        assertThat(root.stringList("services", List.of())).containsExactly("a", "b");
        root.finish();
    }

    @Test
    void shouldRefuseAnEmptyItemInAList() {
        ConfigNode root = parse("services: [a, ~]");
        assertThatThrownBy(() -> root.stringList("services", List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value ~ for processor.services: must not have an empty item (item 2)");
    }

    @Test
    void shouldNameTheFullPathOfAnUnknownKey() {
        ConfigNode root = parse("""
                http:
                  prot: 9000
                """);
        root.child("http").intInRange("port", 8080, 1, 65535);
        assertThatThrownBy(root::finish)
                .isInstanceOf(ConfigException.class)
                .hasMessage("Unknown configuration key processor.http.prot; known keys here: port");
    }

    @Test
    void shouldRejectOutOfRangeValueNamingKeyAndLimits() {
        ConfigNode root = parse("port: 70000");
        assertThatThrownBy(() -> root.intInRange("port", 8080, 1, 65535))
                .hasMessage("Invalid value 70000 for processor.port: must be between 1 and 65535");
    }

    @Test
    void shouldRejectMalformedDuration() {
        ConfigNode root = parse("window: 5 minutes");
        assertThatThrownBy(() -> root.duration("window", Duration.ofMinutes(1), Duration.ZERO, Duration.ofDays(1)))
                .hasMessageContaining("Invalid value 5 minutes for processor.window: must be a duration");
    }

    @Test
    void shouldExpandEnvironmentVariablesAndDefaults() {
        ConfigNode root = parse("""
                url: ${ES_URL}/_bulk
                token: ${WEIR_TOKEN:-none}
                """);
        assertThat(root.string("url", null)).isEqualTo("http://es:9200/_bulk");
        assertThat(root.string("token", null)).isEqualTo("none");
    }

    @Test
    void shouldRejectUnsetEnvironmentVariableWithoutDefault() {
        ConfigNode root = parse("token: ${MISSING_TOKEN}");
        assertThatThrownBy(() -> root.string("token", null))
                .hasMessage("Invalid value ${MISSING_TOKEN} for processor.token: environment variable MISSING_TOKEN is not set");
    }

    @Test
    void shouldReportInvalidYamlAsOneLine() {
        assertThatThrownBy(() -> parse("a: [1, 2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Configuration test.yml is not valid YAML:")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldCheckUnknownKeysInsideListsOfMappings() {
        ConfigNode root = parse("""
                inputs:
                  - path: /var/log/app.log
                    fromat: json
                """);
        root.children("inputs").forEach(i -> i.string("path", null));
        assertThatThrownBy(root::finish).hasMessageStartingWith("Unknown configuration key processor.inputs[0].fromat");
    }

    @Test
    void shouldTakeValuesVerbatimWithoutExpandingEnvironmentOrFiles() {
        ConfigNode root = ConfigNode.parseVerbatim("""
                summary: "cost ${AMOUNT} of ${file:/etc/hostname}"
                tags: ["${HOME}"]
                labels: {owner: "${USER}"}
                """, "", "rules.yml");
        assertThat(root.string("summary", null)).isEqualTo("cost ${AMOUNT} of ${file:/etc/hostname}");
        assertThat(root.stringList("tags", List.of())).containsExactly("${HOME}");
        assertThat(root.child("labels").string("owner", null)).isEqualTo("${USER}");
    }

    @Test
    void shouldGiveTheKeyValueAndReasonOfAnInvalidValueApart() {
        ConfigNode rule = ConfigNode.parseVerbatim("rules: [{for: 5 minutes, labels: {team: [a]}}]", "", "rules.yml")
                .children("rules").get(0);
        ConfigException e = catchConfigException(() -> rule.duration("for", Duration.ZERO));
        assertThat(e.key()).isEqualTo("rules[0].for");
        assertThat(e.value()).isEqualTo("5 minutes");
        assertThat(e.reason()).isEqualTo("must be a duration such as 500ms, 30s, 5m, 1h or 7d");
        assertThat(e).hasMessage("Invalid value 5 minutes for rules[0].for: " + e.reason());

        ConfigException nested = catchConfigException(() -> rule.child("labels").string("team", null));
        assertThat(nested.key()).isEqualTo("rules[0].labels.team");
        assertThat(nested.value()).as("a list is not shown as a value").isNull();
    }

    @Test
    void shouldGiveTheReasonOfAFileThatIsNotYamlWithoutAKey() {
        ConfigException e = catchConfigException(() -> ConfigNode.parseVerbatim("rules: [", "", "rules.yml"));
        assertThat(e.key()).isNull();
        assertThat(e.reason()).startsWith("not valid YAML:");
        assertThat(e).hasMessage("Configuration rules.yml is " + e.reason());
        assertThat(catchConfigException(() -> ConfigNode.parseVerbatim("- a", "", "rules.yml")).reason())
                .isEqualTo("must be a YAML mapping at the top level");
    }

    @Test
    void shouldReadAnUnboundedDurationOrItsDefault() {
        ConfigNode root = parse("lookback: 30d");
        assertThat(root.duration("lookback", null)).isEqualTo(Duration.ofDays(30));
        assertThat(root.duration("baseline", null)).isNull();
    }

    @Test
    void shouldTellAMappingFromAList() {
        ConfigNode root = parse("""
                by-name: {plan: labels.plan}
                by-list: [labels.plan]
                """);
        assertThat(root.isMapping("by-name")).isTrue();
        assertThat(root.isMapping("by-list")).isFalse();
        assertThat(root.isMapping("absent")).isFalse();
    }

    private static ConfigException catchConfigException(ThrowingCallable call) {
        ConfigException e = catchThrowableOfType(ConfigException.class, call);
        assertThat(e).as("a ConfigException").isNotNull();
        return e;
    }
}
