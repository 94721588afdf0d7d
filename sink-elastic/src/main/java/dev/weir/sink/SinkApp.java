package dev.weir.sink;

/** Entry point of this component; filled in by its issue. */
public final class SinkApp {
    private SinkApp() {}

    public static void main(String[] args) {
        System.err.println("SinkApp is not built yet");
    }
}
