package dev.weir.processor;

import io.javalin.Javalin;
import java.util.List;

/**
 * A feature of the processor beyond normalisation (measures, rules, the query API): its
 * topology parts, added after the normalise stage to the same Streams application, and its HTTP
 * routes, added to the processor's Javalin server next to health and metrics. The
 * product's are built by {@link ProcessorTopology}; others (tests, the stage-cost benchmark) are passed to
 * ProcessorApp's package-private constructor.
 */
public interface ProcessorExtension {
    /**
     * @param services configuration, clock, meters and (later) the Streams instance
     * @return the parts to add, in order
     */
    List<TopologyPart> topologyParts(ProcessorServices services);

    /**
     * Adds HTTP routes; called once, before the server starts.
     *
     * @param app      the processor's server, not started yet
     * @param services configuration, clock, meters and the Streams instance
     */
    default void addRoutes(Javalin app, ProcessorServices services) {
    }
}
