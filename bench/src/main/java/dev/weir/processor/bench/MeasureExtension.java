package dev.weir.processor.bench;

import dev.weir.processor.ProcessorExtension;
import dev.weir.processor.ProcessorServices;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.TopologyPart;
import dev.weir.processor.measure.MeasureSettings;
import dev.weir.processor.measure.MeasureTopology;
import dev.weir.processor.measure.metrics.MeasureMetrics;
import dev.weir.processor.measure.query.MeasureHttp;
import io.javalin.Javalin;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The measures alone after the normaliser, for the stage costs: {@link MeasureTopology} fed into
 * {@link MeasureMetrics} on the App's registry, and the query routes of {@link MeasureHttp}.
 * Create one per App run (it holds that run's meters).
 */
final class MeasureExtension implements ProcessorExtension {
    private final MeasureSettings settings;
    private final HostInfo self;
    private MeasureMetrics metrics; // set by topologyParts, read by addRoutes (same thread, App start)

    /**
     * @param settings the measuring settings
     * @param self     this instance's HTTP host:port, equal to the Streams {@code application.server}
     *                 setting; {@code null} for a single instance (no forwarding)
     */
    MeasureExtension(MeasureSettings settings, HostInfo self) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.self = self;
    }

    @Override
    public List<TopologyPart> topologyParts(ProcessorServices services) {
        metrics = new MeasureMetrics(services.meters(), settings);
        return List.of(new MeasureTopology(settings, ProcessorTopics.weir(), metrics));
    }

    @Override
    public void addRoutes(Javalin app, ProcessorServices services) {
        MeasureHttp.register(app, services.streams().get(), settings, metrics, self, services.clock(), services.config().http());
    }
}
