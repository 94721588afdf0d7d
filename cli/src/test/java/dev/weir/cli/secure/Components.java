package dev.weir.cli.secure;

import dev.weir.stack.ChildJvm;
import dev.weir.stack.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs Weir's components the way users do, as {@code weir <component> --config FILE} in child JVMs
 * started by local-stack's {@link ChildJvm},
 * and keeps every line they print. Not thread-safe.
 */
final class Components implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> env;
    private final List<Process> started = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    /**
     * @param dir where the logs go
     * @param env environment variables the components get (secrets referenced as {@code ${NAME}})
     */
    Components(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** Starts {@code weir <args>} with its output in {@code <name>.log}. */
    Process start(String name, String... args) throws IOException {
        Path log = dir.resolve(name + ".log");
        logs.add(log);
        Process p = ChildJvm.main("dev.weir.cli.Weir", List.of(args)).jvmOptions(List.of("-Xmx256m", TempDirs.childTmpdirOption(dir)))
                .environment(env).output(log).start();
        started.add(p);
        return p;
    }

    /** @return every line every component printed so far */
    List<String> allLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path log : logs) {
            if (Files.exists(log)) {
                lines.addAll(Files.readAllLines(log, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** @return the lines of one component's log */
    List<String> lines(String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    @Override
    public void close() {
        for (Process p : started) {
            ChildJvm.terminate(p);
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
