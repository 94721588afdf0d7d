package dev.weir.emitter;

/** Entry point of this component; filled in by its issue. */
public final class EmitterApp {
    private EmitterApp() {}

    public static void main(String[] args) {
        System.err.println("EmitterApp is not built yet");
    }
}
