package dev.weir.bench.latency;

import dev.weir.bench.cpu.Cpu;
import dev.weir.stack.Poll;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary (Debian {@code prometheus}, {@code prometheus-alertmanager}) started on a free
 * loopback port in a directory of its own, its output in {@code NAME.log} there. {@link #close()}
 * stops it (SIGTERM, SIGKILL after 20 s); a shutdown hook does the same if the suite dies first.
 */
final class ExternalProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Thread hook;
    private double lastCpu = Double.NaN;

    private ExternalProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.hook = new Thread(process::destroyForcibly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts the binary and waits until {@code GET /-/ready} answers 200.
     *
     * @param name   label, also the log file's name
     * @param dir    working directory (created)
     * @param port   the port the arguments make it listen on
     * @param args   command line
     * @return the running process
     * @throws IOException when it cannot be started or is not ready within 30 s
     */
    static ExternalProcess start(String name, Path dir, int port, List<String> args) throws IOException {
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(new ArrayList<>(args)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ExternalProcess ep = new ExternalProcess(name, p, port, log);
        try {
            Poll.until(Duration.ofSeconds(30), () -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + p.exitValue() + "; its log ends:\n" + ep.logTail());
                }
                return ep.ready();
            }, () -> name + " to answer /-/ready on port " + port + "; its log ends:\n" + ep.logTail());
        } catch (RuntimeException e) {
            ep.close();
            throw new IOException(e.getMessage(), e);
        }
        return ep;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    int port() {
        return port;
    }

    String name() {
        return name;
    }

    /** @return CPU seconds used so far; the last known value once it has stopped */
    double cpuSeconds() {
        if (process.isAlive()) {
            double s = Cpu.seconds(process.toHandle());
            if (!Double.isNaN(s)) {
                lastCpu = s;
            }
        }
        return lastCpu;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        cpuSeconds();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }
}
