package dev.weir.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.agent.parse.EventKind;
import dev.weir.agent.parse.ParserType;
import dev.weir.common.config.ConfigException;
import dev.weir.common.config.ConfigNode;
import dev.weir.common.kafka.Topics;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    private static AgentSettings read(String yaml) {
        return AgentConfig.read(ConfigNode.parse(new StringReader(yaml), "agent", Map.of("TOKEN", "t0k"), "test.yml"));
    }

    @Test
    void shouldTakeTheProcessorsEventLimitUnlessTold() {
        assertThat(read("service: {name: shop}\n").destinations().maxEventBytes()).isEqualTo(Topics.RAW_EVENT_MAX_BYTES);
        assertThat(read("service: {name: shop}\nmax-event-size: 2MiB\n").destinations().maxEventBytes()).isEqualTo(2 << 20);
    }

    @Test
    void shouldRefuseAFileLineLimitAboveTheEventLimit() {
        assertThatThrownBy(() -> read("service: {name: shop}\nmax-event-size: 256KiB\nfiles: [{paths: [/var/log/a.log], max-line: 512KiB}]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.files[0].max-line")
                .hasMessageContaining("agent.max-event-size");
    }

    @Test
    void shouldReadAFullConfiguration() {
        AgentSettings s = read("""
                service: {name: shop, environment: prod}
                host: {name: web-1}
                kafka: {bootstrap-servers: "k1:9092,k2:9092", topics: {logs: a.logs}}
                buffer: {memory: 8MiB, disk: {max: 2GiB, segment: 32MiB}, in-flight: 4MiB}
                http: {port: 9000, token: "${TOKEN}", max-body: 1MiB}
                files:
                  - name: nginx
                    paths: [/var/log/nginx/access.log*]
                    exclude: ["*.gz"]
                    parser: nginx
                    scan-interval: 2s
                """);

        assertThat(s.serviceName()).isEqualTo("shop");
        assertThat(s.environment()).isEqualTo("prod");
        assertThat(s.destinations().logs()).isEqualTo("a.logs");
        assertThat(s.destinations().requests()).isEqualTo("weir.raw.requests");
        assertThat(s.buffer().memoryBytes()).isEqualTo(8L << 20);
        assertThat(s.http().server().token().reveal()).isEqualTo("t0k");
        assertThat(s.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
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

    @Test
    void shouldNameTheKebabCaseSpellingOfAnOldSnakeCaseKey() {
        assertThatThrownBy(() -> read("""
                service: {name: shop}
                data_dir: /var/lib/weir-agent
                stdin: {enabled: true}
                """)).isInstanceOf(ConfigException.class)
                .hasMessage("Configuration key agent.data_dir is now spelled agent.data-dir; rename it");
    }

    @Test
    void shouldNameTheNewPlaceOfTheBearerToken() {
        assertThatThrownBy(() -> read("""
                service: {name: shop}
                http: {bearer_token: x}
                """)).hasMessage("Configuration key agent.http.bearer_token is now agent.http.token; rename it");
    }

    @Test
    void shouldNameAnOldSnakeCaseKeyInAFileInput() {
        assertThatThrownBy(() -> read("""
                service: {name: shop}
                files: [{paths: [/var/log/a.log], max_line: 1MiB}]
                """)).hasMessage("Configuration key agent.files[0].max_line is now spelled agent.files[0].max-line; rename it");
    }

    @Test
    void shouldReadTheBrowserBlockWithOriginsAsBrowsersSendThem() {
        AgentSettings s = read("""
                service: {name: shop}
                http:
                  browser: {origins: ["https://Shop.Example.com:443", "http://localhost:3000/"], max-body: 32KiB, per-minute: 30,
                            service: shop-web}
                """);

        assertThat(s.http().browser().origins()).containsExactly("https://shop.example.com", "http://localhost:3000");
        assertThat(s.http().browser().maxBodyBytes()).isEqualTo(32 * 1024);
        assertThat(s.http().browser().perMinute()).isEqualTo(30);
        assertThat(s.http().browser().service()).isEqualTo("shop-web");
    }

    @Test
    void shouldRefuseABrowserOriginWithAPathOrAnotherSchemeNamingIt() {
        assertThatThrownBy(() -> read("service: {name: shop}\nhttp: {browser: {origins: [\"https://shop.example.com/app\"]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.http.browser.origins[0]")
                .hasMessageContaining("https://shop.example.com/app").hasMessageContaining("no path");
        assertThatThrownBy(() -> read("service: {name: shop}\nhttp: {browser: {origins: [\"ftp://x\"]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.http.browser.origins[0]");
        assertThatThrownBy(() -> read("service: {name: shop}\nhttp: {browser: {per-minute: 0}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("agent.http.browser.per-minute");
        assertThatThrownBy(() -> read("service: {name: shop}\nhttp: {browser: {orgins: [\"https://a.example\"]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("orgins");
    }
}
