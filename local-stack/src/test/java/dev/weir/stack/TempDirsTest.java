package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {
    @Test
    void shouldDeleteTheDirectoryAndEverythingUnderIt(@TempDir Path parent) throws Exception {
        Path dir = Files.createDirectories(parent.resolve("work/kafka/logs"));
        Files.writeString(dir.resolve("00000.log"), "x");
        Files.writeString(parent.resolve("work/state.bin"), "y");
        TempDirs.delete(parent.resolve("work"));
        assertThat(parent.resolve("work")).doesNotExist();
        assertThat(parent).exists();
    }

    @Test
    void shouldGiveAChildJvmATmpdirInsideTheWorkDir(@TempDir Path work) throws Exception {
        String option = TempDirs.childTmpdirOption(work);

        assertThat(work.resolve("tmp")).isDirectory();
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), option,
                "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String settings = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(settings).contains("java.io.tmpdir = " + work.resolve("tmp"));
    }

    @Test
    void shouldDoNothingForAMissingDirectory(@TempDir Path parent) {
        TempDirs.delete(parent.resolve("never-made"));
        assertThat(parent).isEmptyDirectory();
    }
}
