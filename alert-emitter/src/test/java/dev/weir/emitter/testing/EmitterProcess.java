package dev.weir.emitter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.emitter.EmitterApp;
import dev.weir.stack.ChildJvm;
import dev.weir.stack.Poll;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The emitter as its own JVM, started by local-stack's {@link ChildJvm} ({@code EmitterApp CONFIG
 * --bootstrap-servers ... --port ...}): the child halts when this JVM goes, even after a kill -9 of it.
 */
public final class EmitterProcess implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private EmitterProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts an emitter and waits until {@code /health/ready} answers 200.
     *
     * @param dir the test's directory (log file, the child's temp directory)
     * @param name names the instance in messages and its log file
     * @param config the alertmanager.yml
     * @param bootstrapServers the broker
     */
    public static EmitterProcess start(Path dir, String name, Path config, String bootstrapServers) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve(name + ".log");
        Process process = ChildJvm.main(EmitterApp.class.getName(),
                        List.of(config.toString(), "--bootstrap-servers", bootstrapServers, "--port", Integer.toString(port)))
                .jvmOptions(List.of("-Xmx256m", TempDirs.childTmpdirOption(dir))).withoutEnvironment("WEIR_EMITTER_TOKEN")
                .output(log).start();
        EmitterProcess e = new EmitterProcess(name, process, port, log);
        Poll.until(READY, () -> {
            assertThat(e.process.isAlive()).as("emitter %s is running; its log ends:%n%s", name, e.tail()).isTrue();
            return e.get("/health/ready").statusCode() == 200;
        }, () -> name + " ready on port " + port + "; its log ends:\n" + e.tail());
        return e;
    }

    /** @return a GET of {@code path} on this emitter */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return a request of {@code path} with a JSON body */
    public HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(url(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGKILL and waits for the process to end; returns its exit status (137). */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s ended after SIGKILL", name).isTrue();
        return process.exitValue();
    }

    /** @return the last 40 lines of its log */
    public String tail() {
        return ChildJvm.tail(log, 40);
    }

    /** Stops it with SIGTERM (its shutdown hook runs), SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        ChildJvm.stop(process, Duration.ofSeconds(30));
    }
}
