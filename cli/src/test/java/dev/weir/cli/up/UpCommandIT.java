package dev.weir.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.Weir;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir up} end to end, twice in a row on the same directory: events flow, it stops by
 * itself, and it leaves no process behind.
 */
class UpCommandIT {
    private static final Pattern IN = Pattern.compile("^in ([0-9,]+) \\(", Pattern.MULTILINE);

    private static String up(Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Weir.execute(new PrintWriter(out, true), new PrintWriter(err, true), "up", "--dir", dir.toString(),
                "--duration", "PT25S", "--status-interval", "PT1S", "--no-elasticsearch", "--rate", "20");
        assertThat(exit).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    private static long lastEventsIn(String output) {
        return last(IN, output);
    }

    private static long last(Pattern p, String output) {
        Matcher m = p.matcher(output);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1).replace(",", ""));
        }
        return last;
    }

    @Test
    void shouldShowEventsFlowingAndStartAgainRightAfterWithoutCleanUp(@TempDir Path dir) {
        String first = up(dir);
        assertThat(first).contains("Where to look:", "kafka ", "weir up: stopped");
        assertThat(lastEventsIn(first)).as(first).isGreaterThan(100);
        List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        assertThat(left).as("processes left behind").isEmpty();

        String second = up(dir);
        assertThat(lastEventsIn(second)).as(second).isGreaterThan(100);
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }

    private static final Pattern INDEXED = Pattern.compile("· indexed ([0-9,]+) ·");

    @Test
    void shouldRunTheDemoOnTheSecuredBrokerAndElasticsearch(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Weir.execute(new PrintWriter(out, true), new PrintWriter(err, true), "up", "--secure", "--dir", dir.toString(),
                "--duration", "PT40S", "--status-interval", "PT1S", "--rate", "20");
        String output = out.toString();
        assertThat(exit).as("exit code; stderr: %s; stdout: %s", err, output).isZero();
        assertThat(output).contains("kafka security SASL_SSL, SCRAM-SHA-512 user weir", "elasticsearch  https://127.0.0.1:",
                "credentials    ");
        assertThat(lastEventsIn(output)).as(output).isGreaterThan(100);
        assertThat(last(INDEXED, output)).as("documents indexed over HTTPS with the secured sink; %s", output).isGreaterThan(100);
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
}
