package dev.weir.cli.up;

import java.nio.file.Path;
import java.util.List;

/**
 * What the user chose for the components of {@code weir up}.
 *
 * @param demo whether the demo traffic runs
 * @param tails files the agent tails besides Weir's own log
 * @param rules the processor's rules file or directory, or null for the demo or default pack
 * @param alertmanager the emitter's routing, or null for the demo inbox
 */
record UpOptions(boolean demo, List<TailSpec> tails, Path rules, Path alertmanager) {
    UpOptions {
        tails = List.copyOf(tails);
    }
}
