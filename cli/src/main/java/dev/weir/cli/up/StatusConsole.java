package dev.weir.cli.up;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * {@code weir up}'s output: a status line that a terminal rewrites in place, and event lines
 * (notifications, warnings) printed above it. When the output is not a terminal (a pipe, a file,
 * a test) every status is a line of its own and no control characters are written.
 *
 * <p>Thread-safe: the status loop and the emitter's delivery threads write through it.
 */
final class StatusConsole {
    /** Carriage return, then erase to the end of the line (ANSI EL). */
    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintWriter out;
    private final boolean terminal;
    private String status; // guarded by this; the status line on screen, null when none

    /**
     * @param out where to write
     * @param terminal whether {@code out} is an interactive terminal
     */
    StatusConsole(PrintWriter out, boolean terminal) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
    }

    /** @return whether this process writes to an interactive terminal (stdin and stdout both) */
    static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    /** Shows a new status: on a terminal it replaces the previous one, elsewhere it is a new line. */
    synchronized void status(String line) {
        if (terminal) {
            out.print(CLEAR_LINE + line);
            status = line;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a line above the status line, which stays the last line on a terminal. */
    synchronized void event(String line) {
        if (terminal && status != null) {
            out.print(CLEAR_LINE + line + System.lineSeparator() + status);
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Leaves the status line where it is, so that what follows starts on a line of its own. */
    synchronized void endStatus() {
        if (terminal && status != null) {
            out.println();
            out.flush();
        }
        status = null;
    }
}
