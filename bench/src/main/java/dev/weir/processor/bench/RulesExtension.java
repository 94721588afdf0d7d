package dev.weir.processor.bench;

import dev.weir.processor.ProcessorExtension;
import dev.weir.processor.ProcessorServices;
import dev.weir.processor.ProcessorTopics;
import dev.weir.processor.TopologyPart;
import dev.weir.processor.logmetric.LogMetricHttp;
import dev.weir.processor.logmetric.LogMetricMeters;
import dev.weir.processor.rules.RulesHttp;
import dev.weir.processor.rules.RulesSettings;
import dev.weir.processor.rules.RulesTopology;
import dev.weir.processor.slo.SloHttp;
import dev.weir.processor.slo.SloMetrics;
import io.javalin.Javalin;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The rules alone after the normaliser, for the stage costs: the {@link RulesTopology} part (SLO counts included) and the
 * {@code /api/v1/alerts}, {@code /api/v1/rules}, {@code /api/v1/slos}, {@code /api/v1/probes} and
 * {@code /api/v1/status} routes, the SLO and probe gauges ({@link SloMetrics}), and the log metrics' routes and rows
 * ({@code /api/v1/metrics}, {@link LogMetricMeters}).
 */
final class RulesExtension implements ProcessorExtension {
    private final RulesSettings settings;
    private final HostInfo self;
    private SloMetrics metrics; // set by topologyParts, read by addRoutes (same thread, App start)
    private LogMetricMeters logMetrics; // likewise

    /** @param settings rules settings; its clock should be the processor's ({@link ProcessorServices#clock()}) */
    RulesExtension(RulesSettings settings) {
        this(settings, null);
    }

    /**
     * @param settings rules settings
     * @param self     this instance's HTTP host:port as the others reach it (Streams' {@code application.server}),
     *                 for answers merged over instances; null for a single instance
     */
    RulesExtension(RulesSettings settings, HostInfo self) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.self = self;
    }

    @Override
    public List<TopologyPart> topologyParts(ProcessorServices services) {
        metrics = new SloMetrics(services.meters());
        logMetrics = new LogMetricMeters(services.meters());
        return List.of(new RulesTopology(settings.withClock(services.clock()), ProcessorTopics.weir(), logMetrics));
    }

    @Override
    public void addRoutes(Javalin app, ProcessorServices services) {
        RulesHttp.register(app, services.streams(), settings);
        SloHttp.register(app, services.streams(), settings, metrics, services.clock(), self, services.config().http());
        LogMetricHttp.register(app, services.streams(), settings, logMetrics, services.clock(), self, services.config().http());
    }
}
