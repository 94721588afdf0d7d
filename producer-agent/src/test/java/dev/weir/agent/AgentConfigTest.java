package dev.weir.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    private static AgentSettings read(String yaml) {
        return AgentConfig.read(ConfigNode.parse(new StringReader(yaml), "agent", Map.of("TOKEN", "t0k"), "test.yml"));
    }

    @Test
    void shouldReadAFullConfiguration() {
        AgentSettings s = read("""
                service: {name: shop, environment: prod}
                host: {name: web-1}
                kafka: {bootstrap_servers: "k1:9092,k2:9092", topics: {logs: a.logs}}
                buffer: {memory: 8MiB, disk: {max: 2GiB, segment: 32MiB}, in_flight: 4MiB}
                http: {port: 9000, bearer_token: "${TOKEN}", max_body: 1MiB}
                files:
                  - name: nginx
                    paths: [/var/log/nginx/access.log*]
                    exclude: ["*.gz"]
                    parser: nginx
                    scan_interval: 2s
                """);

        assertThat(s.serviceName()).isEqualTo("shop");
        assertThat(s.environment()).isEqualTo("prod");
        assertThat(s.destinations().logs()).isEqualTo("a.logs");
        assertThat(s.destinations().requests()).isEqualTo("weir.raw.requests");
        assertThat(s.buffer().memoryBytes()).isEqualTo(8L << 20);
        assertThat(s.http().bearerToken()).isEqualTo("t0k");
        assertThat(s.files()).singleElement().satisfies(f -> {
            assertThat(f.parser()).isEqualTo(ParserType.NGINX);
            assertThat(f.events()).isEqualTo(EventKind.REQUEST);
            assertThat(f.scanInterval()).isEqualTo(Duration.ofSeconds(2));
            assertThat(f.exclude()).containsExactly("*.gz");
        });
    }

    @Test
    void shouldRunProbesAsTheOnlyInputWithTheSharedTopicAndGroup() {
        AgentSettings s = read("service: {name: prober}\nhttp: {enabled: false}\nprobes: {enabled: true}\n");

        assertThat(s.probes()).isEqualTo(new AgentSettings.ProbeSettings(true, "weir.probes", "weir-probes"));
        assertThat(read("service: {name: shop}\nfiles: [{paths: [/x.log]}]\n").probes().enabled()).isFalse();
        assertThatThrownBy(() -> read("service: {name: shop}\nprobes: {enabled: true, groop: x}\n"))
                .hasMessageContaining("groop");
    }

    @Test
    void shouldRejectAnUnknownKeyNamingIt() {
        assertThatThrownBy(() -> read("service: {name: shop}\nfiles: [{paths: [/x.log], parsr: json}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("Unknown configuration key agent.files[0].parsr");
    }

    @Test
    void shouldRejectAnUnknownParser() {
        assertThatThrownBy(() -> read("service: {name: shop}\nfiles: [{paths: [/x.log], parser: syslog}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Invalid value syslog for agent.files[0].parser");
    }

    @Test
    void shouldRejectARelativePathPattern() {
        assertThatThrownBy(() -> read("service: {name: shop}\nfiles: [{paths: [logs/*.log]}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be an absolute path pattern");
    }

    @Test
    void shouldRequireTheServiceName() {
        assertThatThrownBy(() -> read("files: [{paths: [/x.log]}]\n"))
                .isInstanceOf(ConfigException.class).hasMessage("Missing value for agent.service.name: it is required");
    }

    @Test
    void shouldRejectASegmentLargerThanTheDiskBound() {
        assertThatThrownBy(() -> read("service: {name: shop}\nbuffer: {disk: {max: 1MiB, segment: 2MiB}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.buffer.disk.segment");
    }

    @Test
    void shouldRejectAConfigurationWithoutInput() {
        assertThatThrownBy(() -> read("service: {name: shop}\nhttp: {intake: false}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no input");
    }
}
