package dev.weir.processor;

/** Entry point of this component; filled in by its issue. */
public final class ProcessorApp {
    private ProcessorApp() {}

    public static void main(String[] args) {
        System.err.println("ProcessorApp is not built yet");
    }
}
