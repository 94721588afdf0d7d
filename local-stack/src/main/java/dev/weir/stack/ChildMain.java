package dev.weir.stack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of child JVMs started by the local stack: {@code ChildMain <main class> [args...]}.
 *
 * <p>The parent keeps this process's standard input open and never writes to it. End of input
 * therefore means the parent is gone - even when it was killed with SIGKILL and could not run
 * its shutdown hooks - and the child halts at once instead of living on as an orphan that holds
 * ports and data directories.
 */
public final class ChildMain {

    private ChildMain() {
    }

    /**
     * Starts the parent watch, then runs the real main class.
     *
     * @param args the main class name followed by its arguments
     * @throws Throwable whatever the real main throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("Usage: ChildMain <main class> [args...]");
            Runtime.getRuntime().halt(2);
        }
        Thread watch = new Thread(ChildMain::haltWhenParentGoes, "weir-parent-watch");
        watch.setDaemon(true);
        watch.start();

        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void haltWhenParentGoes() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the parent never writes; ignore anything that arrives
            }
        } catch (IOException e) {
            // a broken pipe means the same as end of input
        }
        System.err.println("weir: parent process is gone (standard input closed); halting");
        Runtime.getRuntime().halt(143);
    }
}
