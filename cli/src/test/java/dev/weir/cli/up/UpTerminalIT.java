package dev.weir.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.stack.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir up} as a user runs it: the real {@code weir.jar} in a real pseudo-terminal (tmux),
 * stopped by Ctrl-C typed at that terminal, which sends SIGINT to the terminal's whole foreground
 * process group. A background shell would ignore SIGINT and prove nothing.
 */
class UpTerminalIT {
    private static final Pattern STATUS = Pattern.compile("^in ([0-9,]+) \\(", Pattern.MULTILINE);

    @Test
    void shouldRewriteTheStatusLineInPlaceAndStopEverythingWithinFifteenSecondsOfCtrlC(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("weir");
        try (Tmux tmux = Tmux.start(dir, WeirJar.shellCommand("up", "--dir", data.toString(), "--rate", "20",
                "--status-interval", "PT0.5S"))) {
            ProcessHandle weir = ProcessHandle.of(tmux.panePid()).orElseThrow();
            Poll.until(Duration.ofMinutes(4), () -> lastEventsIn(tmux.screen()) > 0 || tmux.exited(),
                    () -> "a status line with events in; screen:\n" + screen(tmux));
            assertThat(tmux.exited()).as("weir up exited early; screen:\n%s", screen(tmux)).isFalse();
            long seen = lastEventsIn(tmux.screen());
            Poll.until(Duration.ofMinutes(1), () -> lastEventsIn(tmux.screen()) > seen,
                    () -> "the status line to show more than " + seen + " events in; screen:\n" + screen(tmux));

            String screen = tmux.screen();
            assertThat(STATUS.matcher(screen).results().count()).as("status lines on the screen:\n%s", screen).isEqualTo(1);
            assertThat(screen.lines().reduce((a, b) -> b).orElse("")).as("the last line is the status").matches(STATUS.pattern() + ".*");
            List<ProcessHandle> servers = weir.descendants().toList();
            assertThat(servers).as("the broker and Elasticsearch run as children")
                    .anyMatch(h -> h.info().commandLine().orElse("").contains("KafkaServerMain"))
                    .anyMatch(h -> h.info().commandLine().orElse("").contains("org.elasticsearch.bootstrap.Elasticsearch"));

            tmux.sendKeys("C-c");
            Poll.until(Duration.ofSeconds(15), () -> tmux.exited() && servers.stream().noneMatch(ProcessHandle::isAlive),
                    () -> "weir up and its servers to stop within 15 s of Ctrl-C; still alive: "
                            + servers.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + h.info().command().orElse("?")).toList()
                            + "; screen:\n" + screen(tmux));
            assertThat(tmux.exitStatus()).as("exit status after SIGINT").isEqualTo(130);
            assertThat(tmux.screen()).contains("weir up: stopping", "weir up: stopped");
        }
    }

    private static long lastEventsIn(String screen) {
        long last = -1;
        Matcher m = STATUS.matcher(screen);
        while (m.find()) {
            last = Long.parseLong(m.group(1).replace(",", ""));
        }
        return last;
    }

    private static String screen(Tmux tmux) {
        try {
            return tmux.screen();
        } catch (Exception e) {
            return "(could not read the screen: " + e + ")";
        }
    }
}
