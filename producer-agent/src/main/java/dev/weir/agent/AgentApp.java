package dev.weir.agent;

/** Entry point of this component; filled in by its issue. */
public final class AgentApp {
    private AgentApp() {}

    public static void main(String[] args) {
        System.err.println("AgentApp is not built yet");
    }
}
