package dev.weir.stack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerStartFailureIT {

    @Test
    void shouldReportTheBrokerLogWhenTheBrokerExitsDuringStart(@TempDir Path dir) throws IOException {
        // log.dirs must be a directory; a plain file there makes formatting fail
        Files.writeString(dir.resolve("logs"), "not a directory");

        assertThatThrownBy(() -> KafkaBroker.start(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not become ready")
                .hasMessageContaining("exited with code")
                .hasMessageContaining("Last lines of " + dir.resolve("kafka.log"));
    }
}
