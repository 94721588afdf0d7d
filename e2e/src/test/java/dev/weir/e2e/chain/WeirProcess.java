package dev.weir.e2e.chain;

import dev.weir.stack.ChildJvm;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One Weir component as users run it, {@code weir <component> --config FILE}, in a child JVM started through
 * local-stack's {@link ChildJvm} (it dies with this JVM), on a port fixed in its configuration so that a restart
 * answers where the first start did. Not thread-safe: the test drives it from one thread.
 */
public final class WeirProcess {
    private static final String WEIR = "dev.weir.cli.Weir";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String component;
    private final Path config;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions;
    private Process process;
    private int starts;

    /**
     * @param component  the subcommand: {@code agent}, {@code processor}, {@code sink} or {@code emitter}
     * @param config     its YAML file
     * @param log        where its output goes (appended across restarts)
     * @param port       the HTTP port its configuration names
     * @param jvmOptions heap and temp directory options
     */
    public WeirProcess(String component, Path config, Path log, int port, List<String> jvmOptions) {
        this.component = Objects.requireNonNull(component, "component");
        this.config = Objects.requireNonNull(config, "config");
        this.log = Objects.requireNonNull(log, "log");
        this.port = port;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts {@code weir <component> --config FILE}; {@link #awaitReady} waits for it. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(component + " is running already (pid " + process.pid() + ")");
        }
        process = ChildJvm.launch(log, jvmOptions, WEIR, List.of(component, "--config", config.toString()));
        starts++;
    }

    /** Waits until {@code /health/ready} answers 200; fails at once when the process exits. */
    public void awaitReady(Duration timeout) {
        Poll.until(timeout, Duration.ofMillis(250), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(component + " exited with status " + process.exitValue() + "; its log ends:\n"
                        + ChildJvm.tail(log, 30));
            }
            return get("/health/ready").statusCode() == 200;
        }, () -> component + " to be ready on port " + port + "; its log ends:\n" + ChildJvm.tail(log, 30));
    }

    /** Kills the process with SIGKILL, as a crash would, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(component + " (pid " + process.pid() + ") still runs 30 s after SIGKILL");
        }
    }

    /** Stops it with SIGTERM (its shutdown hook runs); SIGKILL after 30 s. Nothing when it is not running. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            ChildJvm.stop(process, Duration.ofSeconds(30));
        }
    }

    /** @return whether the process runs */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the process id of the current run */
    public long pid() {
        return process.pid();
    }

    /** @return how many times it was started */
    public int starts() {
        return starts;
    }

    /** @return the component's name, e.g. {@code processor} */
    public String component() {
        return component;
    }

    /** @return its log file */
    public Path log() {
        return log;
    }

    /** @return its HTTP port */
    public int port() {
        return port;
    }

    /** @return {@code http://127.0.0.1:<port><path>} */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** @return a GET of {@code path} */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The sum of a series on {@code /metrics} over the samples whose labels include {@code labels}.
     *
     * @param name   the sample name, e.g. {@code weir_processor_group_lag}
     * @param labels labels each summed sample must carry
     * @return the sum; 0 when no sample matches
     * @throws IllegalStateException when {@code /metrics} does not answer 200
     */
    public double metric(String name, Map<String, String> labels) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException(component + " answered " + r.statusCode() + " to /metrics");
        }
        return PrometheusText.sum(r.body(), name, labels);
    }

    @Override
    public String toString() {
        return component + (process == null ? "" : "[pid " + process.pid() + ", port " + port + "]");
    }
}
