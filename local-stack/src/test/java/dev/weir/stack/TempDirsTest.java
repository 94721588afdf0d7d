package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {
    /** Prints the child's temporary directory. */
    public static final class PrintTmpdir {
        public static void main(String[] args) {
            System.out.println("java.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        }
    }

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
        Path log = work.resolve("child.log");
        Process child = ChildJvm.main(PrintTmpdir.class.getName(), List.of()).jvmOptions(List.of(option)).output(log).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("java.io.tmpdir=" + work.resolve("tmp"));
    }

    @Test
    void shouldDoNothingForAMissingDirectory(@TempDir Path parent) {
        TempDirs.delete(parent.resolve("never-made"));
        assertThat(parent).isEmptyDirectory();
    }
}
