package dev.weir.cli.up;

import java.nio.file.Path;
import java.util.List;

/** The components {@code weir up} starts, in start order. */
final class UpComponents {
    private UpComponents() {}

    /**
     * @param console where notifications are printed
     * @param ownLog Weir's own log file, which the agent tails
     * @param options what the user asked for
     */
    static List<UpComponent> all(StatusConsole console, Path ownLog, UpOptions options) {
        return List.of(new ProcessorComponent(options.rules(), options.demo()), new SinkComponent(),
                new EmitterComponent(console, options.alertmanager()), new AgentComponent(ownLog, options.tails(), options.demo()),
                new ConsoleComponent());
    }
}
