package dev.weir.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.Weir;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weir up} with the demo, twice in a row on the same directory: events flow and are
 * indexed, an alert fires and its notification is delivered, the output is plain lines when it
 * is not a terminal, it stops by itself, and it leaves no process behind; and the same demo on the
 * secured broker and Elasticsearch ({@code --secure}).
 */
class UpCommandIT {
    private static final Pattern IN = Pattern.compile("^in ([0-9,]+) \\(", Pattern.MULTILINE);
    private static final Pattern INDEXED = Pattern.compile(" · indexed ([0-9,]+) ·");
    private static final Pattern ALERTS = Pattern.compile(" · alerts ([0-9,]+)");

    private static String up(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Weir.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(exit).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
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
    void shouldIndexEventsDeliverAnAlertAndStartAgainRightAfterWithoutCleanUp(@TempDir Path dir) {
        // a 30 s cycle: the error spike starts after 7.5 s and lasts 7.5 s
        String first = up("up", "--dir", dir.toString(), "--duration", "PT45S", "--cycle", "PT30S",
                "--status-interval", "PT1S", "--rate", "20");
        assertThat(first).contains("Where to look:", "kafka ", "elasticsearch ", "weir up: stopped");
        assertThat(first).as("the console is listed first").containsPattern("Where to look:\\R  console +http://127\\.0\\.0\\.1:8088/");
        assertThat(first).as("plain output when not a terminal").doesNotContain("\r", "\033");
        assertThat(last(IN, first)).as(first).isGreaterThan(100);
        assertThat(last(INDEXED, first)).as("documents indexed in Elasticsearch\n%s", first).isGreaterThan(100);
        assertThat(last(ALERTS, first)).as("alert events\n%s", first).isPositive();
        assertThat(first).as("a notification delivered to the demo inbox").containsPattern("(?m)^notification \\[demo-inbox/webhook\\[0\\]\\] FIRING ");
        assertThat(leftBehind()).as("processes left behind").isEmpty();

        String second = up("up", "--dir", dir.toString(), "--duration", "PT10S", "--status-interval", "PT1S",
                "--no-elasticsearch", "--rate", "20");
        assertThat(last(IN, second)).as(second).isGreaterThan(50);
        assertThat(leftBehind()).as("processes left behind").isEmpty();
    }

    /** @return this JVM's live descendants, each with its command line, so that a failure says which process stayed */
    private static java.util.List<String> leftBehind() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    }

    @Test
    void shouldRunTheDemoOnTheSecuredBrokerAndElasticsearch(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Weir.execute(new PrintWriter(out, true), new PrintWriter(err, true), "up", "--secure", "--dir", dir.toString(),
                "--duration", "PT25S", "--status-interval", "PT1S", "--rate", "20");
        String output = out.toString();
        assertThat(exit).as("exit code; stderr: %s; stdout: %s", err, output).isZero();
        assertThat(output).contains("kafka security SASL_SSL, SCRAM-SHA-512 user weir", "elasticsearch  https://127.0.0.1:",
                "credentials    ");
        assertThat(lastEventsIn(output)).as(output).isGreaterThan(100);
        assertThat(last(INDEXED, output)).as("documents indexed over HTTPS with the secured sink; %s", output).isGreaterThan(100);
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
}
