package dev.weir.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How much of the chain test runs: the short form in the normal test suite (a few minutes on a 2-core box), the full
 * form with {@code e2e/run}. Chosen by {@code -Dweir.e2e.form=short|full}.
 *
 * @param name              {@code short} or {@code full}
 * @param tick              time between two ticks of traffic
 * @param steadyServices    services with steady traffic (10 % 4xx, 10 % 5xx, one ERROR log in six)
 * @param faults            the faults, in order; the Slack outage first, so that the emitter's retries after it overlap the
 *                          next faults, and with it the malformed input and the secrets, which must be processed before a
 *                          component is killed
 * @param elasticsearchDown how long Elasticsearch stays down
 * @param slackDown         how long the Slack stub answers 503
 * @param spike             how long a spike service answers 500 to every request
 * @param malformed         malformed inputs per route (HTTP intake, raw topics)
 * @param secrets           events with planted secrets
 * @param report            where the markdown report goes
 */
record Form(String name, Duration tick, List<String> steadyServices, List<Fault> faults, Duration elasticsearchDown, Duration slackDown,
            Duration spike, int malformed, int secrets, Path report) {

    /** @return the form the system properties ask for */
    static Form fromSystemProperties() {
        String name = System.getProperty("weir.e2e.form", "short");
        Path report = Path.of(System.getProperty("weir.e2e.report", "target/chain-report.md"));
        return switch (name) {
            case "short" -> new Form(name, Duration.ofMillis(250), List.of("shop", "catalog"),
                    List.of(Fault.SLACK_503, Fault.AGENT_KILL, Fault.PROCESSOR_KILL, Fault.SINK_KILL, Fault.EMITTER_KILL, Fault.BROKER_RESTART,
                            Fault.ELASTICSEARCH_DOWN),
                    Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(6), 1_000, 200, report);
            case "full" -> new Form(name, Duration.ofMillis(100), List.of("shop", "catalog", "search", "cart", "auth"),
                    List.of(Fault.SLACK_503, Fault.AGENT_KILL, Fault.PROCESSOR_KILL, Fault.SINK_KILL, Fault.EMITTER_KILL,
                            Fault.BROKER_RESTART, Fault.ELASTICSEARCH_DOWN),
                    Duration.ofSeconds(60), Duration.ofMinutes(2), Duration.ofSeconds(6), 10_000, 1_000, report);
            default -> throw new IllegalArgumentException("Invalid value " + name + " for weir.e2e.form: must be short or full");
        };
    }

    /** @return the spike services, one per fault */
    List<String> spikeServices() {
        return faults.stream().map(Fault::spikeService).toList();
    }
}
