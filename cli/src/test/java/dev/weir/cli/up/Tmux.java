package dev.weir.cli.up;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command in a real pseudo-terminal: a tmux server of its own (private socket, no user
 * configuration), one session whose pane runs the command and stays after it exits, so that its
 * exit status can be read. What a user types (Ctrl-C) is sent with {@code send-keys}.
 */
final class Tmux implements AutoCloseable {
    private static final String SESSION = "weir";

    private final Path socket;

    private Tmux(Path socket) {
        this.socket = socket;
    }

    /**
     * Starts {@code shellCommand} in a new 200×50 terminal.
     *
     * @param dir where the server's socket goes
     * @param shellCommand run by the pane's shell; start it with {@code exec} to make it the pane's process
     */
    static Tmux start(Path dir, String shellCommand) throws IOException, InterruptedException {
        Tmux tmux = new Tmux(dir.resolve("tmux.sock"));
        tmux.run("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "50", shellCommand,
                ";", "set-option", "-t", SESSION, "remain-on-exit", "on");
        return tmux;
    }

    /** @return the visible screen and up to 2000 lines of history, trailing blank lines removed */
    String screen() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-J", "-S", "-2000", "-t", SESSION).stripTrailing();
    }

    /** Sends keys as tmux names them, e.g. {@code C-c}. */
    void sendKeys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", SESSION));
        args.addAll(List.of(keys));
        run(args.toArray(String[]::new));
    }

    /** @return the pid of the pane's process */
    long panePid() throws IOException, InterruptedException {
        return Long.parseLong(run("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip());
    }

    /** @return whether the pane's process has exited */
    boolean exited() throws IOException, InterruptedException {
        return run("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip().equals("1");
    }

    /**
     * @return the exit status of the pane's process as the terminal's shell reports it ({@code $?}): its exit code, or
     *         128 + the signal's number when a signal ended it; only meaningful once {@link #exited()}
     */
    int exitStatus() throws IOException, InterruptedException {
        String status = run("display-message", "-p", "-t", SESSION, "#{pane_dead_status}").strip();
        if (!status.isEmpty()) {
            return Integer.parseInt(status);
        }
        String signal = run("display-message", "-p", "-t", SESSION, "#{pane_dead_signal}").strip();
        if (signal.isEmpty()) {
            throw new IllegalStateException("tmux gives neither an exit code nor a signal for the pane's process");
        }
        return 128 + Integer.parseInt(signal);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("kill-server");
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }
}
