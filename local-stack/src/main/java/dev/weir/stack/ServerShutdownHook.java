package dev.weir.stack;

/**
 * The JVM shutdown hook that stops a server child when this JVM exits, unless the server's owner
 * has taken that over ({@link #leaveToOwner()}): the JVM runs all hooks at once, so an owner whose
 * own hook closes what uses the server first must be the only one to stop it.
 *
 * <p>Not thread-safe: the server guards it with its own lock.
 */
final class ServerShutdownHook {
    private final String name;
    private Thread hook; // null when not installed
    private boolean ownerStops;

    /** @param name the hook thread's name */
    ServerShutdownHook(String name) {
        this.name = name;
    }

    /** Installs {@code stop} as the hook for the server just started, unless the owner stops it. */
    void install(Runnable stop) {
        remove();
        if (!ownerStops) {
            hook = new Thread(stop, name);
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Removes the hook, e.g. once the server stopped; never throws. */
    void remove() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // this JVM is shutting down, and the hook may be what is stopping the server
        }
        hook = null;
    }

    /** From now on the owner stops the server; removes the hook and installs none at later starts. */
    void leaveToOwner() {
        ownerStops = true;
        remove();
    }
}
