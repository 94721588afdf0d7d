package dev.weir.processor.rules;

import dev.weir.processor.ProcessorExtension;
import dev.weir.processor.ProcessorServices;
import dev.weir.processor.TopologyPart;
import io.javalin.Javalin;
import java.util.List;
import java.util.Objects;

/**
 * The rules as a {@link ProcessorExtension}: the {@link RulesTopology} part and the
 * {@code /api/v1/alerts} and {@code /api/v1/rules} routes.
 */
public final class RulesExtension implements ProcessorExtension {
    private final RulesSettings settings;

    /** @param settings rules settings; its clock should be the processor's ({@link ProcessorServices#clock()}) */
    public RulesExtension(RulesSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public List<TopologyPart> topologyParts(ProcessorServices services) {
        return List.of(RulesTopology.withWeirSerdes(settings.withClock(services.clock())));
    }

    @Override
    public void addRoutes(Javalin app, ProcessorServices services) {
        RulesHttp.register(app, services.streams(), settings);
    }
}
