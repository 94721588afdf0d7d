package dev.weir.cli.up;

import java.io.PrintWriter;
import java.util.List;

/**
 * The components {@code weir up} starts, in start order. Each component's issue adds its
 * own entry here once the component works end to end.
 */
final class UpComponents {
    private UpComponents() {}

    static List<UpComponent> all(PrintWriter console, java.nio.file.Path ownLog) {
        return List.of(new ProcessorComponent(), new SinkComponent(), new EmitterComponent(console), new AgentComponent(ownLog),
                new ConsoleComponent());
    }
}
