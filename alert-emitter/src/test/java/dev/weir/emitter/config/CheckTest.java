package dev.weir.emitter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.common.config.ConfigException;
import dev.weir.emitter.EmitterApp;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckTest {
    @Test
    void checkListsPlaceholderWarningsOfAValidFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("am.yml");
        Files.writeString(f, Fixtures.seed("seed-004-keneyapp-alertmanager.yml"));
        assertThat(EmitterApp.check(f)).isNotEmpty().allSatisfy(w -> assertThat(w).contains("placeholder"));
    }

    @Test
    void checkThrowsForAnUnsupportedTemplate(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("am.yml");
        Files.writeString(f, "route: {receiver: a}\nreceivers:\n  - name: a\n    webhook_configs: [{url: 'http://x:1/'}]\n"
                + "    slack_configs: [{api_url: 'http://x:1/', text: '{{ .Status | nope }}'}]\n");
        assertThatThrownBy(() -> EmitterApp.check(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("receiver 'a' slack_configs[0].text").hasMessageContaining("nope");
    }

    @Test
    void checkThrowsForAMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> EmitterApp.check(dir.resolve("absent.yml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not exist");
    }
}
