package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void shouldDoNothingForAMissingDirectory(@TempDir Path parent) {
        TempDirs.delete(parent.resolve("never-made"));
        assertThat(parent).isEmptyDirectory();
    }
}
