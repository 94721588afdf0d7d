package dev.weir.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir processor} as a process: what a configuration mistake looks like to the operator. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessorMainTest {
    @TempDir
    Path dir;

    record Exit(int status, List<String> stderr) {
    }

    Exit run(String... args) throws Exception {
        Path err = dir.resolve("stderr.txt");
        Process p = ChildJvm.main(ProcessorApp.class.getName(), List.of(args)).output(dir.resolve("stdout.txt")).error(err).start();
        if (!p.waitFor(45, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("weir processor " + List.of(args) + " did not exit within 45 s");
        }
        return new Exit(p.exitValue(), Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitWithTwoAndOneLineNamingTheRuleWhenTheRuleFileIsInvalid() throws Exception {
        Path rules = Files.writeString(dir.resolve("bad.yml"), "rules:\n  - alert: Broken\n    signal: error_ratio\n    threshold: abc\n    severity: critical\n");
        Path config = Files.writeString(dir.resolve("p.yml"), "rules: {path: " + rules + "}\n");

        Exit exit = run("--config", config.toString());

        assertThat(exit.status()).isEqualTo(2);
        assertThat(exit.stderr()).singleElement().asString().startsWith("Invalid rule Broken in bad.yml, field threshold");
    }

    @Test
    void shouldExitWithTwoAndOneLineNamingTheKeyWhenAMeasureSettingIsInvalid() throws Exception {
        Path config = Files.writeString(dir.resolve("p.yml"), "measure: {grace: soon}\n");

        Exit exit = run("--config", config.toString());

        assertThat(exit.status()).isEqualTo(2);
        assertThat(exit.stderr()).singleElement().asString().contains("processor.measure.grace");
    }
}
